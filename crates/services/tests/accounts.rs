//! Account creation and password login, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.

use zc_db::{audit, test_support::TestDb};
use zc_domain::Role;
use zc_services::{
    ServiceError,
    accounts::{Actor, LOGIN_FAILED, NewAccountInput, authenticate, create_account},
};

fn admin(login: &str) -> NewAccountInput {
    NewAccountInput {
        login_name: login.into(),
        display_name: "管理员甲".into(),
        password: "Gx-Secure-2026".into(),
        role: Role::SystemAdmin,
        org: None,
    }
}

fn refusal(e: ServiceError) -> (&'static str, String) {
    match e {
        ServiceError::Refused { code, message } => (code, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn created_accounts_log_in_and_leave_audit_events() {
    let t = TestDb::new().await;
    let id = create_account(&t.db, admin("opsadmin"), Actor::default())
        .await
        .unwrap();
    let a = authenticate(&t.db, "opsadmin", "Gx-Secure-2026", Some("127.0.0.1"))
        .await
        .unwrap();
    assert_eq!(a.id, id);
    assert_ne!(a.password_hash, "Gx-Secure-2026");
    assert!(a.password_hash.starts_with("$argon2id$"));

    let events = audit::recent(&t.db, 10).await.unwrap();
    let actions: Vec<_> = events
        .iter()
        .map(|e| (e.action.as_str(), e.result.as_str()))
        .collect();
    assert!(actions.contains(&("account.create", "ok")));
    assert!(actions.contains(&("login.password", "ok")));
}

#[tokio::test]
async fn duplicate_logins_and_weak_passwords_are_refused_by_field() {
    let t = TestDb::new().await;
    create_account(&t.db, admin("opsadmin"), Actor::default())
        .await
        .unwrap();
    let Err(ServiceError::Invalid(errors)) =
        create_account(&t.db, admin("opsadmin"), Actor::default()).await
    else {
        panic!("duplicate login must be refused")
    };
    assert_eq!(errors.get("login_name"), Some("该账号已被使用，请换一个"));

    let weak = NewAccountInput {
        password: "admin123".into(),
        ..admin("other")
    };
    let Err(ServiceError::Invalid(errors)) = create_account(&t.db, weak, Actor::default()).await
    else {
        panic!("weak password must be refused")
    };
    assert!(errors.get("password").unwrap().contains("至少3类"));
}

#[tokio::test]
async fn same_password_gives_different_hashes() {
    let t = TestDb::new().await;
    create_account(&t.db, admin("one"), Actor::default())
        .await
        .unwrap();
    create_account(&t.db, admin("two"), Actor::default())
        .await
        .unwrap();
    let a = zc_db::accounts::find_by_login(&t.db, "one")
        .await
        .unwrap()
        .unwrap();
    let b = zc_db::accounts::find_by_login(&t.db, "two")
        .await
        .unwrap()
        .unwrap();
    assert_ne!(a.password_hash, b.password_hash);
}

#[tokio::test]
async fn five_failures_lock_the_account_and_unknown_names_look_the_same() {
    let t = TestDb::new().await;
    create_account(&t.db, admin("opsadmin"), Actor::default())
        .await
        .unwrap();
    for _ in 0..5 {
        let (code, msg) = refusal(
            authenticate(&t.db, "opsadmin", "wrong", None)
                .await
                .unwrap_err(),
        );
        assert_eq!((code, msg.as_str()), ("login_failed", LOGIN_FAILED));
        let (code, msg) = refusal(
            authenticate(&t.db, "nobody", "wrong", None)
                .await
                .unwrap_err(),
        );
        assert_eq!((code, msg.as_str()), ("login_failed", LOGIN_FAILED));
    }
    // Now even the right password is refused, for the known and the unknown name alike.
    let (code, _) = refusal(
        authenticate(&t.db, "opsadmin", "Gx-Secure-2026", None)
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "login_locked");
    let (code, _) = refusal(
        authenticate(&t.db, "nobody", "whatever", None)
            .await
            .unwrap_err(),
    );
    assert_eq!(code, "login_locked");
}
