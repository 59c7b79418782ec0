//! 费用 — payment notifies: forged, tampered, unsigned, another seller, an unknown
//! order, and a hundred copies of a good one at once.

use std::collections::BTreeMap;

use zc_integrations::alipay::{SigningKey, sign::notify_content};

use crate::{
    fees::*,
    helpers::{TestApp, spawn_app},
    review_chain::status,
};

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
