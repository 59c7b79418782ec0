//! A 职改办 that charges for 认定 online: it sets the item, amount and last day (refused in
//! Chinese with what was typed kept); its 初审通过 then asks for the fee, the applicant pays
//! at the cashier, the dossier goes on to 待发文, and the office sees the order in its
//! 缴费管理.

use chrono::Duration;

use crate::{
    fees::pay_at_cashier,
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
    recognition::{created, filled_and_submitted},
    review_chain::status,
    unit_review::{forward_by_unit, office_staff_for},
};

#[tokio::test]
async fn an_office_charges_for_recognition_and_the_paid_dossier_goes_on() {
    let app = spawn_app().await;
    let id = created(&app).await;
    filled_and_submitted(&app, id).await;
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    forward_by_unit(&app, &unit, id).await;
    let office = office_staff_for(&app, id, "feeclerk").await;

    let doc = html(
        &office
            .get("/office/recognition")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "#recognition-window")[0].contains(" 至 "));
    let doc = html(
        &office
            .post(
                "/office/recognition",
                &[
                    ("name", "职称认定费"),
                    ("amount", "五十"),
                    ("pay_until", "2020-01-01"),
                ],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#amount-error"),
        ["请填写收费金额（元），例如 50 或 50.00；不收费请留空"]
    );
    assert_eq!(
        texts(&doc, "#pay_until-error"),
        ["缴费截止日期不能早于今天"]
    );
    assert_eq!(
        attr(&doc, "#f-name", "value").as_deref(),
        Some("职称认定费")
    );
    let last_day = (app.db.today() + Duration::days(30)).to_string();
    let doc = html(
        &office
            .post(
                "/office/recognition",
                &[
                    ("name", "职称认定费"),
                    ("amount", "50"),
                    ("pay_until", &last_day),
                ],
            )
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "p.notice-success"), ["已保存。"]);

    let res = office
        .post(
            &format!("/office/applications/{id}/decision"),
            &[("decision", "pass"), ("opinion", "材料齐全，初审通过")],
        )
        .await;
    assert_eq!(location(&res), "/office/applications");
    assert_eq!(status(&app, id).await, "awaiting_fee");
    let (order_id, item, fen, committee): (i64, String, i64, Option<i64>) = zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT id, item_name, amount_fen, committee_id FROM payment_order WHERE application_id = $1")
        .bind(id).fetch_one(p).await)
    .unwrap();
    assert_eq!((item.as_str(), fen, committee), ("职称认定费", 5000, None));

    pay_at_cashier(&app, order_id).await;
    assert_eq!(status(&app, id).await, "awaiting_confirmation");
    let doc = html(&office.get("/office/fees").await.text().await.unwrap());
    let page = doc.root_element().text().collect::<String>();
    assert!(page.contains("职称认定费"), "the office sees its order");
    let audited: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'recognition.fee'").fetch_one(p).await)
    .unwrap();
    assert_eq!(audited, 1);
}
