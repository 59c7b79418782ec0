//! 费用: a dossier that passes 初审 at the demo committee (which charges online) gets an
//! order, the applicant pays it on the local Alipay simulator over the real protocol, the
//! notify moves the dossier on; notifies that are forged, tampered or repeated a hundred
//! times; refunds, the window closing, and who sees which orders.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use zc_integrations::alipay::{SigningKey, sign::notify_content, simulator::GATEWAY_PATH};

use crate::{
    helpers::{TestApp, attr, html, location, new_client, spawn_app, texts},
    review_chain::status,
    unit_review::{passed_by_office, submitted_application},
};

/// The simulator's APPID and PID (see `zhicheng::payments`).
pub(crate) const APP_ID: &str = "9021000000000001";
pub(crate) const SELLER_ID: &str = "2088000000000001";

/// A dossier waiting for its fee, and the id and number of its order.
pub(crate) async fn awaiting_fee(app: &TestApp) -> (i64, i64, String) {
    let id = submitted_application(app).await;
    charges_online(app, id).await;
    passed_by_office(app, id, "feeoffice").await;
    assert_eq!(status(app, id).await, "awaiting_fee");
    let (order_id, order_no): (i64, String) = zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT id, order_no FROM payment_order WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    (id, order_id, order_no)
}

/// Makes the plan of the dossier's committee charge online, with the demo's fee item.
pub(crate) async fn charges_online(app: &TestApp, id: i64) {
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE review_plan SET charges_online = TRUE \
        WHERE committee_id = (SELECT committee_id FROM application WHERE id = $1)")
        .bind(id).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let last_day = chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
    zc_db::fee_items::seed_missing(&app.db, "代办晋升专业技术职务费", 5000, last_day)
        .await
        .unwrap();
}

pub(crate) fn simulator_key(app: &TestApp) -> SigningKey {
    let pem = std::fs::read_to_string(
        app.keys_dir()
            .join("alipay-simulator/simulator_private_key.pem"),
    )
    .unwrap();
    SigningKey::parse(&pem).unwrap()
}

/// A trade notify for `out_trade_no`, signed with `key` as Alipay signs.
pub(crate) fn notify(
    key: &SigningKey,
    out_trade_no: &str,
    amount: &str,
) -> BTreeMap<String, String> {
    let mut n: BTreeMap<String, String> = [
        ("notify_time", "2026-11-30 10:35:03"),
        ("notify_type", "trade_status_sync"),
        ("notify_id", "ac05099524730693a8b330c5ecf72da9786"),
        ("charset", "utf-8"),
        ("version", "1.0"),
        ("sign_type", "RSA2"),
        ("app_id", APP_ID),
        ("seller_id", SELLER_ID),
        ("out_trade_no", out_trade_no),
        ("trade_no", "2026113022001400001234"),
        ("trade_status", "TRADE_SUCCESS"),
        ("total_amount", amount),
        ("gmt_payment", "2026-11-30 10:35:02"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let sign = key.sign(&notify_content(&n)).unwrap();
    n.insert("sign".into(), sign);
    n
}

pub(crate) async fn post_notify(app: &TestApp, n: &BTreeMap<String, String>) -> String {
    reqwest::Client::new()
        .post(app.url("/pay/alipay/notify"))
        .form(n)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

pub(crate) async fn order_status(app: &TestApp, order_id: i64) -> (String, bool, i64) {
    zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT status, refund_due, refunded_fen FROM payment_order WHERE id = $1").bind(order_id).fetch_one(p).await)
    .unwrap()
}

pub(crate) async fn fee_events(app: &TestApp, id: i64) -> i64 {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM application_event WHERE application_id = $1 AND step = '缴费'").bind(id).fetch_one(p).await)
    .unwrap()
}

/// The hidden fields of the page's cashier form.
pub(crate) fn cashier_fields(doc: &scraper::Html) -> Vec<(String, String)> {
    let sel = scraper::Selector::parse("#cashier-form input[type=hidden]").unwrap();
    doc.select(&sel)
        .map(|e| {
            (
                e.value().attr("name").unwrap().to_string(),
                e.value().attr("value").unwrap().to_string(),
            )
        })
        .collect()
}

/// Opens the cashier for the applicant's order and presses 付款 there.
pub(crate) async fn pay_at_cashier(app: &TestApp, order_id: i64) {
    let doc = html(
        &app.post_form(&format!("/my/fees/{order_id}/pay"), &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    let action = attr(&doc, "#cashier-form", "action").unwrap();
    let gateway = new_client();
    let cashier = html(
        &gateway
            .post(&action)
            .form(&cashier_fields(&doc))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let no = attr(&cashier, "input[name=out_trade_no]", "value").unwrap();
    let token = attr(&cashier, "input[name=token]", "value").unwrap();
    gateway
        .post(app.url("/dev/alipay/cashier/pay"))
        .form(&[("out_trade_no", no.as_str()), ("token", &token)])
        .send()
        .await
        .unwrap();
    let res = app
        .post_form(&format!("/my/fees/{order_id}/confirm"), &[])
        .await;
    assert_eq!(location(&res), format!("/my/fees?paid={order_id}"));
}

/// The client the server uses, built from its key folder, to drive the sweep in tests.
pub(crate) fn client_of(app: &TestApp) -> zc_integrations::alipay::AlipayClient {
    client_at(app, &app.url(GATEWAY_PATH))
}

/// The same client pointed at `gateway`.
pub(crate) fn client_at(app: &TestApp, gateway: &str) -> zc_integrations::alipay::AlipayClient {
    let dir = app.keys_dir().join("alipay-simulator");
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
    let sim = SigningKey::parse(&read("simulator_private_key.pem")).unwrap();
    zc_integrations::alipay::AlipayClient::new(zc_integrations::alipay::AlipayConfig {
        gateway: gateway.to_string(),
        app_id: APP_ID.into(),
        seller_id: SELLER_ID.into(),
        app_key: SigningKey::parse(&read("app_private_key.pem")).unwrap(),
        alipay_key: zc_integrations::alipay::VerifyingKey::parse(&sim.public_pem().unwrap())
            .unwrap(),
        notify_url: app.url("/pay/alipay/notify"),
        cert_sn: None,
    })
    .unwrap()
}

#[tokio::test]
async fn an_applicant_pays_at_the_simulated_cashier_and_the_dossier_moves_on() {
    let app = spawn_app().await;
    let (id, order_id, order_no) = awaiting_fee(&app).await;
    assert!(
        order_no.starts_with("dl")
            && order_no.len() >= 19
            && order_no[2..].bytes().all(|b| b.is_ascii_digit()),
        "{order_no}"
    );

    // The card and 进度 say what is due, each with a 去缴费 button for this order.
    for page in [
        "/my/applications".to_string(),
        format!("/my/applications/{id}/progress"),
    ] {
        let (_, doc) = app.get_html(&page).await;
        let due = texts(&doc, "[data-fee-due] p");
        assert_eq!(due.len(), 1, "{page}");
        assert!(
            due[0].contains("代办晋升专业技术职务费 50.00 元") && due[0].contains("2099-12-31"),
            "{page}: {due:?}"
        );
        assert_eq!(
            attr(&doc, "[data-fee-due] form", "action").unwrap(),
            format!("/my/fees/{order_id}/pay"),
            "{page}"
        );
        assert_eq!(texts(&doc, "[data-fee-due] button"), ["去缴费"]);
    }

    // 费用管理 shows the order as the seed does.
    let (code, doc) = app.get_html("/my/fees").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=订单号]"),
        [order_no.as_str()]
    );
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=支付状态]"),
        ["待支付"]
    );
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=费用事项]"),
        ["代办晋升专业技术职务费"]
    );
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=\"总额(元)\"]"),
        ["50.00"]
    );
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=开票状态]"),
        ["未开票"]
    );

    // 立即支付 gives a signed form for the cashier; a second click opens the same trade.
    let res = app
        .post_form(&format!("/my/fees/{order_id}/pay"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    let doc = html(&res.text().await.unwrap());
    let action = attr(&doc, "#cashier-form", "action").unwrap();
    assert!(action.starts_with(&app.url(GATEWAY_PATH)), "{action}");
    assert!(
        csp.contains(&format!("form-action 'self' {}", app.address)),
        "{csp}"
    );
    let fields = cashier_fields(&doc);
    let field = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(field("method"), "alipay.trade.page.pay");
    assert_eq!(field("sign_type"), "RSA2");
    assert!(field("biz_content").contains(&format!("\"out_trade_no\":\"{order_no}\"")));
    assert!(field("biz_content").contains("\"total_amount\":\"50.00\""));
    let again = html(
        &app.post_form(&format!("/my/fees/{order_id}/pay"), &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    let again = cashier_fields(&again);
    let biz = |f: &[(String, String)]| {
        f.iter()
            .find(|(n, _)| n == "biz_content")
            .unwrap()
            .1
            .clone()
    };
    assert_eq!(
        biz(&again),
        biz(&fields),
        "a double click opens the same trade"
    );
    assert_eq!(order_status(&app, order_id).await.0, "paying");

    // A changed amount fails the gateway's signature check.
    let gateway = new_client();
    let tampered: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if k == "biz_content" {
                    v.replace("50.00", "0.01")
                } else {
                    v.clone()
                },
            )
        })
        .collect();
    let res = gateway.post(&action).form(&tampered).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("isv.invalid-signature"));

    // The cashier, 付款, the notify and the way back.
    let cashier = html(
        &gateway
            .post(&action)
            .form(&fields)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&cashier, "#amount"), ["¥50.00"]);
    let token = attr(&cashier, "input[name=token]", "value").unwrap();
    let res = gateway
        .post(app.url("/dev/alipay/cashier/pay"))
        .form(&[("out_trade_no", order_no.as_str()), ("token", &token)])
        .send()
        .await
        .unwrap();
    let back = location(&res);
    assert!(
        back.starts_with(&app.url(&format!("/my/fees/{order_id}/return?"))),
        "{back}"
    );
    for _ in 0..50 {
        if status(&app, id).await != "awaiting_fee" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        status(&app, id).await,
        "committee_pending",
        "the notify moved the dossier"
    );
    assert_eq!(fee_events(&app, id).await, 1);

    // The return page asks the gateway (by POST) and lands on the list.
    let doc = html(
        &app.get(&back.replace(&app.address, ""))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        attr(&doc, "#confirm-form", "action").unwrap(),
        format!("/my/fees/{order_id}/confirm")
    );
    let res = app
        .post_form(&format!("/my/fees/{order_id}/confirm"), &[])
        .await;
    assert_eq!(location(&res), format!("/my/fees?paid={order_id}"));
    let (_, doc) = app.get_html(&location(&res)).await;
    assert_eq!(
        texts(&doc, "#fee-notice"),
        ["缴费成功，请留意评审会的相关信息。"]
    );
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=支付状态]"),
        ["已支付"]
    );
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=支付渠道]"),
        ["支付宝"]
    );
    assert!(!texts(&doc, "#fee-table td[data-label=支付流水号]")[0].is_empty());
    assert!(
        texts(&doc, "#fee-table form").is_empty(),
        "nothing left to pay"
    );
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/progress"))
        .await;
    assert!(texts(&doc, "tbody td[data-label=业务步骤]").contains(&"缴费".to_string()));
    assert!(
        texts(&doc, "[data-fee-due]").is_empty(),
        "paid: no 去缴费 any more"
    );
    let (_, doc) = app.get_html("/my/applications").await;
    assert!(
        texts(&doc, "[data-fee-due]").is_empty(),
        "paid: no 去缴费 any more"
    );

    // Paying again is refused in words, on the list.
    let res = app
        .post_form(&format!("/my/fees/{order_id}/pay"), &[])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#fee-error"), ["该订单已支付"]);

    // Filters: by status and by part of the order number.
    let (_, doc) = app.get_html("/my/fees?status=pending").await;
    assert!(texts(&doc, "#fee-table td[data-label=订单号]").is_empty());
    let (_, doc) = app
        .get_html(&format!("/my/fees?order_no={}", &order_no[10..]))
        .await;
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=订单号]"),
        [order_no.as_str()]
    );

    // A paid dossier that comes back to the 职改办 (after a later return) is not charged
    // twice: 初审通过 sends it straight to the committee.
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE application SET status = 'office_pending' WHERE id = $1")
        .bind(id).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let office = crate::unit_review::office_staff_for(&app, id, "feeoffice2").await;
    let res = office
        .post(
            &format!("/office/applications/{id}/decision"),
            &[("decision", "pass"), ("opinion", "材料齐全，初审通过")],
        )
        .await;
    assert_eq!(location(&res), "/office/applications");
    assert_eq!(status(&app, id).await, "committee_pending");
    let orders: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_order WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    assert_eq!(orders, 1);
}

#[tokio::test]
async fn each_open_choice_says_whether_and_how_much_it_costs_online() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let (_, doc) = app.get_html("/my/applications").await;
    let sel = scraper::Selector::parse("#create li").unwrap();
    let lines: Vec<String> = doc
        .select(&sel)
        .map(|li| li.text().collect::<String>())
        .collect();
    assert!(!lines.is_empty(), "the demo has open choices");
    let online = lines
        .iter()
        .find(|l| l.contains("工程系列广西区人才服务办公室中级评审会"))
        .expect("the demo's charging committee is open");
    assert!(
        online.contains("网上缴费：初审通过后在“费用管理”缴纳 50.00 元"),
        "{online}"
    );
    let offline = lines
        .iter()
        .find(|l| l.contains("南宁市工程系列初级职称评审委员会"))
        .expect("the demo's free committee is open");
    assert!(offline.contains("不在网上收费"), "{offline}");
    assert_eq!(
        texts(&doc, "#create .fee-notice").len(),
        lines.len(),
        "every choice says it"
    );
}
