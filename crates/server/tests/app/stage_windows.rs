//! 阶段时间与个案重开: a shut stage refuses the desk's decision with its date; the 职改办
//! reopens the one dossier with a reason the applicant sees, and the desk can act again.

use chrono::Duration;

use crate::{
    applications::{create, fill_everything, submit_now},
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
    unit_review::office_staff_for,
};

#[tokio::test]
async fn a_closed_unit_stage_refuses_until_the_office_reopens_that_dossier() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    fill_everything(&app, id).await;
    submit_now(&app, id).await;
    let row = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    let plan: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM review_plan WHERE committee_id = $1 AND year = $2")
        .bind(row.committee_id.unwrap()).bind(row.year).fetch_one(p).await)
    .unwrap();
    let office = office_staff_for(&app, id, "jieduan").await;
    let doc = html(
        &office
            .get("/office/stage-windows")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(attr(&doc, &format!("#window-{plan}-unit"), "action").is_some());

    // A close before the opening is refused, with the dates kept.
    let (from, yesterday) = (
        app.db.today() - Duration::days(10),
        app.db.today() - Duration::days(1),
    );
    let res = office
        .post(
            "/office/stage-windows",
            &[
                ("plan_id", &plan.to_string()),
                ("stage", "unit"),
                ("opens_on", &yesterday.to_string()),
                ("closes_on", &from.to_string()),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, &format!("#window-{plan}-unit .field-msg")),
        ["截止日期不能早于开始日期"]
    );
    assert_eq!(
        attr(&doc, &format!("#window-{plan}-unit-opens"), "value"),
        Some(yesterday.to_string())
    );
    let res = office
        .post(
            "/office/stage-windows",
            &[
                ("plan_id", &plan.to_string()),
                ("stage", "unit"),
                ("opens_on", &from.to_string()),
                ("closes_on", &yesterday.to_string()),
            ],
        )
        .await;
    assert_eq!(location(&res), "/office/stage-windows");

    // The unit's return is refused on the page, naming the stage and its close.
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    let decision_path = format!("/unit/applications/{id}/decision");
    let decide = || {
        unit.post(
            &decision_path,
            &[
                ("decision", "return"),
                ("section", "basic"),
                ("reason_basic", "通讯地址不完整，请补充"),
            ],
        )
    };
    let doc = html(&decide().await.text().await.unwrap());
    let refusal = texts(&doc, "#refusal").join("");
    assert!(refusal.contains("单位审核环节已于"), "{refusal}");
    assert!(refusal.contains("个案重开"), "{refusal}");
    assert_eq!(
        texts(&doc, "#reason-basic"),
        ["通讯地址不完整，请补充"],
        "kept"
    );

    // A reopening needs a reason; with one, the applicant sees it and the unit may act.
    let res = office
        .post(
            "/office/stage-windows/reopen",
            &[
                ("application_id", &id.to_string()),
                ("stage", "unit"),
                ("reason", "短"),
                ("until_on", &app.db.today().to_string()),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#f-reason-msg"),
        ["请写明重开的原因（至少5个字）"]
    );
    assert_eq!(attr(&doc, "#f-app", "value"), Some(id.to_string()));
    let res = office
        .post(
            "/office/stage-windows/reopen",
            &[
                ("application_id", &id.to_string()),
                ("stage", "unit"),
                ("reason", "单位因系统维护未能按时审核"),
                (
                    "until_on",
                    &(app.db.today() + Duration::days(2)).to_string(),
                ),
            ],
        )
        .await;
    assert_eq!(location(&res), "/office/stage-windows#reopenings");
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(
        texts(&doc, "tbody td[data-label=处理结果及意见]")
            .iter()
            .any(|t| t.contains("个案重开（单位审核）") && t.contains("单位因系统维护未能按时审核"))
    );
    assert_eq!(
        location(&decide().await),
        format!("/unit/applications?returned={id}"),
        "reopened"
    );
    let audited: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action IN ('stage_window.set', 'application.reopen_stage')")
        .fetch_one(p).await).unwrap();
    assert_eq!(audited, 2);

    // Another office cannot reopen it: the number is "not found" there.
    let other = spawn_second_browser(&app).await;
    other.login_as(&app, "zhigaiban").await;
    let res = other
        .post(
            "/office/stage-windows/reopen",
            &[
                ("application_id", &id.to_string()),
                ("stage", "office"),
                ("reason", "试图越权重开他人的申报"),
                ("until_on", &app.db.today().to_string()),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#f-app-msg"),
        ["没有找到报送本职改办的这件申报，请核对申报编号"]
    );
}
