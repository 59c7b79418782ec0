//! Guesses share one limit: passwords, TOTP codes, SMS codes and re-authentication
//! passwords are counted before they are checked, so that many sent at the same moment
//! cannot all be checked; TOTP codes and re-authentication count toward the login's lock;
//! one typo behind a shared address does not put a captcha in front of everyone there.

use std::sync::Arc;

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use tokio::sync::Barrier;
use zc_domain::Clock;

use crate::helpers::{
    TestApp, attr, html, location, spawn_app, spawn_app_with, spawn_second_browser, texts,
};

const LOCKED: &str = "登录失败次数过多，请15分钟后再试，或通过“忘记密码”重设密码";

/// Sends `forms` to `path` each from its own browser, all at the same instant; the error
/// summaries of the answers.
async fn at_once(app: &TestApp, path: &str, forms: Vec<Vec<(String, String)>>) -> Vec<String> {
    let mut prepared = Vec::new();
    for form in forms {
        let b = spawn_second_browser(app).await;
        let csrf = b.csrf().await;
        prepared.push((b.client(), b.url(path), form, csrf));
    }
    let barrier = Arc::new(Barrier::new(prepared.len()));
    let mut tasks = Vec::new();
    for (client, url, mut form, csrf) in prepared {
        let barrier = barrier.clone();
        form.push(("_csrf".into(), csrf));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let res = client.post(url).form(&form).send().await.unwrap();
            let doc = html(&res.text().await.unwrap());
            texts(&doc, ".error-summary li").join("|")
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn twenty_wrong_passwords_at_once_are_checked_at_most_five_times() {
    let app = spawn_app_with(|c| c.clock = Clock::starting_at(Utc::now())).await;
    let wrong = form(&[("login_name", "danwei"), ("password", "Wrong-Pass-1")]);
    let answers = at_once(&app, "/login", vec![wrong; 20]).await;
    let checked = answers
        .iter()
        .filter(|a| a.as_str() == "账号或密码错误，请重新输入")
        .count();
    let locked = answers.iter().filter(|a| a.as_str() == LOCKED).count();
    assert!(checked <= 5, "{checked} of 20 were checked: {answers:?}");
    assert_eq!(checked + locked, 20, "{answers:?}");
    // The right password is refused too, until the lock has run.
    let password = app.demo_password.clone().unwrap();
    let right = [("login_name", "danwei"), ("password", password.as_str())];
    let refusal = |res: reqwest::Response| async move {
        texts(&html(&res.text().await.unwrap()), ".error-summary li")
    };
    assert_eq!(
        refusal(app.post_form("/login", &right).await).await,
        [LOCKED]
    );

    // A minute before the 15 are up it still holds; after them the right password opens.
    app.db.clock().advance(Duration::minutes(14));
    assert_eq!(
        refusal(app.post_form("/login", &right).await).await,
        [LOCKED]
    );
    app.db.clock().advance(Duration::minutes(2));
    let res = app.post_form("/login", &right).await;
    assert_eq!(location(&res), "/login/totp", "the lock has run out");
}

#[tokio::test]
async fn five_wrong_codes_end_the_pending_sign_in_and_lock_the_name() {
    let app = spawn_app().await;
    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form(
            "/login",
            &[("login_name", "zhigaiban"), ("password", &password)],
        )
        .await;
    assert_eq!(location(&res), "/login/totp");
    for _ in 0..5 {
        let res = app.post_form("/login/totp", &[("code", "000000")]).await;
        let doc = html(&res.text().await.unwrap());
        assert_eq!(
            texts(&doc, ".error-summary li"),
            ["动态口令不正确或已使用，请输入验证器上显示的最新6位数字"]
        );
    }
    // The sixth try, even with the right code, ends the pending sign-in.
    let code = app.totp_code("zhigaiban").await;
    let res = app.post_form("/login/totp", &[("code", &code)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#totp-locked"), [LOCKED]);
    assert!(texts(&doc, "#f-code").is_empty(), "no code field any more");
    assert_eq!(attr(&doc, "main a.btn", "href").as_deref(), Some("/login"));
    let res = app.post_form("/login/totp", &[("code", &code)]).await;
    assert_eq!(location(&res), "/login", "nothing pending");
    assert!(location(&app.get("/office").await).starts_with("/login"));
    // The wrong codes counted toward the name's lock: the password alone is refused now.
    let res = app
        .post_form(
            "/login",
            &[("login_name", "zhigaiban"), ("password", &password)],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".error-summary li"), [LOCKED]);
}

#[tokio::test]
async fn twenty_wrong_sms_codes_at_once_are_compared_at_most_five_times() {
    let app = spawn_app().await;
    app.post_form(
        "/my/login/sms",
        &[("phone", "13800771234"), ("action", "send_code")],
    )
    .await;
    assert!(app.last_sms().await.is_some());
    let wrong = form(&[
        ("phone", "13800771234"),
        ("sms_code", "000000"),
        ("action", "login"),
    ]);
    let answers = at_once(&app, "/my/login/sms", vec![wrong; 20]).await;
    let compared = answers
        .iter()
        .filter(|a| a.starts_with("验证码不正确"))
        .count();
    assert!(compared <= 5, "{compared} of 20 were compared: {answers:?}");
    assert!(
        answers
            .iter()
            .filter(|a| a.as_str() == "验证码输入错误次数过多，请重新获取")
            .count()
            >= 15,
        "{answers:?}"
    );
}

#[tokio::test]
async fn re_authentication_is_limited_as_the_login_is() {
    let app = spawn_app().await;
    app.login_applicant().await;
    for _ in 0..5 {
        let res = app
            .post_form("/account/reveal", &[("current_password", "Wrong-Pass-1")])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form("/account/reveal", &[("current_password", &password)])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["密码错误次数过多，请15分钟后再试"],
        "the sixth try is not checked, even when right"
    );
    assert_eq!(texts(&doc, "#own-id-number"), ["4501**********1237"]);
    let refused: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'pii.reveal_own' AND result = 'refused'")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(refused, 6, "every refusal audited");
}

#[tokio::test]
async fn one_typo_behind_a_shared_address_asks_only_that_account_for_a_captcha() {
    let app = spawn_app().await;
    // Someone at the same office address mistypes once.
    app.post_form(
        "/my/login",
        &[("identifier", "13900000001"), ("password", "Wrong-2026x")],
    )
    .await;
    // A colleague at the same address sees no captcha and signs in.
    let colleague = spawn_second_browser(&app).await;
    let doc = html(&colleague.get("/my/login").await.text().await.unwrap());
    assert!(attr(&doc, "img.captcha", "src").is_none());
    let password = app.demo_password.clone().unwrap();
    let res = colleague
        .post(
            "/my/login",
            &[
                ("identifier", zc_services::demo::DEMO_APPLICANT_ID),
                ("password", &password),
            ],
        )
        .await;
    assert_eq!(location(&res), "/my", "no captcha for the colleague");

    // Many failures from one address are abuse: then everyone there is asked.
    for i in 0..zc_services::captcha::ADDRESS_FAILURES_FOR_CAPTCHA {
        app.post_form(
            "/my/login",
            &[
                ("identifier", &format!("1390000{i:04}")),
                ("password", "Wrong-2026x"),
            ],
        )
        .await;
    }
    let doc = html(
        &spawn_second_browser(&app)
            .await
            .get("/my/login")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(attr(&doc, "img.captcha", "src").is_some());
}
