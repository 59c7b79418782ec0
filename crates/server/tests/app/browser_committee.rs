//! The whole road in headless Chromium: a submitted application goes through the unit and
//! the 职改办, the committee draws experts, one expert confirms and votes in the browser
//! (the others through the same service), the result is published, the 职改办 confirms
//! with its 文号, and the public verifies the certificate.

use chrono::Duration;
use fantoccini::{Client, Locator};

use crate::{
    browser::{click, console_errors, fill, js, open_browser, start_driver},
    browser_review::{set, sign_out, staff_sign_in, text},
    expert_pool::{EXPERT_PASSWORD, actor, expert},
    helpers::TestApp,
    helpers::spawn_app,
    unit_review::{create_office_staff, submitted_application},
};

async fn accept_confirms(client: &Client) {
    js(
        client,
        "window.confirm = function () { return true; }; return null;",
    )
    .await;
}

async fn expert_sign_in(client: &Client, app: &TestApp, n: u64) {
    client.goto(&app.url("/my/login")).await.unwrap();
    fill(client, "f-identifier", &format!("expert{n}@example.test")).await;
    fill(client, "f-password", EXPERT_PASSWORD).await;
    click(client, "form[action='/my/login'] button[type=submit]").await;
}

#[tokio::test]
async fn from_submission_through_committee_vote_and_publicity_to_a_verified_certificate() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    let row = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    let committee = row.committee_id.unwrap();
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE review_plan SET charges_online = FALSE WHERE committee_id = $1")
        .bind(committee).execute(p).await.map(|_| ())).unwrap();
    create_office_staff(&app, id, "chushen").await;
    let minimum = zc_domain::committee::minimum_size::MinimumSizes::default().of(row.level_rank);
    let mut pool = Vec::new();
    for n in 1..=u64::from(minimum) {
        pool.push(expert(&app, n, None, row.series_id, "建筑工程").await);
    }
    zc_services::accounts::create_account(
        &app.db,
        zc_services::accounts::NewAccountInput {
            login_name: "mishu".into(),
            display_name: "评委会秘书".into(),
            password: "Committee-2026x".into(),
            role: zc_domain::Role::CommitteeStaff,
            org: Some(("committee", committee)),
        },
        zc_services::accounts::Actor::default(),
    )
    .await
    .unwrap();
    let password = app.demo_password.clone().unwrap();
    let client = open_browser(&driver, 1024).await;

    // Unit: publicity that has run its course, then forward.
    staff_sign_in(&client, &app, "shenhe", &password).await;
    client
        .goto(&app.url(&format!("/unit/applications/{id}")))
        .await
        .unwrap();
    crate::unit_review::backdate_submission(&app, id, 40).await;
    let start = (chrono::Utc::now() + Duration::hours(8) - Duration::days(30)).date_naive();
    set(&client, "f-starts_on", &start.to_string()).await;
    click(&client, "#publicity button[type=submit]").await;
    fill(&client, "f-opinion", "经单位内部公示无异议，同意推荐").await;
    click(&client, "#forward button[type=submit]").await;
    sign_out(&client).await;

    // 职改办: 初审通过.
    staff_sign_in(&client, &app, "chushen", "Office-Review-2026").await;
    client
        .goto(&app.url(&format!("/office/applications/{id}")))
        .await
        .unwrap();
    fill(&client, "f-opinion", "材料齐全，初审通过").await;
    click(&client, "#pass button[type=submit]").await;
    sign_out(&client).await;

    // Committee: a meeting, its dossiers, the draw.
    staff_sign_in(&client, &app, "mishu", "Committee-2026x").await;
    client.goto(&app.url("/committee/meetings")).await.unwrap();
    fill(&client, "f-name", "2026年度第一次评审会议").await;
    click(&client, "#new-meeting button[type=submit]").await;
    let meeting_url = client.current_url().await.unwrap();
    let meeting: i64 = meeting_url
        .path()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    click(&client, "#agenda form button[type=submit]").await;
    click(&client, "#draw form button[type=submit]").await;
    assert_eq!(text(&client, "#draw-log .replay").await, "重算一致");
    sign_out(&client).await;

    // One drawn expert confirms in the browser; the rest confirm through the service.
    let drawn: Vec<i64> = zc_db::meetings::members(&app.db, meeting)
        .await
        .unwrap()
        .iter()
        .map(|m| m.expert_id)
        .collect();
    let n_of = |e: i64| pool.iter().position(|p| *p == e).unwrap() as u64 + 1;
    expert_sign_in(&client, &app, n_of(drawn[0])).await;
    client.goto(&app.url("/my/expert")).await.unwrap();
    click(&client, &format!("#seat-{meeting} form button.btn-primary")).await;
    assert_eq!(
        text(&client, &format!("#seat-{meeting} .seat-status")).await,
        "已确认参加"
    );
    for e in &drawn[1..] {
        zc_services::expert_work::answer(&app.db, actor(*e), meeting, true)
            .await
            .unwrap();
    }
    sign_out(&client).await;

    // Staff open the vote with everyone present.
    staff_sign_in(&client, &app, "mishu", "Committee-2026x").await;
    client.goto(meeting_url.as_str()).await.unwrap();
    click(&client, "#open-vote button[type=submit]").await;
    assert_eq!(text(&client, "#meeting-status").await, "表决中");
    sign_out(&client).await;

    // The expert votes 同意 in the browser; the others through the service.
    expert_sign_in(&client, &app, n_of(drawn[0])).await;
    client.goto(&app.url("/my/expert")).await.unwrap();
    client
        .find(Locator::Css(&format!(
            "input[name=choice_{id}][value=agree]"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    accept_confirms(&client).await;
    click(&client, &format!("#ballot-{meeting} > button[type=submit]")).await;
    assert!(
        text(&client, &format!("#seat-{meeting} tbody"))
            .await
            .contains("已投票")
    );
    for e in &drawn[1..] {
        zc_services::expert_work::vote(
            &app.db,
            &app.vault,
            actor(*e),
            meeting,
            &[(id, "agree".into())],
        )
        .await
        .unwrap();
    }
    sign_out(&client).await;

    // Staff close the vote and publish; the public sees the masked name.
    staff_sign_in(&client, &app, "mishu", "Committee-2026x").await;
    client.goto(meeting_url.as_str()).await.unwrap();
    accept_confirms(&client).await;
    click(&client, "form[action$='/close-vote'] button").await;
    click(&client, "form[action$='/publish'] button").await;
    sign_out(&client).await;
    client.goto(&app.url("/publicity")).await.unwrap();
    assert_eq!(text(&client, "tbody td[data-label=姓名]").await, "张*");

    // The period passes; staff send it to the 职改办, which confirms and issues.
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE result_publicity SET ends_on = $2 WHERE application_id = $1")
        .bind(id).bind((chrono::Utc::now() + Duration::hours(8)).date_naive() - Duration::days(1))
        .execute(p).await.map(|_| ())).unwrap();
    staff_sign_in(&client, &app, "mishu", "Committee-2026x").await;
    client.goto(&app.url("/committee/publicity")).await.unwrap();
    click(
        &client,
        &format!("form[action='/committee/publicity/{id}/end'] button"),
    )
    .await;
    sign_out(&client).await;
    staff_sign_in(&client, &app, "chushen", "Office-Review-2026").await;
    client
        .goto(&app.url(&format!("/office/applications/{id}")))
        .await
        .unwrap();
    fill(&client, "f-doc_number", "桂职改〔2026〕30号").await;
    accept_confirms(&client).await;
    click(&client, "#issue button[type=submit]").await;
    let number = text(&client, "tbody td[data-label=证书编号]").await;
    sign_out(&client).await;

    // The public verifies it by number and name.
    client.goto(&app.url("/verify")).await.unwrap();
    fill(&client, "f-number", &number).await;
    fill(&client, "f-name", "张三").await;
    click(&client, "form[action='/verify'] button[type=submit]").await;
    assert_eq!(text(&client, "#verify-status").await, "该证书真实有效。");
    assert_eq!(text(&client, "#verify-name").await, "张*");
    assert!(console_errors(&driver, &client).await.is_empty());
    client.close().await.unwrap();
}
