//! 订单巡检 — run by the periodic sweep on every server (each step is compare-and-set, so
//! several running at once change each order once): asks the gateway about orders left
//! 支付中 (the person closed the tab, the notify was lost, the gateway was down), closes
//! expired cashiers, and closes orders whose payment time is over.

use chrono::{DateTime, Duration, Utc};
use zc_db::{Db, payment_orders::OrderRow};
use zc_domain::payment::{OrderEvent, OrderStatus, next_order_status};

use super::{
    gateway::{PaymentGateway, TradeState},
    orders::CASHIER_MINUTES,
    settle::{close_overdue, paid},
};
use crate::ServiceResult;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub settled: usize,
    pub reopened: usize,
    pub closed: usize,
    /// Orders the gateway could not be asked about this time.
    pub unreachable: usize,
}

/// Asks the gateway about one 支付中 order and acts on the answer.
async fn check(
    db: &Db,
    gateway: &dyn PaymentGateway,
    order: &OrderRow,
    now: DateTime<Utc>,
    report: &mut SweepReport,
) -> ServiceResult<()> {
    let Some(no) = &order.out_trade_no else {
        return Ok(());
    };
    let state = match gateway.query(no).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, order = order.id, "trade query failed");
            report.unreachable += 1;
            return Ok(());
        }
    };
    let expired = order
        .trade_started
        .is_none_or(|t| t + Duration::minutes(CASHIER_MINUTES) <= now);
    match state {
        TradeState::Paid { trade_no, amount } => {
            paid(db, order, &trade_no, amount, "query").await?;
            report.settled += 1;
        }
        TradeState::WaitBuyerPay | TradeState::NotExist | TradeState::Closed if expired => {
            if state == TradeState::WaitBuyerPay && gateway.close(no).await.is_err() {
                report.unreachable += 1;
                return Ok(());
            }
            if next_order_status(OrderStatus::Paying, OrderEvent::TradeAbandoned).is_ok() {
                let mut tx = db.begin_write().await?;
                if zc_db::payment_orders::set_status(
                    &mut tx,
                    order.id,
                    OrderStatus::Paying.code(),
                    OrderStatus::Pending.code(),
                )
                .await?
                {
                    report.reopened += 1;
                }
                tx.commit().await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// One sweep at `now`.
#[tracing::instrument(skip_all)]
pub async fn run(
    db: &Db,
    gateway: &dyn PaymentGateway,
    now: DateTime<Utc>,
) -> ServiceResult<SweepReport> {
    let mut report = SweepReport::default();
    // A trade is asked about once it had a few minutes to be paid.
    for order in zc_db::payment_orders::paying_since(db, now - Duration::minutes(5), 500).await? {
        check(db, gateway, &order, now, &mut report).await?;
    }
    for order in zc_db::payment_orders::window_ended(db, now, 500).await? {
        if order.status == OrderStatus::Paying.code() {
            // Money may have arrived at the last minute: ask before closing.
            let before = report.settled;
            check(
                db,
                gateway,
                &order,
                now + Duration::minutes(CASHIER_MINUTES),
                &mut report,
            )
            .await?;
            if report.settled > before {
                continue;
            }
            if let Some(no) = &order.out_trade_no
                && gateway.close(no).await.is_err()
            {
                report.unreachable += 1;
                continue;
            }
        }
        let fresh = zc_db::payment_orders::find(db, order.id).await?;
        if let Some(o) = fresh
            && close_overdue(db, &o).await?
        {
            report.closed += 1;
        }
    }
    Ok(report)
}
