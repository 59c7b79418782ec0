//! The TOTP second factor for staff.

use reqwest::StatusCode;

use crate::helpers::{html, location, spawn_app, spawn_app_with, texts};

#[tokio::test]
async fn demo_staff_need_their_code_after_the_password() {
    let app = spawn_app().await;
    assert!(
        app.demo_totp.iter().any(|(l, _)| l == "zhigaiban"),
        "demo secrets are reported for the banner"
    );
    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form(
            "/login",
            &[
                ("login_name", "zhigaiban"),
                ("password", &password),
                ("next", "/office/units"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/login/totp");
    // The password alone opens nothing.
    assert!(location(&app.get("/office").await).starts_with("/login"));

    let res = app.post_form("/login/totp", &[("code", "000000")]).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["动态口令不正确或已使用，请输入验证器上显示的最新6位数字"]
    );

    let code = app.totp_code("zhigaiban").await;
    let res = app.post_form("/login/totp", &[("code", &code)]).await;
    assert_eq!(
        location(&res),
        "/office/units",
        "back to where they were going"
    );
    assert_eq!(app.get("/office").await.status(), StatusCode::OK);

    // The same code cannot be used again.
    let other = crate::helpers::spawn_second_browser(&app).await;
    other
        .post(
            "/login",
            &[("login_name", "zhigaiban"), ("password", &password)],
        )
        .await;
    let res = other.post("/login/totp", &[("code", &code)]).await;
    assert_eq!(res.status(), StatusCode::OK, "a replayed code is refused");
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["动态口令不正确或已使用，请输入验证器上显示的最新6位数字"]
    );
    let res = other.get("/office").await;
    assert!(
        location(&res).starts_with("/login"),
        "the replaying browser is not signed in"
    );
}

#[tokio::test]
async fn outside_demo_mode_staff_enrol_an_authenticator_at_first_sign_in() {
    let app = spawn_app_with(|c| c.demo = false).await;
    zc_db::seed::seed_reference_data(&app.db).await.unwrap();
    let office = zc_db::reference::office_id_by_name(&app.db, "南宁市职称改革工作领导小组办公室")
        .await
        .unwrap()
        .unwrap();
    let input = zc_services::accounts::NewAccountInput {
        login_name: "nn_staff".into(),
        display_name: "南宁受理员".into(),
        password: "Nn-Office-2026".into(),
        role: zc_domain::Role::OfficeStaff,
        org: Some(("office", office)),
    };
    zc_services::accounts::create_account(&app.db, input, Default::default())
        .await
        .unwrap();
    let res = app
        .post_form(
            "/login",
            &[("login_name", "nn_staff"), ("password", "Nn-Office-2026")],
        )
        .await;
    assert_eq!(location(&res), "/login/totp/setup");
    let (_, doc) = app.get_html("/login/totp/setup").await;
    let secret = texts(&doc, "#totp-secret")[0].clone();
    let res = app.post_form("/login/totp/setup", &[("code", "123")]).await;
    assert!(!texts(&html(&res.text().await.unwrap()), ".error-summary li").is_empty());
    let code = zc_services::totp::current_code(&secret).unwrap();
    let res = app.post_form("/login/totp/setup", &[("code", &code)]).await;
    assert_eq!(location(&res), "/office");
    let account = zc_db::accounts::find_by_login(&app.db, "nn_staff")
        .await
        .unwrap()
        .unwrap();
    let sealed = account.totp_secret_sealed.expect("secret stored");
    assert!(!sealed.contains(&secret), "the secret is sealed at rest");
    let events = zc_db::audit::recent(&app.db, 3).await.unwrap();
    assert!(events.iter().any(|e| e.action == "totp.enroll"));
}
