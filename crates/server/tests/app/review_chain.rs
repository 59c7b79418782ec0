//! The whole review chain through a 主管部门: every decision and refusal of the department
//! desk, a message to the applicant at every status change, a withdrawal refused once the
//! unit has acted, and the department's scope.

use chrono::Duration;
use reqwest::StatusCode;

use crate::{
    helpers::{TestApp, html, location, spawn_app, spawn_second_browser, texts},
    unit_review::{forward_by_unit, office_staff_for, submitted_application},
};

/// The status code of a dossier as stored.
pub(crate) async fn status(app: &TestApp, id: i64) -> String {
    zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .status
        .code()
        .to_string()
}

/// The titles of the applicant's messages, oldest first.
async fn applicant_messages(app: &TestApp) -> Vec<String> {
    let (_, doc) = app.get_html("/messages?per_page=50").await;
    let mut titles = texts(&doc, ".message-list h2 a");
    titles.reverse();
    titles
}

#[tokio::test]
async fn a_department_passes_and_returns_and_every_change_messages_the_applicant() {
    let app = spawn_app().await;
    // The demo unit reports through the 住建厅 (a 主管部门) for this test.
    let unit_id = zc_db::reference::unit_id_by_name(&app.db, "广西壮美建设工程有限公司")
        .await
        .unwrap()
        .unwrap();
    let department = zc_db::reference::office_id_by_name(&app.db, "广西壮族自治区住房和城乡建设厅")
        .await
        .unwrap()
        .unwrap();
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE unit SET office_id = $2 WHERE id = $1")
        .bind(unit_id).bind(department).execute(p).await.map(|_| ()))
    .unwrap();
    let id = submitted_application(&app).await;

    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    crate::unit_review::backdate_submission(&app, id, 40).await;
    let start = (chrono::Utc::now() + Duration::hours(8) - Duration::days(30)).date_naive();
    unit.post(
        &format!("/unit/applications/{id}/publicity"),
        &[("starts_on", &start.to_string())],
    )
    .await;
    let decision_path = format!("/unit/applications/{id}/decision");
    let forward = || {
        unit.post(
            &decision_path,
            &[("decision", "forward"), ("opinion", "同意推荐申报")],
        )
    };
    assert_eq!(location(&forward().await), "/unit/applications");
    assert_eq!(status(&app, id).await, "department_pending");

    // A withdrawal once the unit has acted is refused, and nothing changes.
    let res = app
        .post_form(&format!("/my/applications/{id}/withdraw"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("撤回"));
    assert_eq!(status(&app, id).await, "department_pending");

    let dept = spawn_second_browser(&app).await;
    dept.login_as(&app, "zhuguan").await;
    let doc = html(&dept.get("/office/applications").await.text().await.unwrap());
    assert!(texts(&doc, "tbody td[data-label=编号]").contains(&format!("#{id}")));
    let decide = |fields: Vec<(&'static str, &'static str)>| {
        let path = format!("/office/applications/{id}/decision");
        let dept = &dept;
        async move { dept.post(&path, &fields).await }
    };
    // A department cannot fail a dossier; it passes or returns.
    let doc = html(
        &decide(vec![
            ("decision", "fail"),
            ("fail_reason", "不符合申报条件"),
        ])
        .await
        .text()
        .await
        .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#refusal"),
        ["主管部门可以通过或退回，不通过的决定由职改办作出"]
    );
    let res = decide(vec![
        ("decision", "return"),
        ("to", "unit"),
        ("section", "achievements"),
        ("reason_achievements", "单位推荐意见请写明具体业绩"),
    ])
    .await;
    assert_eq!(
        location(&res),
        format!("/office/applications?returned={id}")
    );
    assert_eq!(status(&app, id).await, "returned_to_unit");
    assert_eq!(location(&forward().await), "/unit/applications");
    let res = decide(vec![("decision", "pass"), ("opinion", "同意报送职改办")]).await;
    assert_eq!(location(&res), "/office/applications");
    assert_eq!(status(&app, id).await, "office_pending");

    // The 职改办 gives 初审不通过 (final).
    let office = office_staff_for(&app, id, "chushen").await;
    let res = office
        .post(
            &format!("/office/applications/{id}/decision"),
            &[
                ("decision", "fail"),
                ("fail_reason", "任职年限不满足申报条件"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/office/applications");
    assert_eq!(status(&app, id).await, "preliminary_failed");

    // One message per change, in order.
    let titles = applicant_messages(&app).await;
    let expected = [
        "unit_pending",
        "department_pending",
        "returned_to_unit",
        "department_pending",
        "office_pending",
        "preliminary_failed",
    ]
    .map(|c| {
        zc_domain::application::ApplicationStatus::from_code(c)
            .unwrap()
            .label()
    });
    assert_eq!(titles.len(), expected.len(), "{titles:?}");
    for (title, status) in titles.iter().zip(expected) {
        assert!(title.starts_with(&format!("申报 #{id} ")), "{title}");
        assert!(title.ends_with(status), "{title} should end with {status}");
    }
    // The department desk is told when a dossier reaches it.
    let doc = html(&dept.get("/messages").await.text().await.unwrap());
    assert!(texts(&doc, ".message-list h2 a").len() >= 2);
}

#[tokio::test]
async fn every_staff_role_gets_not_found_for_another_organisations_dossier() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    forward_by_unit(&app, &unit, id).await;
    let addressed = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .office_id;
    // A department the unit does not report through, and an office it is not addressed to.
    for login in ["zhuguan", "zhigaiban", "nanning"] {
        let office_of = zc_db::accounts::find_by_login(&app.db, login)
            .await
            .unwrap()
            .unwrap()
            .org_id
            .unwrap();
        if office_of == addressed {
            continue;
        }
        let other = spawn_second_browser(&app).await;
        other.login_as(&app, login).await;
        for path in [
            format!("/office/applications/{id}"),
            format!("/office/applications/{id}/files/1"),
        ] {
            assert_eq!(
                other.get(&path).await.status(),
                StatusCode::NOT_FOUND,
                "{login} {path}"
            );
        }
        let res = other
            .post(
                &format!("/office/applications/{id}/decision"),
                &[("decision", "pass"), ("opinion", "越权通过")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{login} decides");
        let doc = html(
            &other
                .get("/office/applications?status=office_pending")
                .await
                .text()
                .await
                .unwrap(),
        );
        assert!(!texts(&doc, "tbody td[data-label=编号]").contains(&format!("#{id}")));
    }
    // An applicant (not staff) reaching a desk is refused outright.
    assert_eq!(
        app.get(&format!("/office/applications/{id}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/unit/applications/{id}")).await.status(),
        StatusCode::FORBIDDEN
    );
}
