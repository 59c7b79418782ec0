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

/// A request whose body is still arriving when the server is told to stop is answered in
/// full before the server ends; a new connection after the stop signal is not served.
#[tokio::test]
async fn a_request_in_flight_finishes_when_the_server_stops() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = spawn_app().await;
    // A browser's first visit: its session cookie and the CSRF token of its forms.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = browser.get(app.url("/login")).send().await.unwrap();
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect();
    let token = attr(
        &crate::helpers::html(&res.text().await.unwrap()),
        "meta[name=csrf-token]",
        "content",
    )
    .unwrap();
    let password = app.demo_password.clone().unwrap();
    let body = format!("_csrf={token}&login_name=zhigaiban&password={password}");
    let (head, tail) = body.split_at(body.len() / 2);

    let authority = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /login HTTP/1.1\r\nHost: {authority}\r\nCookie: {}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{head}",
                cookies.join("; "),
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    stream.flush().await.unwrap();
    // The server has the request's head; now it is told to stop.
    let stopping = tokio::spawn(app.stop());
    let mut waited = 0;
    while waited < 40 {
        // The stop must wait for the request; a closed listener is the sign it has begun.
        if tokio::net::TcpStream::connect(&authority).await.is_err() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        waited += 1;
    }
    assert!(waited < 40, "the listener closed on the stop signal");
    assert!(!stopping.is_finished(), "the stop waits for the request");
    stream.write_all(tail.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 303"),
        "the request was answered in full: {}",
        answer.lines().next().unwrap_or_default()
    );
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("location: /login/totp"),
        "the password step passed: {answer}"
    );
    stopping
        .await
        .unwrap()
        .expect("the server stops cleanly after answering");
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

/// A gauge's value in a Prometheus text exposition (0 when the line is absent).
fn gauge(metrics: &str, name: &str, status: Option<&str>) -> i64 {
    let head = match status {
        Some(s) => format!("{name}{{status=\"{s}\"}} "),
        None => format!("{name} "),
    };
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(&head))
        .map_or(0, |v| v.trim().parse().unwrap_or(-1))
}

#[tokio::test]
async fn business_gauges_follow_the_dossiers_jobs_sms_and_submissions() {
    let app = spawn_app().await;
    let before = app.get("/metrics").await.text().await.unwrap();
    let pending = gauge(&before, "zhicheng_dossiers", Some("unit_pending"));
    assert_eq!(gauge(&before, "zhicheng_submissions_total", None), 0);
    assert_eq!(gauge(&before, "zhicheng_storage_failures", None), 0);
    assert!(before.contains("# TYPE zhicheng_storage_failures gauge"));

    let id = crate::unit_review::submitted_application(&app).await;
    // A job that used its attempts up, and an SMS the provider refused.
    let job = zc_db::jobs::enqueue(&app.db, "export_roster", serde_json::json!({}), 1)
        .await
        .unwrap();
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE job SET status = 'failed' WHERE id = $1")
        .bind(job).execute(p).await.map(|_| ()))
    .unwrap();
    zc_db::sms::insert_outbox(
        &app.db,
        &zc_db::sms::NewOutbox {
            phone_sealed: "x",
            phone_masked: "138****1234",
            template: "notice",
            body: "测试",
            provider: "simulator",
            status: "failed",
        },
    )
    .await
    .unwrap();

    let after = app.get("/metrics").await.text().await.unwrap();
    assert_eq!(
        gauge(&after, "zhicheng_dossiers", Some("unit_pending")),
        pending + 1,
        "#{id} waits at its unit"
    );
    assert_eq!(gauge(&after, "zhicheng_submissions_total", None), 1);
    assert!(gauge(&after, "zhicheng_jobs", Some("failed")) >= 1);
    assert!(gauge(&after, "zhicheng_sms_last_hour", Some("failed")) >= 1);
}
