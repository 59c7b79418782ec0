//! Two servers on one PostgreSQL, as a province runs them behind a proxy. Each serves
//! sessions, unread counts and applicants' homes from its own memory; a change made through one server (or
//! by any other writer) must be seen through the other at once, not when a cache expires.

use std::time::{Duration, Instant};

use reqwest::{StatusCode, header};
use zhicheng::{Application, Config};

use crate::helpers::{SecondBrowser, TestApp, html, location, new_client, spawn_app, texts};

/// A second server on the first one's database, data folder and keys.
struct Beside {
    address: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Beside {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

async fn server_beside(app: &TestApp) -> Option<Beside> {
    let Some(url) = app.postgres_database() else {
        zc_db::test_support::skip_notice(
            "servers share one database only on PostgreSQL (set TEST_DATABASE_URL)",
        );
        return None;
    };
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        data_dir: app.data_dir().to_path_buf(),
        database_url: url,
        worker: false,
        ..Config::default()
    };
    app.share_storage(&mut config);
    let (server, _) = Application::build(&config)
        .await
        .expect("second server builds");
    let address = format!("http://127.0.0.1:{}", server.port());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run_until_stopped(async move {
        let _ = rx.await;
    }));
    Some(Beside {
        address,
        stop: Some(tx),
    })
}

fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("zc_session="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie at sign-in")
        .to_string()
}

/// A page fetched with exactly this cookie (no cookie jar that sign-out could empty).
async fn page(base: &str, path: &str, cookie: &str) -> reqwest::Response {
    new_client()
        .get(format!("{base}{path}"))
        .header(header::COOKIE, cookie)
        .send()
        .await
        .expect("GET")
}

/// Asks `base` until `seen` holds, for at most a second: a notification crosses servers in
/// milliseconds, while a remembered value would stay a minute.
async fn within_a_second<F, Fut>(mut seen: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !seen().await {
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "the other server still served what it remembered"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    start.elapsed()
}

#[tokio::test]
async fn signing_out_through_one_server_ends_the_session_on_the_other_at_once() {
    let app = spawn_app().await;
    let Some(b) = server_beside(&app).await else {
        return;
    };
    let cookie = session_cookie(&app.login_applicant().await);
    // Both servers now remember the session.
    for base in [&app.address, &b.address] {
        for _ in 0..3 {
            assert_eq!(page(base, "/my", &cookie).await.status(), StatusCode::OK);
        }
    }

    let id = cookie.trim_start_matches("zc_session=");
    assert!(
        app.db.memo().session(id).is_some(),
        "server A serves the session from memory"
    );

    // The person's browser (session and CSRF cookies) signs out through B.
    let token = app.csrf_token().await;
    let res = app
        .client
        .post(format!("{}/logout", b.address))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "signed out through B");

    let took = within_a_second(|| async {
        let res = page(&app.address, "/my", &cookie).await;
        res.status() == StatusCode::SEE_OTHER && location(&res).starts_with("/my/login")
    })
    .await;
    eprintln!("server A forgot the session {took:?} after sign-out on B");
}

#[tokio::test]
async fn a_message_written_elsewhere_shows_in_the_header_of_both_servers() {
    let app = spawn_app().await;
    let Some(b) = server_beside(&app).await else {
        return;
    };
    let cookie = session_cookie(&app.login_applicant().await);
    let unread = |base: String| {
        let cookie = cookie.clone();
        async move {
            let doc = html(&page(&base, "/my", &cookie).await.text().await.unwrap());
            texts(&doc, "#messages-link .badge")
        }
    };
    let url = app.postgres_database().expect("on PostgreSQL");
    let elsewhere = zc_db::Db::connect(&url, &zc_db::DbOptions::default())
        .await
        .unwrap();
    let account: i64 = zc_db::with_pool!(&elsewhere, p => sqlx::query_scalar(
        "SELECT account_id FROM session WHERE id = $1")
        .bind(cookie.trim_start_matches("zc_session=")).fetch_one(p).await)
    .unwrap();

    // Sign-in's own messages and notifications may still be arriving; wait until server A
    // shows a count it holds in memory.
    let was = std::sync::atomic::AtomicI64::new(-1);
    within_a_second(|| async {
        let shown = unread(app.address.clone()).await;
        let shown = shown.first().map_or(0, |n| n.parse::<i64>().unwrap());
        was.store(shown, std::sync::atomic::Ordering::SeqCst);
        app.db.memo().unread(account) == Some(shown)
    })
    .await;
    let was = was.into_inner();

    // A third writer (another server's job, say) adds a message in its own transaction.
    let mut tx = elsewhere.begin_write().await.unwrap();
    zc_db::messages::insert_in(
        &mut tx,
        account,
        "材料已受理",
        "单位已受理您的申报。",
        "/my",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let expected = vec![(was + 1).to_string()];
    for base in [app.address.clone(), b.address.clone()] {
        within_a_second(|| {
            let expected = expected.clone();
            let base = base.clone();
            let unread = &unread;
            async move { unread(base).await == expected }
        })
        .await;
    }
    elsewhere.close().await;
}

#[tokio::test]
async fn a_return_made_through_one_server_shows_on_the_applicants_home_on_both_at_once() {
    let app = spawn_app().await;
    let Some(b) = server_beside(&app).await else {
        return;
    };
    let id = crate::unit_review::submitted_application(&app).await;
    let cookie = session_cookie(&app.login_applicant().await);
    let step = |base: String| {
        let cookie = cookie.clone();
        async move {
            let doc = html(&page(&base, "/my", &cookie).await.text().await.unwrap());
            texts(&doc, &format!("[data-continue='{id}'] .next-step")).join("")
        }
    };
    // Both servers now hold the home in memory.
    for base in [&app.address, &b.address] {
        for _ in 0..2 {
            assert_eq!(step(base.clone()).await, "下一步：等待单位审核");
        }
    }
    let account = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .applicant_id;
    assert!(
        app.db.memo().holds_home(account),
        "server A remembers the home"
    );

    // The unit's reviewer, on server B, returns the dossier.
    let unit = SecondBrowser::on(&b.address);
    unit.login_as(&app, "shenhe").await;
    crate::returns::unit_returns_the_summary(&unit, id).await;

    for base in [app.address.clone(), b.address.clone()] {
        let took = within_a_second(|| {
            let base = base.clone();
            let step = &step;
            async move {
                step(base)
                    .await
                    .starts_with("下一步：按退回意见修改后重新报送")
            }
        })
        .await;
        eprintln!("{base} showed the return {took:?} after it was made on B");
    }
}

#[tokio::test]
async fn a_picture_uploaded_through_one_server_opens_through_the_other() {
    let app = spawn_app().await;
    let Some(b) = server_beside(&app).await else {
        return;
    };
    let cookie = session_cookie(&app.login_applicant().await);
    let site = app.site();
    let id = crate::dossier::create(&site).await;
    let res = site
        .upload(id, "diploma", vec![crate::dossier::picture(1000, 700)])
        .await;
    let section = location(&res);
    assert!(section.contains("saved=diploma"), "{section}");

    // The stored picture's address, as the slot shows it.
    let section = section.split('#').next().unwrap_or_default();
    let page = page(&app.address, section, &cookie).await;
    let doc = html(&page.text().await.unwrap());
    let sel = scraper::Selector::parse("img[src*='/files/']").unwrap();
    let src = doc
        .select(&sel)
        .next()
        .and_then(|i| i.value().attr("src"))
        .expect("the uploaded picture is shown in its slot")
        .to_string();

    let through_a = page_bytes(&app.address, &src, &cookie).await;
    let through_b = page_bytes(&b.address, &src, &cookie).await;
    assert!(through_a.starts_with(&[0xff, 0xd8]), "a JPEG through A");
    assert_eq!(through_a, through_b, "B serves the same stored picture");
    if app.on_object_storage() {
        assert!(
            !app.data_dir().join("files/applications").exists(),
            "on object storage nothing is kept in the local folder"
        );
    }
}

async fn page_bytes(base: &str, path: &str, cookie: &str) -> Vec<u8> {
    let res = page(base, path, cookie).await;
    assert_eq!(res.status(), StatusCode::OK, "{base}{path}");
    res.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn one_address_s_certificate_lookups_are_counted_across_both_servers() {
    let app = spawn_app().await;
    let Some(b) = server_beside(&app).await else {
        return;
    };
    // Ten at once, then twenty a minute: alternating between the servers, each sees only
    // eight of the sixteen, which its own bucket alone would let through.
    let client = new_client();
    let mut refused = [0, 0];
    for i in 0..16 {
        let base = if i % 2 == 0 {
            app.address.as_str()
        } else {
            b.address.as_str()
        };
        let res = client
            .get(format!(
                "{base}/verify?no=GX2026000001&name=%E5%BC%A0%E4%B8%89"
            ))
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            refused[i % 2] += 1;
            assert!(res.text().await.unwrap().contains("操作过于频繁"));
        }
    }
    assert!(
        refused[0] >= 2 && refused[1] >= 2,
        "both servers refuse: {refused:?}"
    );
    assert!(
        refused[0] + refused[1] <= 6,
        "the first ten go through: {refused:?}"
    );
}
