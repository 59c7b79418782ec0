//! Password login, sessions and the portal guards.

use chrono::{Duration, Utc};
use reqwest::{StatusCode, header};
use zc_domain::Clock;

use crate::helpers::{html, location, new_client, spawn_app, spawn_app_with, texts};

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("zc_session="))
        .map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn visitors_are_sent_to_login_and_back_to_where_they_were_going() {
    let app = spawn_app().await;
    let res = app.get("/office").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?next=%2Foffice");

    let (_, doc) = app.get_html("/login?next=%2Foffice").await;
    assert_eq!(
        crate::helpers::attr(&doc, "form[action='/login'] input[name=next]", "value").as_deref(),
        Some("/office")
    );
    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form(
            "/login",
            &[
                ("login_name", "zhigaiban"),
                ("password", &password),
                ("next", "/office"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/login/totp");
    let code = app.totp_code("zhigaiban").await;
    let res = app.post_form("/login/totp", &[("code", &code)]).await;
    assert_eq!(location(&res), "/office");
    let (status, doc) = app.get_html("/office").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&doc, "h1"), ["您好，王职改"]);
    assert!(texts(&doc, ".lead")[0].contains("广西流动人员职称改革办公室"));
    assert!(texts(&doc, "#today-title + p")[0].starts_with("今天是"));
    assert_eq!(
        texts(&doc, ".facts dt"),
        ["从今天起 3 个工作日", "从今天起 5 个工作日"]
    );
}

#[tokio::test]
async fn a_wrong_password_keeps_the_login_name_and_says_why_in_chinese() {
    let app = spawn_app().await;
    let res = app
        .post_form(
            "/login",
            &[("login_name", "danwei"), ("password", "Wrong-Pass-1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["账号或密码错误，请重新输入"]
    );
    assert_eq!(
        crate::helpers::attr(&doc, "#f-login_name", "value").as_deref(),
        Some("danwei")
    );
    assert_eq!(
        crate::helpers::attr(&doc, "#f-password", "value"),
        None,
        "passwords are never echoed"
    );

    let res = app
        .post_form("/login", &[("login_name", ""), ("password", "")])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".field-msg"), ["请填写账号", "请填写密码"]);
}

#[tokio::test]
async fn each_role_reaches_only_its_own_portal() {
    let app = spawn_app().await;
    let res = app.login_applicant().await;
    assert_eq!(location(&res), "/my");
    let (status, doc) = app.get_html("/my").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        texts(&doc, ".main-nav li"),
        [
            "首页",
            "个人资料",
            "证书管理",
            "申报职称",
            "评委专家入库申请",
            "报表下载",
            "费用管理",
            "操作指南",
            "意见建议"
        ]
    );
    for other in [
        "/unit",
        "/office",
        "/committee",
        "/admin",
        "/admin/audit",
        "/admin/calendar",
    ] {
        let (status, doc) = app.get_html(other).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "applicant on {other}");
        assert_eq!(texts(&doc, "h1"), ["没有权限"]);
    }
}

#[tokio::test]
async fn login_issues_a_new_session_and_logout_ends_it_on_the_server() {
    let app = spawn_app().await;
    let first = session_cookie(&app.login_as("danwei").await).expect("session cookie at login");
    let second =
        session_cookie(&app.login_as("danwei").await).expect("session cookie at second login");
    assert_ne!(first, second, "the session id changes at every login");

    let token = app.csrf_token().await;
    let res = app
        .client
        .post(app.url("/logout"))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers().get("clear-site-data").is_some());

    // Replaying the old cookie from another client finds no session.
    let replay = new_client();
    let res = replay
        .get(app.url("/unit"))
        .header(header::COOKIE, second)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn logged_in_people_visiting_login_go_to_their_portal() {
    let app = spawn_app().await;
    app.login_as("pingshen").await;
    let res = app.get("/login").await;
    assert_eq!(location(&res), "/committee");
    let (_, doc) = app.get_html("/committee").await;
    assert!(texts(&doc, ".user-name")[0].starts_with("陈评审"));
}

#[tokio::test]
async fn a_session_older_than_twelve_hours_is_ended_whatever_the_activity() {
    let app = spawn_app().await;
    app.login_as("zhigaiban").await;
    assert_eq!(app.get("/office").await.status(), StatusCode::OK);

    // Move the login time 13 hours into the past, as if the person had kept clicking.
    let rows: Vec<(String, String)> = zc_db::with_pool!(&app.db, p =>
        sqlx::query_as("SELECT id, data FROM session").fetch_all(p).await)
    .unwrap();
    assert_eq!(rows.len(), 1);
    let (id, data) = &rows[0];
    let mut value: serde_json::Value = serde_json::from_str(data).unwrap();
    let login_at = value["login_at"]
        .as_i64()
        .expect("login time kept in the session");
    value["login_at"] = serde_json::json!(login_at - 13 * 3600);
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE session SET data = $1 WHERE id = $2")
        .bind(value.to_string()).bind(id).execute(p).await.map(|_| ()))
    .unwrap();
    // Written behind the servers' backs, so they are told, as the platform's own writes do.
    app.db.announce(zc_db::memo::Forget::All).await.unwrap();

    let res = app.get("/office").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn changing_the_password_keeps_this_device_and_signs_out_the_others() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let other = crate::helpers::spawn_second_browser(&app).await;
    other.login_applicant_here(&app).await;
    assert_eq!(other.get("/my").await.status(), StatusCode::OK);

    let (_, doc) = app.get_html("/my").await;
    assert_eq!(
        crate::helpers::attr(&doc, "meta[name=session-idle-seconds]", "content").as_deref(),
        Some("1800")
    );
    assert_eq!(
        app.get("/session/keepalive").await.status(),
        StatusCode::NO_CONTENT
    );

    let res = app
        .post_form(
            "/account/password",
            &[
                ("current_password", "Wrong-2026x"),
                ("password", "Brand-New-2027"),
                ("password_confirm", "Brand-New-2027"),
            ],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), ".error-summary li"),
        ["当前密码不正确"]
    );

    let current = app.demo_password.clone().unwrap();
    let res = app
        .post_form(
            "/account/password",
            &[
                ("current_password", &current),
                ("password", "Brand-New-2027"),
                ("password_confirm", "Brand-New-2027"),
            ],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "[role=status]"),
        ["密码已修改。其他设备上的登录已全部退出。"]
    );
    assert_eq!(
        app.get("/my").await.status(),
        StatusCode::OK,
        "this device stays signed in"
    );
    let res = other.get("/my").await;
    assert!(
        location(&res).starts_with("/my/login"),
        "the other device is signed out"
    );
    assert_eq!(
        other.get("/session/keepalive").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn staff_sessions_idle_out_sooner() {
    let app = spawn_app().await;
    app.login_as("zhigaiban").await;
    let (_, doc) = app.get_html("/office").await;
    assert_eq!(
        crate::helpers::attr(&doc, "meta[name=session-idle-seconds]", "content").as_deref(),
        Some("900")
    );
    assert_eq!(texts(&doc, "#idle-warning strong"), ["2分钟后"]);
}

#[tokio::test]
async fn a_staff_password_older_than_ninety_days_must_be_changed_first() {
    let app = spawn_app().await;
    let long_ago = chrono::Utc::now() - chrono::Duration::days(91);
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE account SET password_changed_at = $1 WHERE login_name = 'nanning' OR role = 'applicant'")
        .bind(long_ago).execute(p).await.map(|_| ())).unwrap();

    app.login_as("nanning").await;
    let res = app.get("/office").await;
    assert_eq!(
        location(&res),
        "/account/password",
        "nothing else works first"
    );
    let res = app.get("/office/units").await;
    assert_eq!(location(&res), "/account/password");
    // Outside the portals too: exports, messages, the account pages, and forms sent there.
    for path in ["/exports", "/messages", "/account", "/account/email", "/"] {
        assert_eq!(
            location(&app.get(path).await),
            "/account/password",
            "{path}"
        );
    }
    let (_, page) = app.get_html("/account/password").await;
    let csrf = crate::helpers::attr(&page, "meta[name=csrf-token]", "content").unwrap();
    let res = app
        .client
        .post(app.url("/account/email"))
        .form(&[("email", "new@example.com"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/account/password");
    let (_, doc) = app.get_html("/account/password").await;
    assert!(texts(&doc, "#password-expired")[0].contains("超过90天"));

    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form(
            "/account/password",
            &[
                ("current_password", &password),
                ("password", "Qin-Fresh-2027x"),
                ("password_confirm", "Qin-Fresh-2027x"),
            ],
        )
        .await;
    assert!(texts(&html(&res.text().await.unwrap()), ".notice-success")[0].contains("密码已修改"));
    assert_eq!(app.get("/office").await.status(), StatusCode::OK);

    // Applicants' passwords do not expire.
    let applicant = crate::helpers::spawn_second_browser(&app).await;
    applicant.login_applicant_here(&app).await;
    assert_eq!(applicant.get("/my").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_return_address_that_a_browser_reads_as_another_site_is_ignored() {
    let app = spawn_app().await;
    let password = app.demo_password.clone().unwrap();
    for evil in ["/\t/evil.example", "/%09/evil.example", "/\\evil.example"] {
        // The page does not carry it into the form…
        let (_, doc) = app
            .get_html(&format!(
                "/my/login?next={}",
                evil.replace('%', "%25").replace('\t', "%09")
            ))
            .await;
        assert_eq!(
            crate::helpers::attr(&doc, "form[action='/my/login'] input[name=next]", "value")
                .unwrap_or_default(),
            "",
            "{evil:?}"
        );
        // …and a form that sends it anyway lands at home.
        let client = new_client();
        let page = client
            .get(app.url("/my/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = crate::helpers::attr(&html(&page), "input[name=_csrf]", "value").unwrap();
        let res = client
            .post(app.url("/my/login"))
            .form(&[
                ("identifier", zc_services::demo::DEMO_APPLICANT_ID),
                ("password", password.as_str()),
                ("next", evil),
                ("_csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&res), "/my", "{evil:?}");
    }
}

#[tokio::test]
async fn a_staff_session_ends_when_idle_past_its_limit_and_lives_while_used() {
    // The idle limits are judged on the platform's clock, so the test moves it instead of
    // waiting: staff 15 minutes, applicants 30 (the defaults).
    let app = spawn_app_with(|c| c.clock = Clock::starting_at(Utc::now())).await;
    app.login_as("zhigaiban").await;
    let applicant = crate::helpers::spawn_second_browser(&app).await;
    applicant.login_applicant_here(&app).await;
    // Used every 14 minutes for an hour, the staff session lives past its idle limit.
    for _ in 0..4 {
        app.db.clock().advance(Duration::minutes(14));
        assert_eq!(app.get("/office").await.status(), StatusCode::OK);
        assert_eq!(applicant.get("/my").await.status(), StatusCode::OK);
    }
    // Left alone 16 minutes, it is over on the server; the applicant's longer limit holds.
    app.db.clock().advance(Duration::minutes(16));
    let res = app.get("/office").await;
    assert!(location(&res).starts_with("/login"), "{:?}", res.status());
    assert_eq!(applicant.get("/my").await.status(), StatusCode::OK);
    app.db.clock().advance(Duration::minutes(31));
    let res = applicant.get("/my").await;
    assert!(location(&res).contains("login"), "{:?}", res.status());
}
