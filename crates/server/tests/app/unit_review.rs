//! 单位审核: the unit's queue, a return naming sections, the applicant's fix and
//! resubmission, the publicity gate with a holiday inside, forwarding, and scope.

use chrono::{Datelike, Duration};
use reqwest::StatusCode;

use crate::{
    applications::{create, fill_everything, submit_now},
    helpers::{TestApp, attr, html, location, spawn_app, spawn_second_browser, texts},
};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
}

pub(crate) async fn submitted_application(app: &TestApp) -> i64 {
    app.login_applicant().await;
    let id = create(app).await;
    fill_everything(app, id).await;
    submit_now(app, id).await;
    id
}

#[tokio::test]
async fn a_unit_returns_with_section_reasons_then_forwards_after_its_publicity() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;

    let doc = html(&unit.get("/unit/applications").await.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".tabs a.current .count"),
        ["1"],
        "one dossier waiting"
    );
    assert_eq!(
        attr(&doc, "tbody a", "href"),
        Some(format!("/unit/applications/{id}"))
    );
    let doc = html(
        &unit
            .get(&format!("/unit/applications/{id}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, ".dossier-part td[data-label=毕业学校]").contains(&"广西大学".to_string()));
    let photo = attr(&doc, ".dossier .thumbs img", "src").unwrap();
    assert_eq!(
        unit.get(&photo).await.status(),
        StatusCode::OK,
        "the unit sees the pictures"
    );

    // A return without a section, or with a too-short reason, is refused.
    let path = format!("/unit/applications/{id}/decision");
    let res = unit.post(&path, &[("decision", "return")]).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#f-reason"),
        ["请至少勾选一个需要修改的栏目，并写明原因"]
    );
    let res = unit
        .post(
            &path,
            &[
                ("decision", "return"),
                ("section", "education"),
                ("reason_education", "不清"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#f-reason"),
        ["请写明“学历情况”需要修改的原因（至少5个字）"]
    );
    // What was ticked and typed is still there.
    assert_eq!(texts(&doc, "#reason-education"), ["不清"]);
    assert!(attr(&doc, "input[name=section][value=education]", "checked").is_some());
    let res = unit
        .post(
            &path,
            &[
                ("decision", "return"),
                ("section", "education"),
                ("reason_education", "请补充学位证书编号"),
                ("section", "achievements"),
                ("reason_achievements", "业绩成果请附验收报告"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("/unit/applications?returned={id}"));

    // The applicant sees both sections marked, each with its reason.
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/education"))
        .await;
    assert_eq!(texts(&doc, ".section-nav li.returned").len(), 2);
    assert!(texts(&doc, "#return-reasons li")[0].contains("请补充学位证书编号"));
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(
        texts(&doc, "tbody td[data-label=处理结果及意见]")
            .iter()
            .any(|t| t.contains("学历情况：请补充学位证书编号"))
    );
    submit_now(&app, id).await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/education"))
        .await;
    assert!(
        texts(&doc, "#return-reasons li")[0].contains("请补充学位证书编号"),
        "the reasons stay in sight until the unit decides again"
    );

    // Forwarding waits for the publicity; a holiday inside the period moves its end.
    let res = unit
        .post(
            &path,
            &[
                ("decision", "forward"),
                ("opinion", "该同志业绩突出，同意推荐"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#refusal"),
        ["报送前须先进行单位内部公示（不少于5个工作日）"]
    );
    // A start before the dossier was sent is refused beside the field, the date kept.
    let too_early = (today() - Duration::days(9)).to_string();
    let res = unit
        .post(
            &format!("/unit/applications/{id}/publicity"),
            &[("starts_on", &too_early)],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert!(texts(&doc, "#starts_on-error")[0].starts_with("公示开始日期不能早于申报人报送的日期"));
    assert_eq!(attr(&doc, "#f-starts_on", "value"), Some(too_early));
    backdate_submission(&app, id, 40).await;
    let start = today() - Duration::days(9);
    let mut day = start + Duration::days(1);
    while day < today() {
        if day.weekday().num_days_from_monday() < 5 {
            zc_db::with_pool!(&app.db, p => sqlx::query(
                "INSERT INTO calendar_day (day, kind, name, region) VALUES ($1, 'holiday', '测试假日', '广西')")
                .bind(day).execute(p).await.map(|_| ())).unwrap();
        }
        day += Duration::days(1);
    }
    unit.post(
        &format!("/unit/applications/{id}/publicity"),
        &[("starts_on", &start.to_string())],
    )
    .await;
    // The printable 公示表 lists the dossier under publicity.
    let doc = html(&unit.get("/unit/publicity").await.text().await.unwrap());
    let row = texts(&doc, "#publicity-sheet tbody td");
    assert_eq!(row[1], "张三");
    assert!(row[4].starts_with(&start.to_string()), "{row:?}");
    let res = unit
        .post(
            &path,
            &[
                ("decision", "forward"),
                ("opinion", "该同志业绩突出，同意推荐"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert!(
        texts(&doc, "#refusal")[0].contains("公示期满后才能报送"),
        "holidays inside the period keep it running"
    );
    // While it runs the page says from when forwarding opens, and offers no forward form.
    let doc = html(
        &unit
            .get(&format!("/unit/applications/{id}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    let waits = texts(&doc, "#forward-waits .notice").join("");
    assert!(
        waits.starts_with("单位内部公示期满后才能报送：")
            && waits.ends_with("起可以审核通过并报送。"),
        "{waits}"
    );
    assert!(texts(&doc, "form#forward").is_empty());
    zc_db::with_pool!(&app.db, p => sqlx::query("DELETE FROM calendar_day WHERE name = '测试假日'")
        .execute(p).await.map(|_| ()))
    .unwrap();
    let res = unit
        .post(
            &path,
            &[
                ("decision", "forward"),
                ("opinion", "该同志业绩突出，同意推荐"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/unit/applications");
    let status: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT status FROM application WHERE id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    assert!(
        status == "office_pending" || status == "department_pending",
        "{status}"
    );
    // Too late to withdraw now, in the seed's words.
    let res = app
        .post_form(&format!("/my/applications/{id}/withdraw"), &[])
        .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("单位已出具审核意见，不可撤回")
    );
    // The confirmation page says so instead of asking, and offers no 确定.
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/withdraw"))
        .await;
    assert_eq!(
        texts(&doc, "#withdraw-refused p"),
        [
            "温馨提示：您好，由于单位已出具审核意见，不可撤回，请等待单位审核结果。若个人需要撤回修改，请联系单位工作人员"
        ]
    );
    assert!(texts(&doc, "form[action$='/withdraw'] button").is_empty());
    let actions: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE action LIKE 'application.unit_%' ORDER BY id")
        .fetch_all(p).await)
    .unwrap();
    assert_eq!(
        actions,
        [
            "application.unit_return",
            "application.unit_publicity",
            "application.unit_forward"
        ]
    );
}

#[tokio::test]
async fn staff_outside_the_unit_never_see_its_dossiers() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    // A unit admin of another approved unit.
    let other_unit = zc_db::reference::unit_id_by_name(&app.db, "柳州龙城机械制造有限公司")
        .await
        .unwrap()
        .unwrap();
    zc_services::accounts::create_account(
        &app.db,
        zc_services::accounts::NewAccountInput {
            login_name: "lz_admin".into(),
            display_name: "柳州管理员".into(),
            password: "Lz-Admin-2026x".into(),
            role: zc_domain::Role::UnitAdmin,
            org: Some(("unit", other_unit)),
        },
        zc_services::accounts::Actor::default(),
    )
    .await
    .unwrap();
    let other = spawn_second_browser(&app).await;
    let res = other
        .post(
            "/login",
            &[("login_name", "lz_admin"), ("password", "Lz-Admin-2026x")],
        )
        .await;
    assert_eq!(location(&res), "/unit");
    assert_eq!(
        other
            .get(&format!("/unit/applications/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = other
        .post(
            &format!("/unit/applications/{id}/decision"),
            &[("decision", "fail"), ("fail_reason", "不符合申报条件的")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let doc = html(&other.get("/unit/applications").await.text().await.unwrap());
    assert!(texts(&doc, "tbody a").is_empty());
    // Office staff work in their own portal.
    let office = spawn_second_browser(&app).await;
    office.login_as(&app, "zhigaiban").await;
    assert_eq!(
        office
            .get(&format!("/unit/applications/{id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

/// Creates a 职改办 staff account (password `Office-Review-2026`) for the office an
/// application is addressed to; that office's id.
pub(crate) async fn create_office_staff(app: &TestApp, id: i64, login: &str) -> i64 {
    let office = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .office_id;
    zc_services::accounts::create_account(
        &app.db,
        zc_services::accounts::NewAccountInput {
            login_name: login.into(),
            display_name: "初审员".into(),
            password: "Office-Review-2026".into(),
            role: zc_domain::Role::OfficeStaff,
            org: Some(("office", office)),
        },
        zc_services::accounts::Actor::default(),
    )
    .await
    .unwrap();
    office
}

/// An office staff account for the 职改办 an application is addressed to, signed in.
pub(crate) async fn office_staff_for(
    app: &TestApp,
    id: i64,
    login: &str,
) -> crate::helpers::SecondBrowser {
    create_office_staff(app, id, login).await;
    let b = spawn_second_browser(app).await;
    let res = b
        .post(
            "/login",
            &[("login_name", login), ("password", "Office-Review-2026")],
        )
        .await;
    assert_eq!(location(&res), "/office");
    b
}

/// Moves a dossier's submission `days` back, as if it had been sent then, so that a unit
/// publicity begun since (and run its course by today) is allowed.
pub(crate) async fn backdate_submission(app: &TestApp, id: i64, days: i64) {
    let at = app.db.now() - Duration::days(days);
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE application SET submitted_at = $1 WHERE id = $2")
        .bind(at).bind(id).execute(p).await.map(|_| ()))
    .unwrap();
}

/// The unit records a publicity that has run its course and forwards the dossier.
pub(crate) async fn forward_by_unit(app: &TestApp, unit: &crate::helpers::SecondBrowser, id: i64) {
    backdate_submission(app, id, 40).await;
    let start = app.db.today() - Duration::days(30);
    unit.post(
        &format!("/unit/applications/{id}/publicity"),
        &[("starts_on", &start.to_string())],
    )
    .await;
    let res = unit
        .post(
            &format!("/unit/applications/{id}/decision"),
            &[("decision", "forward"), ("opinion", "同意推荐申报")],
        )
        .await;
    assert_eq!(location(&res), "/unit/applications", "forwarded");
}

/// The unit forwards the dossier and a new reviewer of its 职改办 (`login`) gives 初审通过;
/// the signed-in reviewer.
pub(crate) async fn passed_by_office(
    app: &TestApp,
    id: i64,
    login: &str,
) -> crate::helpers::SecondBrowser {
    let unit = spawn_second_browser(app).await;
    unit.login_as(app, "shenhe").await;
    forward_by_unit(app, &unit, id).await;
    let office = office_staff_for(app, id, login).await;
    let res = office
        .post(
            &format!("/office/applications/{id}/decision"),
            &[("decision", "pass"), ("opinion", "材料齐全，初审通过")],
        )
        .await;
    assert_eq!(location(&res), "/office/applications");
    office
}
