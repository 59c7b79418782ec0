//! 缴费管理 — what 职改办 and committee staff do with orders: see their own (a 职改办 the
//! orders of its dossiers, a committee those of its committee), refund with a reason,
//! record the invoice, and compare a day's orders with the gateway's bill. Every action
//! is audited.

use chrono::{Duration, NaiveDate};
use zc_db::{
    Db,
    payment_orders::{OrderRow, OrderScope},
};
use zc_domain::{
    Role,
    calendar::china_day_start,
    payment::{Fen, OrderEvent, OrderStatus, next_order_status},
};

use super::gateway::{GatewayError, PaymentGateway};
use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// The orders a staff member may see.
#[tracing::instrument(skip_all)]
pub async fn scope_of(db: &Db, staff_id: i64) -> ServiceResult<OrderScope> {
    let staff = zc_db::accounts::find(db, staff_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let org = staff.org_id.ok_or(ServiceError::NotFound)?;
    match (Role::from_code(&staff.role), staff.org_kind.as_deref()) {
        (Some(Role::OfficeStaff), Some("office")) => Ok(OrderScope::Office(org)),
        (Some(Role::CommitteeStaff), Some("committee")) => Ok(OrderScope::Committee(org)),
        _ => Err(ServiceError::NotFound),
    }
}

/// An order in the staff member's scope.
#[tracing::instrument(skip_all)]
pub async fn in_scope(db: &Db, staff_id: i64, order_id: i64) -> ServiceResult<OrderRow> {
    let scope = scope_of(db, staff_id).await?;
    zc_db::payment_orders::find(db, order_id)
        .await?
        .filter(|o| match scope {
            OrderScope::Office(id) => o.office_id == id,
            OrderScope::Committee(id) => o.committee_id == Some(id),
            OrderScope::Payer(id) => o.account_id == id,
        })
        .ok_or(ServiceError::NotFound)
}

fn gateway_refused(e: GatewayError) -> ServiceError {
    ServiceError::refused(
        "gateway",
        format!("{e}。退款申请已保留，可稍后再次点击退款"),
    )
}

/// Refunds `amount` of a paid order with a reason; the order as it now stands. A refund
/// the gateway did not confirm stays requested and is sent again, with the same request
/// number, by the next attempt (the gateway refunds a request number once).
#[tracing::instrument(skip_all)]
pub async fn refund(
    db: &Db,
    gateway: &dyn PaymentGateway,
    actor: Actor<'_>,
    order_id: i64,
    amount: &str,
    reason: &str,
) -> ServiceResult<OrderRow> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let order = in_scope(db, staff_id, order_id).await?;
    let status = OrderStatus::from_code(&order.status).ok_or(ServiceError::NotFound)?;
    let left = Fen(order.amount_fen - order.refunded_fen);
    let mut errors = FieldErrors::default();
    let amount = match Fen::parse_yuan(amount) {
        Ok(a) if a > left => {
            errors.add("amount", format!("退款金额不能超过可退金额{left}元"));
            None
        }
        Ok(a) => Some(a),
        Err(e) => {
            errors.add("amount", e.to_string());
            None
        }
    };
    let reason = reason.trim();
    if reason.chars().count() < 2 || reason.chars().count() > 200 {
        errors.add(
            "reason",
            "请填写退款原因（2至200字），例如“不予受理，退回评审费”",
        );
    }
    errors.into_result()?;
    let amount = amount.ok_or(ServiceError::NotFound)?;
    let in_full = amount == left;
    next_order_status(status, OrderEvent::Refund { in_full })
        .map_err(|r| ServiceError::refused("not_refundable", r.to_string()))?;
    let out_trade_no = order.out_trade_no.clone().ok_or(ServiceError::NotFound)?;
    let order_no = order.order_no.clone().unwrap_or_default();
    let pending = zc_db::payment_orders::refunds_of(db, order.id)
        .await?
        .into_iter()
        .find(|r| r.status == "requested");
    let (refund_id, request_no, amount) = match pending {
        Some(r) => (r.id, r.out_request_no, Fen(r.amount_fen)),
        None => {
            let n = zc_db::payment_orders::refunds_of(db, order.id).await?.len() + 1;
            let request_no = format!("{order_no}R{n}");
            let mut tx = db.begin_write().await?;
            let id = zc_db::payment_orders::insert_refund(
                &mut tx,
                order.id,
                &request_no,
                amount.0,
                reason,
                Some(staff_id),
            )
            .await?;
            let object = format!("payment_order:{}", order.id);
            let detail = format!("申请退款{amount}元：{reason}");
            zc_db::audit::record_in(
                &mut tx,
                &actor.event("payment.refund_request", &object, &detail),
            )
            .await?;
            tx.commit().await?;
            (id, request_no, amount)
        }
    };
    let outcome = gateway
        .refund(&out_trade_no, &request_no, amount, reason)
        .await
        .map_err(gateway_refused)?;
    // `fund_change = N` on a repeated request number: ask whether it went through.
    let done = outcome.done
        || gateway
            .refund_query(&out_trade_no, &request_no)
            .await
            .map_err(gateway_refused)?
            .done;
    if !done {
        return Err(ServiceError::refused(
            "refund_pending",
            "支付宝尚未确认退款，请稍后再次点击退款查询结果",
        ));
    }
    let fresh = zc_db::payment_orders::find(db, order.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let from = OrderStatus::from_code(&fresh.status).ok_or(ServiceError::NotFound)?;
    let in_full = fresh.refunded_fen + amount.0 >= fresh.amount_fen;
    let to = next_order_status(from, OrderEvent::Refund { in_full })
        .map_err(|r| ServiceError::refused("not_refundable", r.to_string()))?;
    let mut tx = db.begin_write().await?;
    if zc_db::payment_orders::settle_refund(&mut tx, refund_id, "done").await? {
        zc_db::payment_orders::add_refunded(&mut tx, order.id, from.code(), to.code(), amount.0)
            .await?;
        let object = format!("payment_order:{}", order.id);
        let detail = format!("退款{amount}元已到账（{request_no}）");
        zc_db::audit::record_in(
            &mut tx,
            &actor.event("payment.refund_done", &object, &detail),
        )
        .await?;
        let text = format!(
            "您的订单{order_no}（{}）已退款{amount}元，原因：{reason}。款项将原路退回支付宝账户。",
            order.item_name
        );
        crate::messages::notify_person(
            &mut tx,
            order.account_id,
            "退款通知",
            &text,
            "/my/fees",
            &text,
        )
        .await?;
    }
    tx.commit().await?;
    zc_db::payment_orders::find(db, order.id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Records (or corrects) the invoice of a paid order.
#[tracing::instrument(skip_all)]
pub async fn set_invoice(
    db: &Db,
    actor: Actor<'_>,
    order_id: i64,
    number: &str,
    link: &str,
) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let order = in_scope(db, staff_id, order_id).await?;
    let (number, link) = (number.trim(), link.trim());
    let mut errors = FieldErrors::default();
    if !OrderStatus::from_code(&order.status).is_some_and(OrderStatus::money_received) {
        errors.add("invoice_number", "订单尚未支付，不能开票");
    } else if !(number.len() >= 8
        && number.len() <= 20
        && number.bytes().all(|b| b.is_ascii_digit()))
    {
        errors.add("invoice_number", "发票号码应为8至20位数字");
    }
    if !link.is_empty()
        && !(link.len() <= 500 && (link.starts_with("https://") || link.starts_with("http://")))
    {
        errors.add(
            "invoice_link",
            "电子发票链接应以 https:// 开头，不超过500个字符",
        );
    }
    errors.into_result()?;
    let mut tx = db.begin_write().await?;
    zc_db::payment_orders::set_invoice(&mut tx, order.id, number, link).await?;
    let object = format!("payment_order:{}", order.id);
    let detail = format!("开票：{number}");
    zc_db::audit::record_in(&mut tx, &actor.event("payment.invoice", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// Compares a China day's bill with our paid orders and records the differences; how
/// many new ones were found.
#[tracing::instrument(skip_all)]
pub async fn reconcile(
    db: &Db,
    gateway: &dyn PaymentGateway,
    actor: Actor<'_>,
    day: &str,
    today: NaiveDate,
) -> ServiceResult<(NaiveDate, usize)> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    if !matches!(scope_of(db, staff_id).await?, OrderScope::Office(_)) {
        return Err(ServiceError::NotFound);
    }
    let day = match NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d") {
        Err(_) => {
            return Err(FieldErrors::one(
                "day",
                "请按“年-月-日”填写账单日期，例如 2026-11-29",
            ));
        }
        // Alipay makes a day's bill the next morning.
        Ok(d) if d >= today => {
            return Err(FieldErrors::one(
                "day",
                "只能核对今天以前的账单（支付宝次日生成前一天的账单）",
            ));
        }
        Ok(d) => d,
    };
    let bill = gateway
        .bill(day)
        .await
        .map_err(|e| ServiceError::refused("gateway", format!("{e}。请稍后再次对账")))?;
    let ours = zc_db::payment_notifies::paid_between(
        db,
        china_day_start(day),
        china_day_start(day + Duration::days(1)),
    )
    .await?;
    let mut found = 0;
    for line in &bill {
        let detail = match ours.iter().find(|(o, _, _)| *o == line.out_trade_no) {
            None => Some((
                "missing_here",
                format!(
                    "支付宝有收款{}元（{}），本平台没有对应的已支付订单",
                    line.amount, line.trade_no
                ),
            )),
            Some((_, _, fen)) if *fen != line.amount.0 => Some((
                "amount",
                format!("金额不符：本平台{}元，支付宝{}元", Fen(*fen), line.amount),
            )),
            Some(_) => None,
        };
        if let Some((kind, text)) = detail
            && zc_db::payment_notifies::record_difference(db, day, &line.out_trade_no, kind, &text)
                .await?
        {
            found += 1;
        }
    }
    for (out_trade_no, trade_no, fen) in &ours {
        if !bill.iter().any(|l| &l.out_trade_no == out_trade_no) {
            let text = format!(
                "本平台记为已支付{}元（{}），支付宝账单中没有",
                Fen(*fen),
                trade_no
            );
            if zc_db::payment_notifies::record_difference(
                db,
                day,
                out_trade_no,
                "missing_there",
                &text,
            )
            .await?
            {
                found += 1;
            }
        }
    }
    let detail = format!(
        "{day} 对账：支付宝{}笔，本平台{}笔，新差异{found}条",
        bill.len(),
        ours.len()
    );
    zc_db::audit::record(
        db,
        &actor.event("payment.reconcile", "payment_bill", &detail),
    )
    .await?;
    Ok((day, found))
}
