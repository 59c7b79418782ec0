//! The whole platform at 01:00 China time, when the UTC date is still the day before:
//! every date it shows and stores is the China date, from the one clock the server runs on.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use zc_domain::Clock;
use zc_services::demo::DEMO_EXPERT_ID;

use crate::{
    applications::{create, fill_everything, submit_now},
    helpers::{TestApp, spawn_app_with, texts},
};

/// The latest 01:00 in China (17:00 UTC) that has passed.
fn one_in_the_morning_china_time() -> DateTime<Utc> {
    let now = Utc::now();
    let today = now
        .date_naive()
        .and_hms_opt(17, 0, 0)
        .expect("17:00 exists")
        .and_utc();
    if today <= now {
        today
    } else {
        today - Duration::days(1)
    }
}

async fn spawn_at_one_in_the_morning() -> (TestApp, NaiveDate) {
    let start = one_in_the_morning_china_time();
    let app = spawn_app_with(|c| c.clock = Clock::starting_at(start)).await;
    let china = start.date_naive() + Duration::days(1);
    assert_eq!(
        app.db.today(),
        china,
        "the server's clock reads the China date"
    );
    (app, china)
}

#[tokio::test]
async fn at_one_in_the_morning_every_date_is_the_china_date() {
    let (app, china) = spawn_at_one_in_the_morning().await;
    let password = app.demo_password.clone().unwrap();

    // The demo seeded the expert's term from the clock: it starts on the China date.
    app.login_applicant_with(DEMO_EXPERT_ID, &password).await;
    let (_, doc) = app.get_html("/my").await;
    let today_line = texts(&doc, "#today-title + p").join("");
    assert!(
        today_line.starts_with(&format!("今天是 {china}")),
        "{today_line}"
    );
    let (_, doc) = app.get_html("/my/expert").await;
    let end = zc_domain::expert::full_term_end(china);
    assert_eq!(texts(&doc, "#expert-term"), [format!("{china} 至 {end}")]);

    // A submission is stored and shown at the China time of day.
    app.login_applicant().await;
    let id = create(&app).await;
    fill_everything(&app, id).await;
    submit_now(&app, id).await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    let times = texts(&doc, "tbody td[data-label=操作时间]");
    let submitted = times.last().expect("the 个人报送 line");
    assert!(
        submitted.starts_with(&format!("{china} 01:")),
        "{submitted}"
    );

    // The unit's internal publicity offers to start on the China date.
    app.login_as("danwei").await;
    let (_, doc) = app.get_html(&format!("/unit/applications/{id}")).await;
    assert_eq!(
        crate::helpers::attr(&doc, "#f-starts_on", "value"),
        Some(china.to_string())
    );
    // Registered for today, it ends five working days on and cannot be forwarded yet.
    app.post_form(
        &format!("/unit/applications/{id}/publicity"),
        &[("starts_on", &china.to_string())],
    )
    .await;
    let calendar = zc_db::calendar::working_calendar(&app.db, zc_db::seed::GUANGXI)
        .await
        .unwrap();
    let ends = zc_domain::application::publicity::publicity_ends(&calendar, china);
    let (_, doc) = app.get_html(&format!("/unit/applications/{id}")).await;
    let period = texts(&doc, "#publicity-period").join("");
    assert!(
        period.starts_with(&format!("公示期：{china} 至 {ends}")),
        "{period}"
    );
    assert!(period.contains("公示期满后才能报送"), "{period}");
}
