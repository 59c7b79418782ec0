//! 评委专家入库申请: an applicant applies with a declared conflict; the committee office of
//! that series returns or approves it for at most 3 years; approval opens the 评审专家
//! desk and records the recusal that the draw will honour.

use crate::helpers::{TestApp, html, location, spawn_app, spawn_second_browser, texts};

async fn pingshen_series(app: &TestApp) -> i64 {
    let committee = zc_db::accounts::find_by_login(&app.db, "pingshen")
        .await
        .unwrap()
        .unwrap()
        .org_id
        .unwrap();
    zc_db::organisations::committee(&app.db, committee)
        .await
        .unwrap()
        .unwrap()
        .series_id
}

#[tokio::test]
async fn an_applicant_applies_to_the_pool_and_the_committee_office_approves_with_a_recusal() {
    let app = spawn_app().await;
    let series = pingshen_series(&app).await.to_string();
    let lisi = spawn_second_browser(&app).await;
    lisi.login_applicant_with(
        &app,
        "lisi@example.com",
        &app.demo_password.clone().unwrap(),
    )
    .await;

    // Every field is checked on the page, with what was typed kept.
    let res = lisi
        .post(
            "/my/expert/enrol",
            &[
                ("series_id", &series),
                ("specialty", "建筑工程"),
                ("phone", "12345"),
                ("recusal_ids", "123"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#phone-error"),
        ["手机号码应为以1开头的11位数字"]
    );
    assert_eq!(
        texts(&doc, "#recusal_ids-error"),
        ["“123”不是有效的身份证号码"]
    );
    assert_eq!(texts(&doc, "#pledge-error"), ["请阅读并确认专家承诺"]);
    assert_eq!(
        crate::helpers::attr(&doc, "#f-specialty", "value").as_deref(),
        Some("建筑工程")
    );
    let fields = [
        ("series_id", series.as_str()),
        ("specialty", "建筑工程"),
        ("title_name", "高级工程师"),
        ("title_obtained_on", "2015-12-01"),
        ("unit_name", "广西建工集团"),
        ("post", "总工程师"),
        ("research_field", "大跨度钢结构"),
        ("phone", "13977005678"),
        ("recusal_note", "与张三为同学"),
        ("recusal_ids", zc_services::demo::DEMO_APPLICANT_ID),
        ("pledge", "yes"),
    ];
    assert_eq!(
        location(&lisi.post("/my/expert/enrol", &fields).await),
        "/my/expert/enrol"
    );
    let doc = html(&lisi.get("/my/expert/enrol").await.text().await.unwrap());
    assert!(texts(&doc, "#enrol-status")[0].starts_with("审核中"));
    assert!(
        texts(&doc, "form[action='/my/expert/enrol']").is_empty(),
        "one request at a time"
    );

    // The committee office returns it, then (resubmitted) approves it.
    let staff = spawn_second_browser(&app).await;
    staff.login_as(&app, "pingshen").await;
    let doc = html(
        &staff
            .get("/committee/expert-enrolments")
            .await
            .text()
            .await
            .unwrap(),
    );
    let id: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM expert_enrolment ORDER BY id DESC LIMIT 1").fetch_one(p).await)
    .unwrap();
    assert_eq!(texts(&doc, &format!("#enrolment-{id} h2")).len(), 1);
    let doc = html(
        &staff
            .post(
                &format!("/committee/expert-enrolments/{id}/return"),
                &[("reason", "短")],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#refusal"), ["请写明退回原因（至少5个字）"]);
    staff
        .post(
            &format!("/committee/expert-enrolments/{id}/return"),
            &[("reason", "请补充职称取得时间的证明")],
        )
        .await;
    let doc = html(&lisi.get("/my/expert/enrol").await.text().await.unwrap());
    assert!(texts(&doc, "#enrol-status")[0].contains("请补充职称取得时间的证明"));
    assert_eq!(
        location(&lisi.post("/my/expert/enrol", &fields).await),
        "/my/expert/enrol"
    );
    let id: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM expert_enrolment ORDER BY id DESC LIMIT 1").fetch_one(p).await)
    .unwrap();
    let too_long = (app.db.today() + chrono::Duration::days(365 * 4))
        .format("%Y-%m-%d")
        .to_string();
    let doc = html(
        &staff
            .post(
                &format!("/committee/expert-enrolments/{id}/approve"),
                &[("term_end", &too_long)],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        texts(&doc, "#refusal")[0].contains("3年"),
        "{:?}",
        texts(&doc, "#refusal")
    );
    let res = staff
        .post(
            &format!("/committee/expert-enrolments/{id}/approve"),
            &[("term_end", "")],
        )
        .await;
    assert_eq!(location(&res), "/committee/expert-enrolments");
    let doc = html(&lisi.get("/my/expert").await.text().await.unwrap());
    assert_eq!(texts(&doc, "h1"), ["评审专家工作台"]);
    // The declared conflict is a recusal the draw will honour.
    let lisi_id = zc_db::with_pool!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT account_id FROM expert_enrolment WHERE id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    let zhangsan = zc_db::with_pool!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT account_id FROM applicant WHERE name = '张三'").fetch_one(p).await)
    .unwrap();
    assert_eq!(
        zc_db::meetings::recusals(&app.db, &[zhangsan])
            .await
            .unwrap(),
        [lisi_id]
    );

    // Admitted: the form is no longer offered, and a request posted anyway is refused by
    // the service on the same page; deciding the request again is refused too.
    let doc = html(&lisi.get("/my/expert/enrol").await.text().await.unwrap());
    assert!(texts(&doc, "#enrol-status")[0].starts_with("已通过"));
    assert!(texts(&doc, "form[action='/my/expert/enrol']").is_empty());
    let res = lisi.post("/my/expert/enrol", &fields).await;
    assert_eq!(res.status(), 200);
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#refusal"),
        ["您的入库申请已通过，已在评审专家库中，无需再次申请"]
    );
    let requests: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM expert_enrolment WHERE account_id = $1").bind(lisi_id).fetch_one(p).await)
    .unwrap();
    assert_eq!(
        requests, 2,
        "the returned request and the approved one, nothing more"
    );
    let doc = html(
        &staff
            .post(
                &format!("/committee/expert-enrolments/{id}/return"),
                &[("reason", "再次退回试试看")],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#refusal"), ["该申请已处理"]);
}
