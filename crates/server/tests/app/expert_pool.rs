//! Arrangements for committee tests: experts in the pool, signed in or acting through
//! the services.

use chrono::Duration;
use reqwest::StatusCode;
use zc_services::accounts::Actor;

use crate::helpers::{SecondBrowser, TestApp, spawn_second_browser};

pub(crate) const EXPERT_PASSWORD: &str = "Expert-Review-2026";

/// An applicant account in the pool of `series_id` for `specialty`, working at `unit`.
pub(crate) async fn expert(
    app: &TestApp,
    n: u64,
    unit: Option<i64>,
    series_id: i64,
    specialty: &str,
) -> i64 {
    let hash = zc_services::password_hash::hash(EXPERT_PASSWORD.into())
        .await
        .unwrap();
    let id_number = format!("45010219700101{n:04}");
    let phone = format!("137{n:08}");
    let email = format!("expert{n}@example.test");
    let mut tx = app.db.begin_write().await.unwrap();
    let account = zc_db::accounts::insert(
        &mut tx,
        &zc_db::accounts::NewAccount {
            login_name: &format!("expert{n}"),
            display_name: &format!("专家{n}"),
            password_hash: &hash,
            role: "applicant",
            org_kind: None,
            org_id: None,
            duty: None,
        },
    )
    .await
    .unwrap();
    zc_db::applicants::insert(
        &mut tx,
        &zc_db::applicants::NewApplicant {
            account_id: account,
            name: &format!("专家{n}"),
            doc_kind: "resident_id",
            id_number_sealed: &app.vault.seal(&id_number),
            id_number_index: &app.vault.index("id", &id_number),
            id_number_masked: &zc_domain::mask::mask_id_number(&id_number),
            phone_sealed: &app.vault.seal(&phone),
            phone_index: &app.vault.index("phone", &phone),
            phone_masked: &zc_domain::mask::mask_phone(&phone),
            email: &email,
            email_key: &email,
            security_question: "q",
            security_answer_hash: &hash,
        },
    )
    .await
    .unwrap();
    if let Some(unit) = unit {
        zc_db::applicants::set_unit(&mut tx, account, unit)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    grant(app, account, series_id, specialty).await;
    account
}

pub(crate) async fn grant(app: &TestApp, account: i64, series_id: i64, specialty: &str) {
    let today = (chrono::Utc::now() + Duration::hours(8)).date_naive();
    zc_services::experts::grant(
        &app.db,
        Actor::default(),
        &zc_services::experts::Grant {
            account_id: account,
            series_id,
            specialty,
            title_name: "高级工程师",
            term_start: today - Duration::days(30),
            term_end: today + Duration::days(700),
        },
    )
    .await
    .unwrap();
}

pub(crate) fn actor(id: i64) -> Actor<'static> {
    Actor {
        account_id: Some(id),
        role: Some(zc_domain::Role::Applicant),
        ip: Some("127.0.0.1"),
    }
}

pub(crate) async fn signed_in_expert(app: &TestApp, n: u64) -> SecondBrowser {
    let b = spawn_second_browser(app).await;
    let res = b
        .login_applicant_with(app, &format!("expert{n}@example.test"), EXPERT_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "expert{n} signs in");
    b
}

/// The fewest experts a meeting of this level draws by default.
pub(crate) fn app_minimum(level_rank: i32) -> u32 {
    zc_domain::committee::minimum_size::MinimumSizes::default().of(level_rank)
}

/// The password of the committee secretary [`committee_secretary`] creates.
pub(crate) const SECRETARY_PASSWORD: &str = "Committee-2026x";

/// A 评委会秘书 account `mishu` of `committee`; its id.
pub(crate) async fn committee_secretary(app: &TestApp, committee: i64) -> i64 {
    zc_services::accounts::create_account(
        &app.db,
        zc_services::accounts::NewAccountInput {
            login_name: "mishu".into(),
            display_name: "评委会秘书".into(),
            password: SECRETARY_PASSWORD.into(),
            role: zc_domain::Role::CommitteeStaff,
            org: Some(("committee", committee)),
        },
        Actor::default(),
    )
    .await
    .unwrap()
}

/// The committee's review plan of `year`.
pub(crate) async fn plan_of(app: &TestApp, committee: i64, year: i32) -> i64 {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM review_plan WHERE committee_id = $1 AND year = $2")
        .bind(committee).bind(year).fetch_one(p).await)
    .unwrap()
}
