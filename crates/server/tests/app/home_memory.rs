//! 首页 from memory: the server reads an applicant's home once and then serves what it
//! read from memory, so every write that changes what the home shows must make it read
//! again at once — the person's own moves, a reviewer's, a payment, and the committee
//! moving its window.

use crate::{
    applications::{fill_everything, submit_now},
    fees::{awaiting_fee, pay_at_cashier},
    helpers::{TestApp, html, spawn_app, spawn_second_browser, texts},
};

/// The account of a dossier's applicant.
async fn applicant_of(app: &TestApp, id: i64) -> i64 {
    zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .expect("the dossier")
        .applicant_id
}

/// The 继续办理 card's next step on the home page, and whether the server now holds the
/// home in memory.
async fn next_step(app: &TestApp, id: i64, account: i64) -> (String, bool) {
    let (_, doc) = app.get_html("/my").await;
    let step = texts(&doc, &format!("[data-continue='{id}'] .next-step")).join("");
    (step, app.db.memo().holds_home(account))
}

#[tokio::test]
async fn the_home_shows_each_change_at_once_though_it_is_served_from_memory() {
    let app = spawn_app().await;
    let staff = spawn_second_browser(&app).await;
    staff.login_as(&app, "pingshen").await;
    let committee = zc_db::accounts::find_by_login(&app.db, "pingshen")
        .await
        .unwrap()
        .unwrap()
        .org_id
        .expect("a committee account");
    app.login_applicant().await;
    let id = crate::dossier::create_choosing(&app.site(), |choice| {
        choice.starts_with(&format!("{committee}:"))
    })
    .await;
    let account = applicant_of(&app, id).await;
    let (step, remembered) = next_step(&app, id, account).await;
    assert!(step.starts_with("下一步：填写申报表"), "{step}");
    assert!(remembered, "the home is held in memory after a visit");
    // A second visit is served from memory and says the same.
    assert_eq!(next_step(&app, id, account).await, (step, true));

    // The committee moves its window: every home showing its deadline shows the new one.
    let today = app.db.today();
    let last_day = today + chrono::Duration::days(17);
    let res = staff
        .post(
            "/committee/plans",
            &[
                ("year", &today.format("%Y").to_string()),
                (
                    "apply_from",
                    &(today - chrono::Duration::days(30)).to_string(),
                ),
                ("apply_until", &last_day.to_string()),
                ("specialties", "建筑工程"),
            ],
        )
        .await;
    assert!(
        res.status().is_redirection(),
        "the plan is saved: {:?}",
        texts(&html(&res.text().await.unwrap()), ".error-summary li")
    );
    let (step, _) = next_step(&app, id, account).await;
    assert_eq!(
        step,
        format!("下一步：填写申报表，填完后审核报送，请于 {last_day}（含）前报送")
    );

    // The applicant's own move: 报送.
    fill_everything(&app, id).await;
    next_step(&app, id, account).await;
    submit_now(&app, id).await;
    let (step, _) = next_step(&app, id, account).await;
    assert_eq!(step, "下一步：等待单位审核");

    // A reviewer's move: the unit returns one section with its reason.
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    crate::returns::unit_returns_the_summary(&unit, id).await;
    let (_, doc) = app.get_html("/my").await;
    let card = format!("[data-continue='{id}']");
    assert!(
        texts(&doc, &format!("{card} .next-step"))[0]
            .starts_with("下一步：按退回意见修改后重新报送")
    );
    assert_eq!(
        texts(&doc, &format!("{card} .returned-list li")),
        ["专业技术工作总结：请写明本人承担的具体工作"]
    );
}

#[tokio::test]
async fn an_order_and_its_payment_show_on_the_home_at_once() {
    let app = spawn_app().await;
    let (id, order_id, _) = awaiting_fee(&app).await;
    let account = applicant_of(&app, id).await;
    let (step, remembered) = next_step(&app, id, account).await;
    assert!(
        step.starts_with("下一步：初审已通过，请按时缴纳评审费，请于 "),
        "{step}"
    );
    assert!(remembered);
    let (_, doc) = app.get_html("/my").await;
    assert_eq!(
        texts(&doc, &format!("[data-continue='{id}'] a.btn-primary")),
        ["去缴费"]
    );

    pay_at_cashier(&app, order_id).await;
    let (step, _) = next_step(&app, id, account).await;
    assert_eq!(step, "下一步：等待评审会评审");
    let doc = html(&app.get("/my").await.text().await.unwrap());
    assert!(texts(&doc, &format!("[data-continue='{id}'] a.btn-primary")).is_empty());
}
