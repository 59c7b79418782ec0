//! Abuse without an account, or with one: requests that cost us a mail, a stored scan, an
//! image normalisation, an export or a session row are limited per address, and one
//! mailbox gets a few reset links an hour however many addresses ask.

use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

/// Posts `fields` to `path` `times` times; the statuses.
async fn post_times(app: &TestApp, path: &str, fields: &[(&str, &str)], times: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..times {
        out.push(app.post_form(path, fields).await.status().as_u16());
    }
    out
}

#[tokio::test]
async fn anonymous_forms_that_cost_a_mail_or_a_scan_are_limited_per_address() {
    let app = spawn_app().await;
    let mail = post_times(
        &app,
        "/my/forgot/email",
        &[("email", "nobody@example.com")],
        7,
    )
    .await;
    assert!(mail.contains(&429), "{mail:?}");
    assert_eq!(mail[0], 200, "the first is answered");
    // Reading the form stays open.
    assert_eq!(app.get("/my/forgot/email").await.status(), StatusCode::OK);

    let units = post_times(&app, "/unit/register", &[("name", "某公司")], 7).await;
    assert!(units.contains(&429), "{units:?}");
    assert_eq!(app.get("/unit/register").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_mailbox_gets_three_reset_links_an_hour() {
    let app = spawn_app().await;
    for _ in 0..5 {
        zc_services::recovery::request_email_reset(
            &app.db,
            &app.vault,
            &zc_services::mail::OutboxMailer,
            "zhangsan@example.com",
            "https://zc.example.cn",
        )
        .await
        .unwrap();
    }
    let sent: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE subject = '重设广西职称平台登录密码'")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(sent, 3);
}

#[tokio::test]
async fn uploads_and_exports_are_limited_per_address() {
    let app = spawn_app().await;
    app.login_applicant().await;
    // Empty uploads are refused on their merits, and still counted.
    let uploads = post_times(&app, "/my/applications/999999/slots/photo", &[], 40).await;
    assert!(uploads.contains(&429), "{uploads:?}");

    let staff = spawn_app().await;
    staff.login_as("shenhe").await;
    let exports = post_times(&staff, "/unit/applications/roster", &[], 8).await;
    assert!(exports.contains(&429), "{exports:?}");
}

#[tokio::test]
async fn a_form_sent_without_a_session_is_kept_only_up_to_a_form_s_size() {
    let app = spawn_app().await;
    let huge = "字".repeat(40_000);
    let res = app
        .post_form("/my/applications/1/summary", &[("summary", huge.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let largest: Option<i64> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT CAST(MAX(LENGTH(data)) AS BIGINT) FROM session").fetch_one(p).await)
    .unwrap();
    assert!(
        largest.unwrap_or(0) < 64 * 1024,
        "a session row of {largest:?} bytes"
    );
}

#[tokio::test]
async fn signed_out_posts_that_are_not_kept_do_not_use_up_the_kept_form_budget() {
    let app = spawn_app().await;
    // More signed-out presses of buttons whose forms are never kept (报送, 撤回) than the
    // budget's burst of ten: each goes to the sign-in page.
    for _ in 0..15 {
        let res = app.post_form("/my/applications/1/withdraw", &[]).await;
        assert!(crate::helpers::location(&res).starts_with("/my/login"));
    }
    // A form sent after the session ran out is still kept for after the sign-in.
    let res = app
        .post_form(
            "/my/applications/1/summary",
            &[("summary", "本人从事建筑施工")],
        )
        .await;
    assert_eq!(
        crate::helpers::location(&res),
        "/my/login?next=%2Fmy%2Fresume"
    );
}

#[tokio::test]
async fn lookups_are_counted_in_the_database_only_where_servers_can_share_it() {
    let app = spawn_app().await;
    assert_eq!(
        app.get("/verify?no=GX2026000001").await.status(),
        StatusCode::OK
    );
    let counted: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM address_hits WHERE bucket = 'lookups'").fetch_one(p).await)
    .unwrap();
    // Several servers share one PostgreSQL; a SQLite file has one server, whose own bucket
    // is the whole count, so its single writer is not spent on lookups.
    let shared = app.db.backend() == zc_db::Backend::Postgres;
    assert_eq!(counted, i64::from(shared));
}
