//! 职改办 after the unit: returning a dossier to the unit, passing it when two reviewers
//! act at once, and passing a batch only with the count the reviewer confirmed.

use reqwest::StatusCode;

use crate::{
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
    unit_review::{forward_by_unit, office_staff_for, submitted_application},
};

#[tokio::test]
async fn the_office_returns_to_the_unit_then_passes_and_only_one_of_two_reviewers_wins() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    forward_by_unit(&app, &unit, id).await;

    let office = office_staff_for(&app, id, "chushen1").await;
    let doc = html(
        &office
            .get("/office/applications")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, ".tabs a.current"), ["职改办待受理 1"]);
    let path = format!("/office/applications/{id}/decision");
    let res = office
        .post(
            &path,
            &[
                ("decision", "return"),
                ("to", "unit"),
                ("section", "achievements"),
                ("reason_achievements", "单位推荐意见不具体，请补充"),
            ],
        )
        .await;
    assert_eq!(
        location(&res),
        format!("/office/applications?returned={id}")
    );
    let doc = html(
        &unit
            .get("/unit/applications?status=returned_to_unit")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        attr(&doc, "tbody a", "href"),
        Some(format!("/unit/applications/{id}"))
    );
    forward_by_unit(&app, &unit, id).await;

    // Two reviewers decide at once: exactly one succeeds, the other is told.
    let second = office_staff_for(&app, id, "chushen2").await;
    drop(second);
    let actor = |login: &'static str| {
        let db = app.db.clone();
        async move {
            let id = zc_db::accounts::find_by_login(&db, login)
                .await
                .unwrap()
                .unwrap()
                .id;
            zc_services::accounts::Actor {
                account_id: Some(id),
                role: Some(zc_domain::Role::OfficeStaff),
                ip: Some("127.0.0.1"),
            }
        }
    };
    let (a1, a2) = (actor("chushen1").await, actor("chushen2").await);
    let pass = zc_services::office_review::OfficeDecision::Pass("材料齐全，初审通过".into());
    let fail = zc_services::office_review::OfficeDecision::Fail("学历不符合申报条件".into());
    // Two reviewers' requests, each in a task of its own as the server runs them.
    let (db1, db2) = (app.db.clone(), app.db.clone());
    let (r1, r2) = tokio::join!(
        tokio::spawn(async move { zc_services::office_review::decide(&db1, a1, id, &pass).await }),
        tokio::spawn(async move { zc_services::office_review::decide(&db2, a2, id, &fail).await }),
    );
    let (r1, r2) = (r1.unwrap(), r2.unwrap());
    assert_ne!(r1.is_ok(), r2.is_ok(), "exactly one decision stands");
    let loser = if r1.is_ok() { r2 } else { r1 };
    assert!(matches!(
        loser,
        Err(zc_services::ServiceError::Refused {
            code: "already_decided",
            ..
        })
    ));
    let status: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT status FROM application WHERE id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    assert!(
        ["awaiting_fee", "committee_pending", "preliminary_failed"].contains(&status.as_str()),
        "{status}"
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(texts(&doc, "tbody td[data-label=业务步骤]").contains(&"职改办审核".to_string()));

    // Other offices and departments see nothing of it.
    for login in ["zhigaiban", "zhuguan"] {
        let other = spawn_second_browser(&app).await;
        other.login_as(&app, login).await;
        if zc_db::applications::find(&app.db, id)
            .await
            .unwrap()
            .unwrap()
            .office_id
            == zc_db::accounts::find_by_login(&app.db, login)
                .await
                .unwrap()
                .unwrap()
                .org_id
                .unwrap()
        {
            continue;
        }
        assert_eq!(
            other
                .get(&format!("/office/applications/{id}"))
                .await
                .status(),
            StatusCode::NOT_FOUND,
            "{login}"
        );
    }
}

#[tokio::test]
async fn an_office_passes_a_batch_only_with_the_count_it_confirmed() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    forward_by_unit(&app, &unit, id).await;
    let office = office_staff_for(&app, id, "chushen3").await;

    let doc = html(
        &office
            .get("/office/applications")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        attr(&doc, "#batch input[name=expected]", "value").as_deref(),
        Some("1")
    );
    assert_eq!(
        attr(&doc, "#batch input[name=ids]", "value"),
        Some(id.to_string())
    );
    let res = office
        .post(
            "/office/applications/batch",
            &[("opinion", "材料齐全，初审通过")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "nothing chosen");
    let res = office
        .post(
            "/office/applications/batch",
            &[
                ("all", "1"),
                ("expected", "2"),
                ("status", "office_pending"),
                ("q", ""),
                ("opinion", "材料齐全，初审通过"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("筛选结果已变化（现为1件，确认时为2件）")
    );
    let res = office
        .post(
            "/office/applications/batch",
            &[
                ("all", "1"),
                ("expected", "1"),
                ("status", "office_pending"),
                ("q", ""),
                ("opinion", "材料齐全，初审通过"),
            ],
        )
        .await;
    let to = location(&res);
    assert!(to.contains("done=1&skipped=0"), "{to}");
    let doc = html(&office.get(&to).await.text().await.unwrap());
    assert_eq!(texts(&doc, "#batch-result"), ["已批量办理1件。"]);
    let status: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT status FROM application WHERE id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    assert!(
        ["awaiting_fee", "committee_pending"].contains(&status.as_str()),
        "{status}"
    );
}
