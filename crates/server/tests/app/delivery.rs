//! 邮寄 and 领取证书: a 职改办 switches mailing on (per office) with its postage; the
//! holder chooses 邮寄证书 with an address (a missing province refused beside the field,
//! everything kept), pays the postage in 费用管理, the office enters EMS's tracking number
//! and exports the list for EMS, and the holder's 领取证书 moves the dossier to 已领取; at
//! another desk a certificate is handed over and the person who took it is recorded.

use reqwest::StatusCode;
use zc_domain::Role;

use crate::{
    access_world::staff_of,
    helpers::{SecondBrowser, TestApp, attr, html, location, spawn_app, texts},
    recognition::{created, filled_and_submitted},
    unit_review::passed_by_office,
};

/// A 认定 of the demo applicant issued by the 南宁 职改办: the dossier, the certificate's
/// id and number, and the office's reviewer, signed in.
pub(crate) async fn issued(app: &TestApp, login: &str) -> (i64, i64, String, SecondBrowser) {
    let id = created(app).await;
    filled_and_submitted(app, id).await;
    let office = passed_by_office(app, id, login).await;
    let res = office
        .post(
            &format!("/office/applications/{id}/issue"),
            &[("doc_number", "南职改〔2026〕77号")],
        )
        .await;
    assert_eq!(location(&res), "/office/certificates");
    let (cert, number): (i64, String) = zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT id, number FROM certificate WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    (id, cert, number, office)
}

async fn page(res: reqwest::Response) -> scraper::Html {
    html(&res.text().await.unwrap())
}

async fn status_of(app: &TestApp, id: i64) -> String {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT status FROM application WHERE id = $1").bind(id).fetch_one(p).await)
    .unwrap()
}

const ADDRESS: &[(&str, &str)] = &[
    ("method", "mail"),
    ("recipient", "张三"),
    ("province", "广西壮族自治区"),
    ("city", "南宁市青秀区"),
    ("address", "民族大道100号3栋2单元501"),
    ("phone", "13800771234"),
    ("postcode", "530022"),
];

#[tokio::test]
async fn a_certificate_is_mailed_where_its_office_mails_and_its_receipt_closes_the_dossier() {
    let app = spawn_app().await;
    let (id, cert, number, office) = issued(&app, "dlmail").await;

    // Mailing is off: no 邮寄 button, and a posted choice is refused on the form.
    let (_, mine) = app.get_html("/my/certificates").await;
    assert!(attr(&mine, &format!("#mail-{cert}"), "href").is_none());
    let doc = page(
        app.post_form(&format!("/my/certificates/{cert}/delivery"), ADDRESS)
            .await,
    )
    .await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["发证机关未开通证书邮寄，请到发证机关现场领取"]
    );
    // Another office switching it on changes nothing for this one's certificates.
    let liuzhou: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM office WHERE name = '柳州市职称改革工作领导小组办公室'").fetch_one(p).await)
    .unwrap();
    let other = staff_of(&app, "lzmail", Role::OfficeStaff, ("office", liuzhou)).await;
    let res = other
        .post(
            "/office/delivery/mailing",
            &[("enabled", "1"), ("postage", "18")],
        )
        .await;
    assert_eq!(location(&res), "/office/delivery?done=mailing");
    let (_, mine) = app.get_html("/my/certificates").await;
    assert!(attr(&mine, &format!("#mail-{cert}"), "href").is_none());

    // 南宁 mails, for 22 yuan.
    let doc = page(
        office
            .post(
                "/office/delivery/mailing",
                &[("enabled", "1"), ("postage", "二十二")],
            )
            .await,
    )
    .await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["邮寄费应为金额，例如 22 或 22.50（免费请填0）"]
    );
    office
        .post(
            "/office/delivery/mailing",
            &[("enabled", "1"), ("postage", "22")],
        )
        .await;
    let (_, mine) = app.get_html("/my/certificates").await;
    assert_eq!(
        attr(&mine, &format!("#mail-{cert}"), "href"),
        Some(format!("/my/certificates/{cert}/delivery"))
    );

    // No province: refused beside the field, the rest as typed.
    let without: Vec<(&str, &str)> = ADDRESS
        .iter()
        .map(|&(k, v)| if k == "province" { (k, "") } else { (k, v) })
        .collect();
    let doc = page(
        app.post_form(&format!("/my/certificates/{cert}/delivery"), &without)
            .await,
    )
    .await;
    assert_eq!(texts(&doc, ".error-summary li"), ["请选择省份"]);
    assert_eq!(
        attr(&doc, "#f-address", "value").as_deref(),
        Some("民族大道100号3栋2单元501")
    );
    assert!(attr(&doc, "input[name=method][value=mail][checked]", "value").is_some());

    // Chosen: the postage is an order in 费用管理.
    let res = app
        .post_form(&format!("/my/certificates/{cert}/delivery"), ADDRESS)
        .await;
    assert_eq!(location(&res), "/my/fees");
    let (_, fees) = app.get_html("/my/fees").await;
    assert!(
        texts(&fees, "td").iter().any(|t| t == "证书邮寄费（EMS）"),
        "{:?}",
        texts(&fees, "td")
    );
    let (_, mine) = app.get_html("/my/certificates").await;
    assert_eq!(texts(&mine, &format!("#delivery-{cert}")), ["待缴邮费"]);
    let list = page(office.get("/office/delivery").await).await;
    assert_eq!(texts(&list, "#mail-list td[data-label=状态]"), ["待缴邮费"]);
    assert!(attr(&list, "#mail-list input[name=tracking_no]", "name").is_none());

    // The gateway confirms the payment; the office sends it.
    let order = zc_db::payment_orders::open_of_payer(
        &app.db,
        zc_db::certificates::find(&app.db, cert)
            .await
            .unwrap()
            .unwrap()
            .holder_id,
    )
    .await
    .unwrap()
    .into_iter()
    .find(|o| o.item_name == "证书邮寄费（EMS）")
    .unwrap();
    zc_services::payments::settle::paid(
        &app.db,
        &order,
        "2026120222001",
        zc_domain::payment::Fen(2200),
        "测试",
    )
    .await
    .unwrap();
    let list = page(office.get("/office/delivery").await).await;
    assert_eq!(texts(&list, "#mail-list td[data-label=状态]"), ["待寄送"]);
    let delivery: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM certificate_delivery WHERE certificate_id = $1").bind(cert).fetch_one(p).await)
    .unwrap();
    let doc = page(
        office
            .post(
                &format!("/office/delivery/{delivery}/sent"),
                &[("tracking_no", "EA12")],
            )
            .await,
    )
    .await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["请填写EMS运单号（8–30位字母或数字）"]
    );
    let res = office
        .post(
            &format!("/office/delivery/{delivery}/sent"),
            &[("tracking_no", "ea123456789cn")],
        )
        .await;
    assert_eq!(location(&res), "/office/delivery?done=sent");

    // The list for EMS, audited.
    let res = office.post("/office/delivery/export.xlsx", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an .xlsx (zip) file");
    let exports: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'delivery.export'").fetch_one(p).await)
    .unwrap();
    assert_eq!(exports, 1);

    // The holder sees the number and confirms receipt: the dossier is 已领取.
    let (_, mine) = app.get_html("/my/certificates").await;
    assert_eq!(
        texts(&mine, &format!("#delivery-{cert}")),
        ["已寄出（EMS运单号 EA123456789CN）"]
    );
    assert!(
        attr(&mine, &format!("#mail-{cert}"), "href").is_none(),
        "no change once sent"
    );
    let (_, progress) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(
        texts(&progress, "tbody td")
            .iter()
            .any(|t| t.contains(&format!("证书 {number} 已寄出，EMS运单号 EA123456789CN"))),
        "the dossier's history says it was mailed"
    );
    let res = app
        .post_form(&format!("/my/certificates/{cert}/received"), &[])
        .await;
    assert_eq!(location(&res), "/my/certificates");
    assert_eq!(status_of(&app, id).await, "collected");
}

#[tokio::test]
async fn the_desk_records_who_collected_a_certificate_once() {
    let app = spawn_app().await;
    let (id, _, number, office) = issued(&app, "dldesk").await;
    let doc = page(
        office
            .post(
                "/office/delivery/hand-over",
                &[("number", "999"), ("collected_by", "")],
            )
            .await,
    )
    .await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        [
            "本职改办没有编号为“999”的证书，请核对",
            "请填写领取人姓名（本人或代领人，20字以内）"
        ]
    );
    assert_eq!(attr(&doc, "#f-number", "value").as_deref(), Some("999"));
    let res = office
        .post(
            "/office/delivery/hand-over",
            &[("number", &number), ("collected_by", "李四（代领）")],
        )
        .await;
    assert_eq!(location(&res), "/office/delivery?done=handed");
    assert_eq!(status_of(&app, id).await, "collected");
    let (_, progress) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(
        texts(&progress, "tbody td")
            .iter()
            .any(|t| t.contains(&format!("证书 {number} 已现场领取，领取人：李四（代领）"))),
        "the person's history says who took it"
    );
    let (_, mine) = app.get_html("/my/certificates").await;
    assert!(texts(&mine, "td[data-label=领取]").contains(&"已领取".to_string()));
    // Twice: refused, said on the desk's page.
    let doc = page(
        office
            .post(
                "/office/delivery/hand-over",
                &[("number", &number), ("collected_by", "张三")],
            )
            .await,
    )
    .await;
    assert_eq!(
        texts(&doc, "#delivery-message"),
        [format!("证书 {number} 已领取或已寄出，不能重复发放")]
    );
    let audited: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'delivery.handed_over'").fetch_one(p).await)
    .unwrap();
    assert_eq!(audited, 1);
}
