//! 认定条件 are data: the system admin changes a condition (refused in Chinese when the
//! months are not a number, with the form kept), the change is audited and applies at
//! once to an applicant's 基本情况; the other admins read the table but cannot change it.

use reqwest::StatusCode;

use crate::{
    helpers::{attr, html, spawn_app, spawn_second_browser, texts},
    recognition::{basic, created, months_ago},
};

/// Saves the 本科 → 助理级 condition (every series) with `months` as typed; the page.
async fn save_rule(admin: &crate::helpers::SecondBrowser, months: &str) -> scraper::Html {
    let fields = [
        ("series", ""),
        ("education", "本科"),
        ("level", "2"),
        ("months", months),
    ];
    html(
        &admin
            .post("/admin/recognition-rules", &fields)
            .await
            .text()
            .await
            .unwrap(),
    )
}

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
    let doc = save_rule(&admin, "六个月").await;
    assert_eq!(
        texts(&doc, "#months-error"),
        ["请填写0–240之间的整月数，例如12表示满1年"]
    );
    assert_eq!(attr(&doc, "#f-months", "value").as_deref(), Some("六个月"));
    assert!(attr(&doc, "#f-education option[value=本科]", "selected").is_some());

    let doc = save_rule(&admin, "6").await;
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

#[tokio::test]
async fn a_dossier_short_of_the_conditions_passes_the_office_only_as_a_reasoned_exception() {
    let app = spawn_app().await;
    let id = created(&app).await;
    crate::recognition::filled_and_submitted(&app, id).await;
    // The province raises the bar after submission: 14 months worked, 24 now needed.
    let admin = spawn_second_browser(&app).await;
    admin.login_as(&app, "sysadmin").await;
    save_rule(&admin, "24").await;

    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    crate::unit_review::forward_by_unit(&app, &unit, id).await;
    let office = crate::unit_review::office_staff_for(&app, id, "exoffice").await;
    let path = format!("/office/applications/{id}");
    let doc = html(&office.get(&path).await.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#shortfall"),
        ["不符合认定条件：本科毕业满2年方可认定助理级，您还差10个月"]
    );

    // A plain pass is refused, with the opinion kept.
    let decision = format!("{path}/decision");
    let doc = html(
        &office
            .post(&decision, &[("decision", "pass"), ("opinion", "材料齐全")])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "#pass .field-msg")[0].contains("请勾选“同意按特殊情况认定”"));
    assert_eq!(texts(&doc, "#f-opinion"), ["材料齐全"]);
    // An exception needs a reason of ten characters.
    let doc = html(
        &office
            .post(
                &decision,
                &[
                    ("decision", "pass"),
                    ("exception", "1"),
                    ("opinion", "同意"),
                ],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#pass .field-msg"),
        ["按特殊情况认定须写明理由（至少10个字）"]
    );
    assert!(attr(&doc, "#pass input[name=exception]", "checked").is_some());
    let res = office
        .post(
            &decision,
            &[
                ("decision", "pass"),
                ("exception", "1"),
                (
                    "opinion",
                    "申请人在重点工程连续工作，单位出具证明，同意认定",
                ),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let status = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .status;
    assert_eq!(status.code(), "awaiting_confirmation");
    let detail: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT detail FROM audit_event WHERE action = 'application.office_pass_exception'").fetch_one(p).await)
    .unwrap();
    assert!(
        detail.contains("按特殊情况认定（本科毕业满2年方可认定助理级")
            && detail.contains("单位出具证明"),
        "{detail}"
    );
}
