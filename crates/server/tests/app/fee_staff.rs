//! 费用 — 缴费管理: refunds through the gateway, invoices, reconciliation against the
//! bill, and which staff see which orders.

use reqwest::StatusCode;

use crate::{
    fees::*,
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
    unit_review::{passed_by_office, submitted_application},
};

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
    // The simulator bills today's trades at once, so the service is told tomorrow is today.
    let day = today.to_string();
    let reconcile = || {
        zc_services::payments::refunds::reconcile(
            &app.db,
            &gateway,
            actor,
            &day,
            today + chrono::Duration::days(1),
        )
    };
    let (_, found) = reconcile().await.unwrap();
    assert_eq!(found, 0, "the bill and our orders agree");
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE payment_order SET amount_fen = 4000 WHERE id = $1")
        .bind(order_id).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    let (_, found) = reconcile().await.unwrap();
    assert_eq!(found, 1);
    let doc = html(&office.get("/office/fees").await.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#differences td[data-label=说明]"),
        ["金额不符：本平台40.00元，支付宝50.00元"]
    );

    // The list pages (and a page past the end shows the last one).
    for page in ["/office/fees?page=2", "/office/fees?page=500&per_page=20"] {
        let res = office.get(page).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        let doc = html(&res.text().await.unwrap());
        assert!(
            !texts(&doc, "#fee-table td[data-label=订单号]").is_empty(),
            "{page}"
        );
    }

    // A bill date that is not a past day is refused beside the field, as typed.
    for (typed, why) in [
        ("2026-13-45", "请按“年-月-日”填写账单日期，例如 2026-11-29"),
        (
            today.to_string().as_str(),
            "只能核对今天以前的账单（支付宝次日生成前一天的账单）",
        ),
    ] {
        let res = office
            .post("/office/fees/reconcile", &[("day", typed)])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let doc = html(&res.text().await.unwrap());
        assert_eq!(texts(&doc, "#day-error"), [why]);
        assert_eq!(attr(&doc, "#day", "value").as_deref(), Some(typed));
    }

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
