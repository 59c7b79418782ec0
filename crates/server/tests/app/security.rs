//! Security headers, CSRF, error pages and body limits.

use reqwest::{StatusCode, header};

use crate::helpers::{html, spawn_app, spawn_app_with, texts};

#[tokio::test]
async fn every_page_carries_security_headers_with_a_fresh_nonce() {
    let app = spawn_app().await;
    let mut nonces = Vec::new();
    for path in ["/", "/verify", "/login", "/design", "/no-such-page"] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"),
            "{path}: {csp}"
        );
        assert!(csp.contains("base-uri 'none'"));
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|s| s.split('\'').next())
            .unwrap()
            .to_string();
        nonces.push(nonce);
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::REFERRER_POLICY], "same-origin");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        assert!(h.get("x-request-id").is_some(), "{path} has a request id");
        assert!(
            h.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "no HSTS over plain HTTP"
        );
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "each response gets its own nonce");
}

#[tokio::test]
async fn hsts_and_secure_cookies_when_served_over_tls() {
    let app = spawn_app_with(|c| c.tls = true).await;
    let res = app.get("/").await;
    assert!(
        res.headers()[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}

#[tokio::test]
async fn state_changes_without_a_valid_token_are_refused_in_chinese() {
    let app = spawn_app().await;
    app.get("/").await; // receive the CSRF cookie
    let res = app
        .client
        .post(app.url("/prefs/care-mode"))
        .form(&[("on", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "h1"), ["页面已过期"]);

    let res = app
        .client
        .post(app.url("/prefs/care-mode"))
        .form(&[("on", "1"), ("_csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A token from another browser (another cookie) does not fit this one.
    let other = crate::helpers::new_client();
    let page = other
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let foreign = crate::helpers::attr(&html(&page), "meta[name=csrf-token]", "content").unwrap();
    let res = app
        .client
        .post(app.url("/prefs/care-mode"))
        .form(&[("on", "1"), ("_csrf", foreign.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A valid token from a cross-site page is refused by the origin check.
    let token = app.csrf_token().await;
    let res = app
        .client
        .post(app.url("/prefs/care-mode"))
        .header(header::ORIGIN, "https://evil.example")
        .form(&[("on", "1"), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The header form of the token works for scripts.
    let res = app
        .client
        .post(app.url("/prefs/care-mode"))
        .header("x-csrf-token", token.as_str())
        .form(&[("on", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn error_pages_are_chinese_and_show_the_request_id() {
    let app = spawn_app().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "h1"), ["页面不存在"]);
    assert_eq!(texts(&doc, ".error-panel code"), [id]);

    let res = app.client.delete(app.url("/")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "unsafe methods need a token before anything else"
    );
    let token = app.csrf_token().await;
    let res = app
        .client
        .put(app.url("/"))
        .header("x-csrf-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "h1"),
        ["操作方式有误"]
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_a_chinese_page() {
    let app = spawn_app_with(|c| c.body_limit_kb = 16).await;
    let token = app.csrf_token().await;
    let big = "x".repeat(64 * 1024);
    let res = app
        .client
        .post(app.url("/login"))
        .header("x-csrf-token", token)
        .form(&[("login_name", big.as_str()), ("password", "p")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "h1"),
        ["提交的内容过大"]
    );
}

#[tokio::test]
async fn certificate_lookups_from_one_address_are_rate_limited_with_a_chinese_page() {
    let app = crate::helpers::spawn_app().await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(
            app.get("/verify?no=GX2026000001&name=%E5%BC%A0%E4%B8%89")
                .await,
        );
    }
    let limited = statuses
        .into_iter()
        .find(|r| r.status() == reqwest::StatusCode::TOO_MANY_REQUESTS)
        .expect("a burst of lookups is cut off");
    let wait: u64 = limited.headers()[reqwest::header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
    let body = limited.text().await.unwrap();
    assert!(body.contains("操作过于频繁"), "{body}");
    // Other pages stay open to the same address.
    assert_eq!(app.get("/").await.status(), reqwest::StatusCode::OK);
}
