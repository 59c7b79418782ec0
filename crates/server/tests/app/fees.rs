//! 费用: a dossier that passes 初审 at the demo committee (which charges online) gets an
//! order, the applicant pays it on the local Alipay simulator over the real protocol, the
//! notify moves the dossier on; notifies that are forged, tampered or repeated a hundred
//! times; refunds, the window closing, and who sees which orders.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use zc_integrations::alipay::{SigningKey, sign::notify_content, simulator::GATEWAY_PATH};

use crate::{
    helpers::{TestApp, attr, html, location, new_client, spawn_app, spawn_second_browser, texts},
    review_chain::status,
    unit_review::{passed_by_office, submitted_application},
};

/// The simulator's APPID and PID (see `zhicheng::payments`).
const APP_ID: &str = "9021000000000001";
const SELLER_ID: &str = "2088000000000001";

/// A dossier waiting for its fee, and the id and number of its order.
async fn awaiting_fee(app: &TestApp) -> (i64, i64, String) {
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
async fn charges_online(app: &TestApp, id: i64) {
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE review_plan SET charges_online = TRUE \
        WHERE committee_id = (SELECT committee_id FROM application WHERE id = $1)")
        .bind(id).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let last_day = chrono::NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
    zc_db::fee_items::seed_missing(&app.db, "代办晋升专业技术职务费", 5000, last_day)
        .await
        .unwrap();
}

fn simulator_key(app: &TestApp) -> SigningKey {
    let pem = std::fs::read_to_string(
        app.keys_dir()
            .join("alipay-simulator/simulator_private_key.pem"),
    )
    .unwrap();
    SigningKey::parse(&pem).unwrap()
}

/// A trade notify for `out_trade_no`, signed with `key` as Alipay signs.
fn notify(key: &SigningKey, out_trade_no: &str, amount: &str) -> BTreeMap<String, String> {
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

async fn post_notify(app: &TestApp, n: &BTreeMap<String, String>) -> String {
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

async fn order_status(app: &TestApp, order_id: i64) -> (String, bool, i64) {
    zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT status, refund_due, refunded_fen FROM payment_order WHERE id = $1").bind(order_id).fetch_one(p).await)
    .unwrap()
}

async fn fee_events(app: &TestApp, id: i64) -> i64 {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM application_event WHERE application_id = $1 AND step = '缴费'").bind(id).fetch_one(p).await)
    .unwrap()
}

/// The hidden fields of the page's cashier form.
fn cashier_fields(doc: &scraper::Html) -> Vec<(String, String)> {
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

#[tokio::test]
async fn an_applicant_pays_at_the_simulated_cashier_and_the_dossier_moves_on() {
    let app = spawn_app().await;
    let (id, order_id, order_no) = awaiting_fee(&app).await;
    assert!(
        order_no.starts_with("dl")
            && order_no.len() == 19
            && order_no[2..].bytes().all(|b| b.is_ascii_digit()),
        "{order_no}"
    );

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
}

#[tokio::test]
async fn notifies_are_believed_only_when_signed_and_a_hundred_copies_move_the_dossier_once() {
    let app = spawn_app().await;
    let (id, order_id, order_no) = awaiting_fee(&app).await;
    let alipay = simulator_key(&app);
    // The order's trade must have been sent before a notify can name it.
    app.post_form(&format!("/my/fees/{order_id}/pay"), &[])
        .await;

    // Forged (another key), tampered (amount changed after signing), another seller.
    let forged = notify(&SigningKey::generate().unwrap(), &order_no, "50.00");
    assert_eq!(post_notify(&app, &forged).await, "failure");
    let mut tampered = notify(&alipay, &order_no, "50.00");
    tampered.insert("total_amount".into(), "0.01".into());
    assert_eq!(post_notify(&app, &tampered).await, "failure");
    let mut missing = notify(&alipay, &order_no, "50.00");
    missing.remove("sign");
    assert_eq!(post_notify(&app, &missing).await, "failure");
    let mut other_seller = notify(&alipay, &order_no, "50.00");
    other_seller.insert("seller_id".into(), "2088999999999999".into());
    let resigned = {
        other_seller.remove("sign");
        let s = alipay.sign(&notify_content(&other_seller)).unwrap();
        other_seller.insert("sign".into(), s);
        other_seller
    };
    assert_eq!(post_notify(&app, &resigned).await, "failure");
    let unknown = notify(&alipay, "dl20990101000000999", "50.00");
    assert_eq!(post_notify(&app, &unknown).await, "failure");
    assert_eq!(order_status(&app, order_id).await.0, "paying");
    assert_eq!(status(&app, id).await, "awaiting_fee");

    let good = notify(&alipay, &order_no, "50.00");
    let answers = futures_all(&app, &good, 100).await;
    assert!(answers.iter().all(|a| a == "success"), "{answers:?}");
    assert_eq!(order_status(&app, order_id).await.0, "paid");
    assert_eq!(fee_events(&app, id).await, 1, "one transition");
    assert_eq!(status(&app, id).await, "committee_pending");
    let outcomes: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT outcome FROM payment_notify WHERE out_trade_no = $1 AND outcome IN ('paid', 'duplicate')").bind(&order_no).fetch_all(p).await)
    .unwrap();
    assert_eq!(outcomes.len(), 100);
    assert_eq!(outcomes.iter().filter(|o| *o == "paid").count(), 1);
    let rejected: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_notify WHERE NOT verified").fetch_one(p).await)
    .unwrap();
    assert_eq!(rejected, 3, "forged, tampered and unsigned are on record");

    // The log cannot be rewritten.
    let rewrite = zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE payment_notify SET outcome = 'x'").execute(p).await.map(|r| r.rows_affected()));
    assert!(rewrite.is_err(), "payment_notify is append-only");

    let audit: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'payment.notify_rejected'").fetch_one(p).await)
    .unwrap();
    assert_eq!(
        audit, 5,
        "forged, tampered, unsigned, another seller, unknown order"
    );

    // A different amount, correctly signed, flags the order for refund and moves nothing.
    assert_eq!(
        post_notify(&app, &notify(&alipay, &order_no, "0.01")).await,
        "success"
    );
    assert_eq!(order_status(&app, order_id).await, ("paid".into(), true, 0));
    assert_eq!(fee_events(&app, id).await, 1);
}

async fn futures_all(app: &TestApp, n: &BTreeMap<String, String>, copies: usize) -> Vec<String> {
    let mut tasks = Vec::new();
    for _ in 0..copies {
        let url = app.url("/pay/alipay/notify");
        let body = n.clone();
        tasks.push(tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .form(&body)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Opens the cashier for the applicant's order and presses 付款 there.
async fn pay_at_cashier(app: &TestApp, order_id: i64) {
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
fn client_of(app: &TestApp) -> zc_integrations::alipay::AlipayClient {
    client_at(app, &app.url(GATEWAY_PATH))
}

/// The same client pointed at `gateway`.
fn client_at(app: &TestApp, gateway: &str) -> zc_integrations::alipay::AlipayClient {
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
async fn staff_refund_through_the_gateway_and_see_only_their_own_orders() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    charges_online(&app, id).await;
    let office = passed_by_office(&app, id, "feeoffice").await;
    let (order_id, order_no): (i64, String) = zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT id, order_no FROM payment_order WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();
    pay_at_cashier(&app, order_id).await;

    let doc = html(&office.get("/office/fees").await.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=订单号]"),
        [order_no.as_str()]
    );
    assert_eq!(
        texts(&doc, "#fee-totals"),
        ["共 1 笔 · 已收 50.00 元 · 已退 0.00 元 · 待支付 0.00 元"]
    );

    // Too much is refused beside the field, with what was typed still there.
    let res = office
        .post(
            &format!("/office/fees/{order_id}/refund"),
            &[("amount", "60"), ("reason", "多收退回")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".field-msg"),
        ["退款金额不能超过可退金额50.00元"]
    );
    assert_eq!(attr(&doc, "#f-amount", "value").as_deref(), Some("60"));
    assert_eq!(
        attr(&doc, "#f-reason", "value").as_deref(),
        Some("多收退回")
    );

    // Part, then the rest, through the simulator.
    let res = office
        .post(
            &format!("/office/fees/{order_id}/refund"),
            &[("amount", "20"), ("reason", "多收退回")],
        )
        .await;
    assert_eq!(location(&res), format!("/office/fees/{order_id}"));
    assert_eq!(
        order_status(&app, order_id).await,
        ("partly_refunded".into(), false, 2000)
    );
    office
        .post(
            &format!("/office/fees/{order_id}/refund"),
            &[("amount", "30.00"), ("reason", "不予受理，退回评审费")],
        )
        .await;
    assert_eq!(
        order_status(&app, order_id).await,
        ("refunded".into(), false, 5000)
    );
    let doc = html(
        &office
            .get(&format!("/office/fees/{order_id}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#refunds td[data-label=状态]"),
        ["已退款", "已退款"]
    );
    assert_eq!(texts(&doc, "#order-status"), ["已退款"]);
    let audits: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'payment.refund_done'").fetch_one(p).await)
    .unwrap();
    assert_eq!(audits, 2);

    // The invoice: validated, then shown to the applicant.
    let res = office
        .post(
            &format!("/office/fees/{order_id}/invoice"),
            &[("invoice_number", "12AB"), ("invoice_link", "")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".field-msg"), ["发票号码应为8至20位数字"]);
    office
        .post(
            &format!("/office/fees/{order_id}/invoice"),
            &[
                ("invoice_number", "04400190011112345678"),
                ("invoice_link", ""),
            ],
        )
        .await;
    let (_, doc) = app.get_html("/my/fees").await;
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=开票状态]"),
        ["已开票（04400190011112345678）"]
    );
    assert_eq!(
        texts(&doc, "#fee-table td[data-label=支付状态]"),
        ["已退款"]
    );

    // Reconciliation against the simulator's bill of the day: in step, then a difference.
    let staff: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT id FROM account WHERE login_name = 'feeoffice'").fetch_one(p).await)
    .unwrap();
    let actor = zc_services::accounts::Actor {
        account_id: Some(staff),
        role: Some(zc_domain::Role::OfficeStaff),
        ip: None,
    };
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    let gateway = client_of(&app);
    let found = zc_services::payments::refunds::reconcile(&app.db, &gateway, actor, today)
        .await
        .unwrap();
    assert_eq!(found, 0, "the bill and our orders agree");
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE payment_order SET amount_fen = 4000 WHERE id = $1")
        .bind(order_id).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let found = zc_services::payments::refunds::reconcile(&app.db, &gateway, actor, today)
        .await
        .unwrap();
    assert_eq!(found, 1);
    let doc = html(&office.get("/office/fees").await.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#differences td[data-label=说明]"),
        ["金额不符：本平台40.00元，支付宝50.00元"]
    );

    // Another 职改办 sees none of it; an applicant cannot open someone's order by number.
    let other = spawn_second_browser(&app).await;
    other.login_as(&app, "zhigaiban").await;
    let doc = html(&other.get("/office/fees").await.text().await.unwrap());
    assert!(texts(&doc, "#fee-table td[data-label=订单号]").is_empty());
    assert_ne!(
        other
            .get(&format!("/office/fees/{order_id}"))
            .await
            .status(),
        StatusCode::OK
    );
    let res = app
        .post_form(&format!("/my/fees/{}/pay", order_id + 1000), &[])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_sweep_settles_a_lost_notify_and_closes_orders_whose_window_ended() {
    let app = spawn_app().await;
    let (id, order_id, _) = awaiting_fee(&app).await;
    let gateway = client_of(&app);

    // Opened, never paid: after the cashier expired the sweep closes the trade and the
    // order can be paid again with a new trade number.
    app.post_form(&format!("/my/fees/{order_id}/pay"), &[])
        .await;
    let later = chrono::Utc::now() + chrono::Duration::minutes(40);
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE payment_order SET trade_started = $2 WHERE id = $1")
        .bind(order_id).bind(chrono::Utc::now() - chrono::Duration::minutes(40)).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let report = zc_services::payments::sweep::run(&app.db, &gateway, later)
        .await
        .unwrap();
    assert_eq!(report.reopened, 1, "{report:?}");
    assert_eq!(order_status(&app, order_id).await.0, "pending");
    let doc = html(
        &app.post_form(&format!("/my/fees/{order_id}/pay"), &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    let biz = cashier_fields(&doc)
        .into_iter()
        .find(|(k, _)| k == "biz_content")
        .unwrap()
        .1;
    assert!(biz.contains("_2\""), "a new trade number: {biz}");

    // The window ends: the order closes and the dossier follows the state machine.
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE payment_order SET pay_before = $2 WHERE id = $1")
        .bind(order_id).bind(chrono::Utc::now() - chrono::Duration::minutes(1)).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let report = zc_services::payments::sweep::run(&app.db, &gateway, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(report.closed, 1, "{report:?}");
    assert_eq!(order_status(&app, order_id).await.0, "closed");
    assert_eq!(status(&app, id).await, "fee_overdue");
    let res = app
        .post_form(&format!("/my/fees/{order_id}/pay"), &[])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#fee-error"), ["该订单已关闭，不能再支付"]);

    // Money that arrives after the close is kept on record and flagged for refund.
    let no: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT out_trade_no FROM payment_order WHERE id = $1").bind(order_id).fetch_one(p).await)
    .unwrap();
    assert_eq!(
        post_notify(&app, &notify(&simulator_key(&app), &no, "50.00")).await,
        "success"
    );
    assert_eq!(
        order_status(&app, order_id).await,
        ("closed".into(), true, 0)
    );
    assert_eq!(status(&app, id).await, "fee_overdue");
}

#[tokio::test]
async fn a_gateway_that_is_down_leaves_a_clear_message_and_the_order_open() {
    let app = spawn_app().await;
    let (_, order_id, _) = awaiting_fee(&app).await;
    app.post_form(&format!("/my/fees/{order_id}/pay"), &[])
        .await;
    // A gateway on a closed port: the query sweep leaves the order as it is.
    let down = client_at(&app, "http://127.0.0.1:9/gateway.do");
    let later = chrono::Utc::now() + chrono::Duration::minutes(40);
    let report = zc_services::payments::sweep::run(&app.db, &down, later)
        .await
        .unwrap();
    assert_eq!(report.unreachable, 1, "{report:?}");
    assert_eq!(order_status(&app, order_id).await.0, "paying");
    let err = zc_services::payments::orders::confirm(
        &app.db,
        &down,
        account_of(&app, order_id).await,
        order_id,
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "支付宝暂时无法连接，请稍后再试。您的订单已保留，稍后可再次点击“立即支付”"
    );
}

async fn account_of(app: &TestApp, order_id: i64) -> i64 {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT account_id FROM payment_order WHERE id = $1").bind(order_id).fetch_one(p).await)
    .unwrap()
}
