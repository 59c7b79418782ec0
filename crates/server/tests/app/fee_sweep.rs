//! 费用 — the sweep: abandoned trades reopened, overdue orders closed with their dossier,
//! money after the close flagged, and a gateway that is down.

use crate::{
    fees::*,
    helpers::{TestApp, html, spawn_app, texts},
    review_chain::status,
};

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
