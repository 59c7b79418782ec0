//! 认定条件 are data: the system admin changes a condition (refused in Chinese when the
//! months are not a number, with the form kept), the change is audited and applies at
//! once to an applicant's 基本情况; the other admins read the table but cannot change it.

use reqwest::StatusCode;

use crate::{
    helpers::{attr, html, spawn_app, spawn_second_browser, texts},
    recognition::{basic, created, months_ago},
};

#[tokio::test]
async fn the_system_admin_changes_a_condition_and_it_applies_at_once() {
    let app = spawn_app().await;
    let id = created(&app).await;
    basic(&app, id, &months_ago(4)).await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rc_basic"))
        .await;
    assert_eq!(
        texts(&doc, "#eligibility"),
        ["认定条件：本科毕业满1年方可认定助理级，您还差8个月"]
    );

    let admin = spawn_second_browser(&app).await;
    admin.login_as(&app, "sysadmin").await;
    let doc = html(
        &admin
            .post(
                "/admin/recognition-rules",
                &[
                    ("series", ""),
                    ("education", "本科"),
                    ("level", "2"),
                    ("months", "六个月"),
                ],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#months-error"),
        ["请填写0–240之间的整月数，例如12表示满1年"]
    );
    assert_eq!(attr(&doc, "#f-months", "value").as_deref(), Some("六个月"));
    assert!(attr(&doc, "#f-education option[value=本科]", "selected").is_some());

    let doc = html(
        &admin
            .post(
                "/admin/recognition-rules",
                &[
                    ("series", ""),
                    ("education", "本科"),
                    ("level", "2"),
                    ("months", "6"),
                ],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "p.notice-success"), ["已保存。"]);
    let rows = texts(&doc, "tbody tr");
    assert_eq!(
        rows.iter()
            .filter(|r| r.contains("本科") && r.contains("助理级"))
            .count(),
        1,
        "one row, changed: {rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("本科") && r.contains("6个月"))
    );
    let audited: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'recognition_rule.save'").fetch_one(p).await)
    .unwrap();
    assert_eq!(audited, 1);

    // The applicant's page follows the table at once: 4 months worked, 6 needed.
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/rc_basic"))
        .await;
    assert_eq!(
        texts(&doc, "#eligibility"),
        ["认定条件：本科毕业满6个月方可认定助理级，您还差2个月"]
    );

    // The security admin reads the table but cannot change it.
    let security = spawn_second_browser(&app).await;
    security.login_as(&app, "secadmin").await;
    let doc = html(
        &security
            .get("/admin/recognition-rules")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "tbody td[data-label=最高学历]").contains(&"本科".to_string()));
    assert!(attr(&doc, "#f-months", "name").is_none(), "no form");
    let res = security
        .post(
            "/admin/recognition-rules",
            &[("education", "本科"), ("level", "2"), ("months", "0")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}
