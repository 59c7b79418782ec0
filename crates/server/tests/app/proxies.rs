//! Behind a load balancer: the client's address comes from `X-Forwarded-For` only when
//! the request came through a trusted proxy, so limits and the audit log tell clients
//! apart; `/metrics` is for the configured addresses or the token only.

use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

async fn lookup_from(app: &TestApp, client: &str) -> StatusCode {
    app.client
        .get(app.url("/verify?no=GX2026000001&name=%E5%BC%A0%E4%B8%89"))
        .header("x-forwarded-for", client)
        .send()
        .await
        .unwrap()
        .status()
}

/// A wrong password for `danwei`, sent through a proxy that names `forwarded`.
async fn failed_login_via(app: &TestApp, forwarded: &str) {
    app.client
        .post(app.url("/login"))
        .header("x-forwarded-for", forwarded)
        .form(&[
            ("login_name", "danwei"),
            ("password", "Wrong-Pass-1"),
            ("_csrf", &app.csrf_token().await),
        ])
        .send()
        .await
        .unwrap();
}

async fn last_login_ip(app: &TestApp) -> Option<String> {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT ip FROM audit_event WHERE action = 'login.password' ORDER BY id DESC LIMIT 1")
        .fetch_one(p).await)
    .unwrap()
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_are_told_apart() {
    let app = spawn_app_with(|c| c.trusted_proxies = "127.0.0.1/32".into()).await;
    // One client uses up its lookups; another behind the same proxy still has its own.
    let mut limited = false;
    for _ in 0..15 {
        limited |= lookup_from(&app, "203.0.113.9").await == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited, "the first client is cut off");
    assert_eq!(lookup_from(&app, "203.0.113.10").await, StatusCode::OK);
    // The audit log names the client, not the proxy; a forged left-hand entry is ignored.
    failed_login_via(&app, "1.2.3.4, 203.0.113.77").await;
    assert_eq!(last_login_ip(&app).await.as_deref(), Some("203.0.113.77"));
}

#[tokio::test]
async fn forwarded_addresses_from_anyone_else_are_ignored() {
    let app = spawn_app().await;
    let mut limited = false;
    for i in 0..15 {
        // A client cannot escape the limit by naming a new address each time.
        let forged = format!("203.0.113.{i}");
        limited |= lookup_from(&app, &forged).await == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited);
    failed_login_via(&app, "203.0.113.77").await;
    assert_eq!(last_login_ip(&app).await.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn metrics_are_for_the_configured_addresses_or_the_token() {
    let open = spawn_app().await;
    assert_eq!(
        open.get("/metrics").await.status(),
        StatusCode::OK,
        "loopback by default"
    );

    let app = spawn_app_with(|c| {
        c.metrics_allow = "10.0.0.0/8".into();
        c.metrics_token = "scrape-2026-secret".into();
    })
    .await;
    assert_eq!(app.get("/metrics").await.status(), StatusCode::NOT_FOUND);
    let with = |token: &str| {
        app.client
            .get(app.url("/metrics"))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(with("wrong").await.unwrap().status(), StatusCode::NOT_FOUND);
    let res = with("scrape-2026-secret").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("http_requests"));
}
