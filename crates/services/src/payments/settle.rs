//! 入账 — recording a confirmed payment, once, and moving the dossier on. A notify and a
//! query confirming the same trade at once, or the same notify a hundred times, meet at
//! the order's compare-and-set: one writes, the others find it paid.

use zc_db::{Db, payment_orders::OrderRow};
use zc_domain::{
    application::{ApplicationStatus, Event, Party},
    payment::{Fen, OrderEvent, OrderRefusal, OrderStatus, next_order_status},
};

use crate::{
    ServiceResult,
    accounts::Actor,
    decision_record::{Move, move_in},
};

/// What a confirmation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// The order is now paid (and the dossier moved on when nothing else is owed).
    Paid,
    /// It was already paid: nothing changed.
    Duplicate,
    /// Money arrived that cannot be kept (a closed order, a dossier no longer waiting,
    /// a different amount): the order is flagged for refund.
    RefundDue,
}

/// Records that the gateway confirmed `trade_no` for `order` with `amount`.
#[tracing::instrument(skip_all)]
pub async fn paid(
    db: &Db,
    order: &OrderRow,
    trade_no: &str,
    amount: Fen,
    source: &str,
) -> ServiceResult<Settled> {
    let mut tx = db.begin_write().await?;
    let current = zc_db::payment_orders::find(&mut tx, order.id)
        .await?
        .and_then(|o| OrderStatus::from_code(&o.status))
        .ok_or(crate::ServiceError::NotFound)?;
    let object = format!("payment_order:{}", order.id);
    let order_no = order.order_no.clone().unwrap_or_default();
    if amount.0 != order.amount_fen {
        zc_db::payment_orders::set_refund_due(&mut tx, order.id, true, trade_no).await?;
        let detail = format!(
            "{order_no} 金额不符：订单{}元，支付宝{}元（{trade_no}），需退款",
            Fen(order.amount_fen),
            amount
        );
        zc_db::audit::record_in(
            &mut tx,
            &system().event("payment.amount_mismatch", &object, &detail),
        )
        .await?;
        tx.commit().await?;
        return Ok(Settled::RefundDue);
    }
    match next_order_status(current, OrderEvent::Paid) {
        Ok(_) => {}
        Err(OrderRefusal::AlreadyPaid) => return Ok(Settled::Duplicate),
        Err(_) => {
            zc_db::payment_orders::set_refund_due(&mut tx, order.id, true, trade_no).await?;
            let detail = format!("{order_no} 已关闭后收到付款（{trade_no}），需退款");
            zc_db::audit::record_in(
                &mut tx,
                &system().event("payment.paid_after_close", &object, &detail),
            )
            .await?;
            tx.commit().await?;
            return Ok(Settled::RefundDue);
        }
    }
    let channel = if order.channel.is_empty() {
        "支付宝"
    } else {
        order.channel.as_str()
    };
    if !zc_db::payment_orders::mark_paid(
        &mut tx,
        order.id,
        current.code(),
        trade_no,
        channel,
        db.now(),
    )
    .await?
    {
        return Ok(Settled::Duplicate);
    }
    let detail = format!(
        "{order_no} {}元（{trade_no}，{source}）",
        Fen(order.amount_fen)
    );
    zc_db::audit::record_in(&mut tx, &system().event("payment.paid", &object, &detail)).await?;
    let mut outcome = Settled::Paid;
    if let Some(app_id) = order.application_id {
        let app = zc_db::applications::find(&mut tx, app_id)
            .await?
            .ok_or(crate::ServiceError::NotFound)?;
        let still_open = zc_db::payment_orders::of_application(&mut tx, app_id)
            .await?
            .iter()
            .any(|o| {
                o.id != order.id
                    && OrderStatus::from_code(&o.status).is_some_and(OrderStatus::payable)
            });
        let waiting = app.status == ApplicationStatus::AwaitingFee;
        if !waiting {
            // The dossier ended (or moved) while the person paid: the money goes back.
            zc_db::payment_orders::set_refund_due(&mut tx, order.id, true, trade_no).await?;
            outcome = Settled::RefundDue;
        } else if !still_open {
            let opinion = format!(
                "已缴纳{}{}元（支付宝交易号 {trade_no}）",
                order.item_name,
                Fen(order.amount_fen)
            );
            move_in(
                &mut tx,
                &app,
                None,
                Move {
                    event: Event::FeePaid,
                    party: Party::System,
                    step: "缴费",
                    org_name: app.committee_name.as_deref().unwrap_or(""),
                    opinion: &opinion,
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(outcome)
}

/// The platform itself, for audit rows no person caused.
pub fn system() -> Actor<'static> {
    Actor::default()
}

/// Closes an open order whose payment time is over, and moves its dossier to 逾期未缴费
/// through the state machine, in one transaction; false when it had already moved.
#[tracing::instrument(skip_all)]
pub async fn close_overdue(db: &Db, order: &OrderRow) -> ServiceResult<bool> {
    let Some(current) = OrderStatus::from_code(&order.status) else {
        return Ok(false);
    };
    let Ok(to) = next_order_status(current, OrderEvent::Close) else {
        return Ok(false);
    };
    let mut tx = db.begin_write().await?;
    if !zc_db::payment_orders::set_status(&mut tx, order.id, current.code(), to.code()).await? {
        return Ok(false);
    }
    let object = format!("payment_order:{}", order.id);
    let detail = format!(
        "{} 缴费期结束未支付，订单关闭",
        order.order_no.clone().unwrap_or_default()
    );
    zc_db::audit::record_in(
        &mut tx,
        &system().event("payment.window_closed", &object, &detail),
    )
    .await?;
    if let Some(app_id) = order.application_id {
        let app = zc_db::applications::find(&mut tx, app_id)
            .await?
            .ok_or(crate::ServiceError::NotFound)?;
        if app.status == ApplicationStatus::AwaitingFee {
            move_in(
                &mut tx,
                &app,
                None,
                Move {
                    event: Event::FeeWindowClosed,
                    party: Party::System,
                    step: "缴费",
                    org_name: app.committee_name.as_deref().unwrap_or(""),
                    opinion: &format!("缴费期结束仍未缴纳{}，申报终止", order.item_name),
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}
