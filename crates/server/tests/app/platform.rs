//! Health, readiness, metrics, assets and graceful shutdown.

use reqwest::{StatusCode, header};

use crate::helpers::{attr, spawn_app};

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ok");
    let res = app.get("/readyz").await;
    assert_eq!(
        (res.status(), res.text().await.unwrap()),
        (StatusCode::OK, "ready".to_string())
    );

    app.get("/").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let home_line = metrics
        .lines()
        .find(|l| {
            l.starts_with("zhicheng_http_requests_total")
                && l.contains("route=\"/\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("home page counted in:\n{metrics}"));
    assert!(home_line.ends_with(" 1"), "{home_line}");
    assert!(metrics.contains("zhicheng_http_request_duration_seconds_bucket"));
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.close().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        app.get("/healthz").await.status(),
        StatusCode::OK,
        "liveness does not need the database"
    );
}

#[tokio::test]
async fn assets_are_served_with_long_cache_under_hashed_names() {
    let app = spawn_app().await;
    let (_, doc) = app.get_html("/").await;
    let css = attr(&doc, "link[rel=stylesheet]", "href").unwrap();
    let js = attr(&doc, "script[src]", "src").unwrap();
    assert!(css.starts_with("/static/app.") && css.ends_with(".css"));
    for (path, ct) in [(css, "text/css"), (js, "text/javascript")] {
        let res = app.get(&path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(
            res.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(ct)
        );
        assert!(
            res.headers()[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }
    assert_eq!(
        app.get("/static/app.0000.css").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn pages_are_compressed_for_clients_that_ask() {
    let app = spawn_app().await;
    // The load harness's goose turns on reqwest's gzip feature for the whole
    // workspace, which would decode the body and drop the header we check.
    let client = reqwest::Client::builder().no_gzip().build().unwrap();
    let res = client
        .get(app.url("/"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
}

#[tokio::test]
async fn shutdown_is_graceful() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let address = app.address.clone();
    app.stop().await.expect("server stops cleanly");
    let after = reqwest::get(format!("{address}/healthz")).await;
    assert!(after.is_err(), "nothing listens after shutdown");
}
