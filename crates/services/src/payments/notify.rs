//! 异步通知 — the gateway's notify: recorded raw in the append-only log whatever happens,
//! believed only when the signature, `app_id`, order, amount and seller all check out,
//! and answered `success` only once it has been acted on (otherwise the gateway retries).

use std::collections::BTreeMap;

use zc_db::{Db, payment_notifies::NewNotify};
use zc_domain::payment::Fen;

use super::{
    gateway::PaymentGateway,
    settle::{Settled, paid, system},
};
use crate::ServiceResult;

/// The exact answer the gateway waits for.
pub const SUCCESS: &str = "success";
/// Anything else makes it retry.
pub const FAILURE: &str = "failure";

/// Handles one notify; the body to answer with.
#[tracing::instrument(skip_all)]
pub async fn handle(
    db: &Db,
    gateway: &dyn PaymentGateway,
    raw: &str,
    params: &BTreeMap<String, String>,
) -> ServiceResult<&'static str> {
    let field = |k: &str| params.get(k).cloned().unwrap_or_default();
    let (outcome, answer): (String, &'static str) = match gateway.verify_notify(params) {
        Err(why) => {
            let object = format!("payment_trade:{}", field("out_trade_no"));
            let detail = format!("拒收支付通知：{why}");
            zc_db::audit::record(
                db,
                &system().event("payment.notify_rejected", &object, &detail),
            )
            .await?;
            (format!("rejected: {why}"), FAILURE)
        }
        Ok(n) => match zc_db::payment_orders::find_by_trade(db, &n.out_trade_no).await? {
            None => {
                let object = format!("payment_trade:{}", n.out_trade_no);
                zc_db::audit::record(
                    db,
                    &system().event("payment.notify_rejected", &object, "没有这个订单"),
                )
                .await?;
                ("unknown_order".into(), FAILURE)
            }
            Some(_) if n.seller_id != gateway.seller_id() => {
                let object = format!("payment_trade:{}", n.out_trade_no);
                zc_db::audit::record(
                    db,
                    &system().event("payment.notify_rejected", &object, "收款方不是本平台"),
                )
                .await?;
                ("other_seller".into(), FAILURE)
            }
            Some(order) => match n.trade_status.as_str() {
                "TRADE_SUCCESS" | "TRADE_FINISHED" => {
                    let amount = Fen::parse_yuan(&n.total_amount).unwrap_or(Fen(-1));
                    match paid(db, &order, &n.trade_no, amount, "notify").await {
                        Ok(Settled::Paid) => ("paid".into(), SUCCESS),
                        Ok(Settled::Duplicate) => ("duplicate".into(), SUCCESS),
                        Ok(Settled::RefundDue) => ("refund_due".into(), SUCCESS),
                        Err(e) => {
                            // Not settled (the database was busy): the gateway will retry.
                            tracing::warn!(error = ?e, "notify could not be settled");
                            ("error".into(), FAILURE)
                        }
                    }
                }
                other => (format!("noted: {other}"), SUCCESS),
            },
        },
    };
    zc_db::payment_notifies::append(
        db,
        &NewNotify {
            out_trade_no: &field("out_trade_no"),
            notify_id: &field("notify_id"),
            trade_status: &field("trade_status"),
            verified: !outcome.starts_with("rejected"),
            outcome: &outcome,
            raw,
        },
    )
    .await?;
    Ok(answer)
}
