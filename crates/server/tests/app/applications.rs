//! 申报职称: creating a 职称评审 application, filling its 11 sections, submitting once,
//! withdrawing, and nobody else seeing it.

use reqwest::StatusCode;

use crate::{
    dossier,
    helpers::{TestApp, attr, html, location, spawn_app, spawn_second_browser, texts},
};

/// Creates an application from the first open choice; returns its id.
pub(crate) async fn create(app: &TestApp) -> i64 {
    dossier::create(&app.site()).await
}

pub(crate) async fn post(
    app: &TestApp,
    path: String,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.post_form(&path, fields).await
}

/// Uploads pictures into a slot the way the form does.
pub(crate) async fn upload(
    app: &TestApp,
    id: i64,
    slot: &str,
    pictures: Vec<Vec<u8>>,
) -> reqwest::Response {
    app.site().upload(id, slot, pictures).await
}

pub(crate) use dossier::{BASIC_FIELDS, picture};

/// Fills every section with valid content and uploads the required pictures.
pub(crate) async fn fill_everything(app: &TestApp, id: i64) {
    dossier::fill(&app.site(), id).await
}

#[tokio::test]
async fn an_applicant_creates_fills_and_submits_once_and_one_series_a_year_holds() {
    let app = spawn_app().await;
    app.login_applicant().await;

    // No choice: the field says so.
    let res = app.post_form("/my/applications", &[("choice", "")]).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#create .field-msg"),
        ["请选择正在受理申报的评审会和拟申报资格"]
    );
    let id = create(&app).await;
    let (_, doc) = app.get_html("/my/applications").await;
    let card = texts(&doc, &format!("[data-application='{id}'] .card-title"));
    assert_eq!(card, [format!("#{id} 职称评审 待完善")]);

    // A second application the same year is refused with the seed's explanation.
    let (_, doc) = app.get_html("/my/applications").await;
    let choice = attr(&doc, "input[name=choice]", "value").unwrap();
    let res = app
        .post_form("/my/applications", &[("choice", &choice)])
        .await;
    let doc = html(&res.text().await.unwrap());
    let refusal = texts(&doc, ".error-summary li").join("");
    assert!(refusal.contains(&format!("#{id}")), "{refusal}");
    assert!(refusal.contains("请编辑已有的申报"), "{refusal}");

    // A bad date is named and everything typed stays.
    let res = app
        .post_form(
            &format!("/my/applications/{id}/parts/basic"),
            &[("ethnicity", "壮族"), ("work_start", "2010-13")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#e-basic-work_start"),
        ["参加工作时间应为有效年月，例如 2020-09"]
    );
    assert_eq!(
        attr(&doc, "#f-basic-ethnicity", "value").as_deref(),
        Some("壮族")
    );

    // Before anything is filled the submit page lists what is missing, with links.
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    let first_missing = attr(&doc, ".missing-list a", "href").unwrap();
    assert_eq!(
        first_missing,
        format!("/my/applications/{id}/sections/basic")
    );

    fill_everything(&app, id).await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/training"))
        .await;
    assert_eq!(texts(&doc, "#section-progress"), ["已完成 11/11"]);
    assert!(texts(&doc, ".training-total")[0].starts_with("70.5"));
    assert!(texts(&doc, ".training-total")[0].contains("不足90学时"));
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/basic"))
        .await;
    assert!(texts(&doc, "#computed-basic")[0].starts_with("专业技术工作年限："));

    // The pledge must be ticked; then one submission however often the form is sent.
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    let token = attr(&doc, "input[name=token]", "value").unwrap();
    let res = app
        .post_form(
            &format!("/my/applications/{id}/submit"),
            &[("token", &token)],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["请阅读并勾选个人承诺后再报送"]
    );
    for _ in 0..2 {
        submit_with(&app, id, &token).await;
    }
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    // The seed's progress: newest first, the step it waits at on top, done steps 已办结.
    let steps = texts(&doc, "tbody td[data-label=业务步骤]");
    assert_eq!(
        steps,
        ["单位待受理", "个人报送", "个人申报"],
        "one submission"
    );
    assert_eq!(
        texts(&doc, "tbody td[data-label=状态]"),
        ["单位受理中", "已办结", "已办结"]
    );
    assert_eq!(
        texts(&doc, ".step-bar li[aria-current=step]"),
        ["单位待受理"]
    );
    assert!(texts(&doc, "#progress-sentence")[0].contains("广西壮美建设工程有限公司"));

    // Submitted content is frozen.
    let res = app
        .post_form(
            &format!("/my/applications/{id}/parts/exams"),
            &[("language", "已合格"), ("computer", "已合格")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let snapshot: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT snapshot FROM application WHERE id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    assert!(snapshot.contains("广西大学"));
    // The 详情 page reads the frozen snapshot, whatever happens to the live rows.
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE application_part SET data = '{\"values\":{\"language\":\"已合格\",\"computer\":\"已合格\"}}' WHERE application_id = $1 AND part = 'exams'")
        .bind(id).execute(p).await.map(|_| ())).unwrap();
    let (_, doc) = app.get_html(&format!("/my/applications/{id}")).await;
    assert!(texts(&doc, ".dossier-part td[data-label=毕业学校]").contains(&"广西大学".to_string()));
    let dossier = doc.html();
    assert!(
        dossier.contains("不作要求") && !dossier.contains("已合格"),
        "the snapshot, not the live rows"
    );
    assert!(texts(&doc, ".summary-text p")[0].contains("十五年"));

    // Withdraw while the unit has not acted, then submit again.
    let res = app
        .post_form(&format!("/my/applications/{id}/withdraw"), &[])
        .await;
    assert_eq!(location(&res), format!("/my/applications?withdrawn={id}"));
    let (_, doc) = app.get_html(&location(&res)).await;
    assert_eq!(
        texts(&doc, "#withdrawn p"),
        ["系统消息", "您的职称评审申报已成功撤回!"],
        "the seed's words"
    );
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    let token = attr(&doc, "input[name=token]", "value").unwrap();
    let res = app
        .post_form(
            &format!("/my/applications/{id}/submit"),
            &[("token", &token), ("pledge", "yes")],
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/my/applications/{id}/progress?submitted=1")
    );
    let status: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT status FROM application WHERE id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    assert_eq!(status, "unit_pending");
}

#[tokio::test]
async fn another_applicant_gets_not_found_everywhere() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    let other = spawn_second_browser(&app).await;
    other
        .login_applicant_with(
            &app,
            "lisi@example.com",
            &app.demo_password.clone().unwrap(),
        )
        .await;
    for path in [
        format!("/my/applications/{id}/sections/basic"),
        format!("/my/applications/{id}/progress"),
        format!("/my/applications/{id}/submit"),
    ] {
        assert_eq!(
            other.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let res = other
        .post(
            &format!("/my/applications/{id}/parts/exams"),
            &[("language", "已合格"), ("computer", "已合格")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = other
        .post(&format!("/my/applications/{id}/delete"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let staff = spawn_second_browser(&app).await;
    staff.login_as(&app, "danwei").await;
    assert_eq!(
        staff
            .get(&format!("/my/applications/{id}/progress"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_applicant_without_an_approved_unit_cannot_apply() {
    let app = spawn_app().await;
    app.login_applicant().await;
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE applicant SET unit_id = NULL").execute(p).await.map(|_| ()))
    .unwrap();
    let (_, doc) = app.get_html("/my/applications").await;
    let choice = attr(&doc, "input[name=choice]", "value").unwrap();
    let res = app
        .post_form("/my/applications", &[("choice", &choice)])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert!(texts(&doc, ".error-summary li")[0].contains("所在单位"));
}

#[tokio::test]
async fn a_closed_window_offers_nothing_and_refuses_a_posted_choice() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let (_, doc) = app.get_html("/my/applications").await;
    let choice = attr(&doc, "input[name=choice]", "value").unwrap();
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE review_plan SET apply_until = apply_from").execute(p).await.map(|_| ()))
    .unwrap();
    let (_, doc) = app.get_html("/my/applications").await;
    assert!(texts(&doc, "#create .empty")[0].contains("没有正在受理申报的评审会"));
    let res = app
        .post_form("/my/applications", &[("choice", &choice)])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["请选择正在受理申报的评审会和拟申报资格"]
    );
}

#[tokio::test]
async fn a_draft_moves_to_another_committee_or_level_and_keeps_its_content() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    app.post_form(
        &format!("/my/applications/{id}/parts/exams"),
        &[("language", "不作要求"), ("computer", "不作要求")],
    )
    .await;
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/change")).await;
    let values: Vec<String> = doc
        .select(&scraper::Selector::parse("input[name=choice]").unwrap())
        .filter_map(|e| e.value().attr("value").map(str::to_string))
        .collect();
    let other = values.last().unwrap().clone();
    assert_ne!(&other, &values[0]);
    let res = app
        .post_form(
            &format!("/my/applications/{id}/change"),
            &[("choice", "9:9:x")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["请选择正在受理申报的评审会和拟申报资格"]
    );
    let res = app
        .post_form(
            &format!("/my/applications/{id}/change"),
            &[("choice", &other)],
        )
        .await;
    assert_eq!(location(&res), "/my/applications");
    let row = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    let title = other.rsplit(':').next().unwrap();
    assert_eq!(row.title_name, title);
    assert!(
        zc_services::application_parts::load(&app.db, id)
            .await
            .unwrap()
            .contains_key("exams"),
        "the content stays"
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(
        texts(&doc, "tbody td[data-label=处理结果及意见]")
            .iter()
            .any(|t| t.starts_with("报送职改办"))
    );
}

/// When the page warns that a returned section is unchanged, the applicant explains in
/// the 报送说明, as a person sending it back as it is would.
pub(crate) async fn submit_now(app: &TestApp, id: i64) {
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    let token = attr(&doc, "input[name=token]", "value").expect("nothing missing");
    let note = if texts(&doc, "#unanswered").is_empty() {
        ""
    } else {
        "已按退回意见核对，该栏目无需修改"
    };
    submit_noted(app, id, &token, note).await;
}

/// Presses 同意并报送 on the form identified by `token`; the answer is the progress page.
pub(crate) async fn submit_with(app: &TestApp, id: i64, token: &str) {
    submit_noted(app, id, token, "").await;
}

async fn submit_noted(app: &TestApp, id: i64, token: &str, note: &str) {
    let res = app
        .post_form(
            &format!("/my/applications/{id}/submit"),
            &[("token", token), ("pledge", "yes"), ("note", note)],
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/my/applications/{id}/progress?submitted=1")
    );
}

#[tokio::test]
async fn a_withdrawal_racing_the_units_decision_has_exactly_one_winner() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    fill_everything(&app, id).await;
    let reviewer = zc_db::accounts::find_by_login(&app.db, "shenhe")
        .await
        .unwrap()
        .unwrap()
        .id;
    let unit = zc_services::accounts::Actor {
        account_id: Some(reviewer),
        role: Some(zc_domain::Role::UnitReviewer),
        ip: Some("127.0.0.1"),
    };
    let (mut withdrawn, mut returned) = (0, 0);
    for _ in 0..6 {
        submit_now(&app, id).await;
        let decision = zc_services::unit_review::UnitDecision::Return(vec![(
            "achievements".into(),
            "请补充近三年业绩证明材料".into(),
        )]);
        let path = format!("/my/applications/{id}/withdraw");
        let (withdraw, decide) = tokio::join!(
            app.post_form(&path, &[]),
            zc_services::unit_review::decide(&app.db, unit, id, &decision),
        );
        let withdraw_won = withdraw.status() == StatusCode::SEE_OTHER;
        assert_ne!(withdraw_won, decide.is_ok(), "exactly one of the two wins");
        if withdraw_won {
            withdrawn += 1;
            assert!(matches!(
                decide,
                Err(zc_services::ServiceError::Refused {
                    code: "already_decided",
                    ..
                })
            ));
        } else {
            returned += 1;
            let body = withdraw.text().await.unwrap();
            assert!(body.contains(
                "由于单位已出具审核意见，不可撤回，请等待单位审核结果。若个人需要撤回修改，请联系单位工作人员"
            ));
        }
    }
    assert_eq!(withdrawn + returned, 6);
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    let steps = texts(&doc, "tbody td[data-label=业务步骤]");
    assert_eq!(
        steps.iter().filter(|s| *s == "单位审核").count(),
        returned,
        "each unit decision that won is in the history once"
    );
}
