//! 缴费订单 — opening a dossier's orders when it reaches 待缴费, and 立即支付: the signed
//! cashier form, reusing the trade already sent (a double click opens the same cashier)
//! or, once that trade has expired, closing it at the gateway before a new one is issued.

use chrono::{DateTime, Duration, Utc};
use zc_db::{Db, Tx, applications::ApplicationRow, payment_orders::OrderRow};
use zc_domain::{
    TitleLevel,
    calendar::{china_date, china_day_start},
    payment::{Fen, OrderEvent, OrderStatus, next_order_status, order_number},
};

use super::gateway::{CashierForm, GatewayError, PaymentGateway, TradeRequest, TradeState};
use crate::{ServiceError, ServiceResult};

/// How long a cashier stays open (`time_expire`): after this the trade is closed before
/// a new one is issued.
pub const CASHIER_MINUTES: i64 = 30;

/// Opens the orders of a dossier that has just reached 待缴费, inside the transaction that
/// moved it: one per fee item of the year's plan for the dossier's level. Refused (and so
/// the whole move undone) when the plan has no such item or its payment time is over.
#[tracing::instrument(skip_all)]
pub async fn open_for_dossier(
    tx: &mut Tx,
    app: &ApplicationRow,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<i64>> {
    let level = TitleLevel::from_rank(app.level_rank)
        .map(TitleLevel::name)
        .unwrap_or("该级别");
    let plan = match app.committee_id {
        Some(c) => zc_db::review_plans::for_year(&mut *tx, c, app.year).await?,
        // 认定 and 重新确认 pay what their 职改办 charges.
        None => return open_office_fee(tx, app, now).await.map(|id| vec![id]),
    };
    let items: Vec<_> = match &plan {
        Some(p) => zc_db::fee_items::of_plan(&mut *tx, p.id)
            .await?
            .into_iter()
            .filter(|i| i.level_rank.is_none_or(|r| r == app.level_rank))
            .collect(),
        None => Vec::new(),
    };
    if items.is_empty() {
        return Err(ServiceError::refused(
            "no_fee_item",
            format!(
                "评审会设置了网上缴费，但{}年度评审计划没有适用于{level}的收费项目，请联系评审会补充收费项目后再审核",
                app.year
            ),
        ));
    }
    let today = china_date(now);
    let mut ids = Vec::new();
    for item in items {
        if item.pay_until < today {
            return Err(ServiceError::refused(
                "fee_window_over",
                format!(
                    "收费项目「{}」的缴费时间已于{}截止，请评审会调整缴费时间后再审核",
                    item.name, item.pay_until
                ),
            ));
        }
        let id = zc_db::payment_orders::insert(
            tx,
            &zc_db::payment_orders::NewOrder {
                account_id: app.applicant_id,
                application_id: Some(app.id),
                office_id: app.office_id,
                committee_id: app.committee_id,
                fee_item_id: Some(item.id),
                item_name: &item.name,
                amount_fen: item.amount_fen,
                status: OrderStatus::Pending.code(),
                pay_before: china_day_start(item.pay_until + Duration::days(1)),
                created_at: now,
            },
        )
        .await?;
        // The id is unique, so numbers made in the same second (a 批量通过 of thousands in
        // one transaction, several servers) never collide; the sequence grows past three
        // digits as the ids do.
        zc_db::payment_orders::set_number(tx, id, &order_number(now, id as u64)).await?;
        ids.push(id);
    }
    Ok(ids)
}

/// The order of a dossier decided by its 职改办 alone, from the office's 认定 window.
async fn open_office_fee(
    tx: &mut Tx,
    app: &ApplicationRow,
    now: DateTime<Utc>,
) -> ServiceResult<i64> {
    let window = zc_db::recognition::window_of(&mut *tx, app.office_id, app.year)
        .await?
        .filter(|w| w.fee_fen > 0)
        .ok_or_else(|| {
            ServiceError::refused("no_fee_item", "本职改办没有设置网上缴费的收费项目")
        })?;
    let today = china_date(now);
    let pay_until = window.pay_until.filter(|d| *d >= today).ok_or_else(|| {
        ServiceError::refused(
            "fee_window_over",
            "本职改办的缴费时间未设置或已截止，请先在“认定受理与缴费”中调整缴费时间再审核",
        )
    })?;
    let id = zc_db::payment_orders::insert(
        tx,
        &zc_db::payment_orders::NewOrder {
            account_id: app.applicant_id,
            application_id: Some(app.id),
            office_id: app.office_id,
            committee_id: None,
            fee_item_id: None,
            item_name: &window.fee_name,
            amount_fen: window.fee_fen,
            status: OrderStatus::Pending.code(),
            pay_before: china_day_start(pay_until + Duration::days(1)),
            created_at: now,
        },
    )
    .await?;
    zc_db::payment_orders::set_number(tx, id, &order_number(now, id as u64)).await?;
    Ok(id)
}

/// The order, if it is the person's own.
#[tracing::instrument(skip_all)]
pub async fn own(db: &Db, account_id: i64, order_id: i64) -> ServiceResult<OrderRow> {
    zc_db::payment_orders::find(db, order_id)
        .await?
        .filter(|o| o.account_id == account_id)
        .ok_or(ServiceError::NotFound)
}

/// The typed status of a stored order.
pub fn status_of(order: &OrderRow) -> ServiceResult<OrderStatus> {
    OrderStatus::from_code(&order.status).ok_or(ServiceError::NotFound)
}

fn gateway_refusal(e: GatewayError) -> ServiceError {
    tracing::warn!(error = %e, "payment gateway call failed");
    ServiceError::refused(
        "gateway",
        match e {
            GatewayError::Unconfigured => "本平台尚未开通网上支付，请按评审会的要求缴费".into(),
            e => format!("{e}。您的订单已保留，稍后可再次点击“立即支付”"),
        },
    )
}

/// Where the cashier sends the browser back to.
#[derive(Debug, Clone, Copy)]
pub struct ReturnTo<'a> {
    pub return_url: &'a str,
    pub quit_url: &'a str,
}

/// 立即支付: the signed form that opens the cashier for the person's own order.
#[tracing::instrument(skip_all)]
pub async fn pay(
    db: &Db,
    gateway: &dyn PaymentGateway,
    account_id: i64,
    order_id: i64,
    phone: bool,
    back: ReturnTo<'_>,
) -> ServiceResult<CashierForm> {
    let order = own(db, account_id, order_id).await?;
    let status = status_of(&order)?;
    next_order_status(status, OrderEvent::StartPay)
        .map_err(|r| ServiceError::refused("not_payable", r.to_string()))?;
    let now = db.now();
    if now >= order.pay_before {
        return Err(ServiceError::refused(
            "window_over",
            format!(
                "缴费时间已于{}截止，订单将自动关闭",
                china_date(order.pay_before - Duration::seconds(1))
            ),
        ));
    }
    let order_no = order.order_no.clone().ok_or(ServiceError::NotFound)?;
    let expires = |started: DateTime<Utc>| {
        (started + Duration::minutes(CASHIER_MINUTES)).min(order.pay_before)
    };
    // The trade already sent is reused while its cashier is open: a double click, or a
    // second tab, opens the same trade and can pay it only once.
    let reuse = match (status, &order.out_trade_no, order.trade_started) {
        (OrderStatus::Paying, Some(no), Some(started))
            if expires(started) > now + Duration::minutes(1) =>
        {
            Some((no.clone(), expires(started)))
        }
        _ => None,
    };
    let (out_trade_no, expire_at) = match reuse {
        Some(r) => r,
        None => {
            if let (OrderStatus::Paying, Some(old)) = (status, &order.out_trade_no) {
                // Settle or close the abandoned trade before a new number is issued, so
                // one order can never be paid twice.
                match gateway.query(old).await.map_err(gateway_refusal)? {
                    TradeState::Paid { trade_no, amount } => {
                        super::settle::paid(db, &order, &trade_no, amount, "query").await?;
                        return Err(ServiceError::refused("already_paid", "该订单已支付"));
                    }
                    TradeState::WaitBuyerPay => {
                        gateway.close(old).await.map_err(gateway_refusal)?
                    }
                    TradeState::NotExist | TradeState::Closed => {}
                }
            }
            let mut tx = db.begin_write().await?;
            let n = zc_db::payment_orders::trade_count(&mut tx, order.id).await?;
            let out_trade_no = if n == 0 {
                order_no.clone()
            } else {
                format!("{order_no}_{}", n + 1)
            };
            zc_db::payment_orders::start_trade(
                &mut tx,
                order.id,
                &out_trade_no,
                gateway.channel(),
                now,
            )
            .await?;
            if !zc_db::payment_orders::set_status(
                &mut tx,
                order.id,
                status.code(),
                OrderStatus::Paying.code(),
            )
            .await?
            {
                return Err(ServiceError::refused(
                    "moved",
                    "订单状态已经变化，请刷新后查看",
                ));
            }
            tx.commit().await?;
            (out_trade_no, expires(now))
        }
    };
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let time_expire = expire_at
        .with_timezone(&china)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    gateway
        .cashier_form(&TradeRequest {
            out_trade_no: &out_trade_no,
            amount: Fen(order.amount_fen),
            subject: &order.item_name,
            phone,
            return_url: back.return_url,
            quit_url: back.quit_url,
            time_expire: &time_expire,
        })
        .map_err(gateway_refusal)
}

/// After the cashier: asks the gateway (the return parameters are never trusted) and
/// settles the order when it says paid; the order as it now stands.
#[tracing::instrument(skip_all)]
pub async fn confirm(
    db: &Db,
    gateway: &dyn PaymentGateway,
    account_id: i64,
    order_id: i64,
) -> ServiceResult<OrderRow> {
    let order = own(db, account_id, order_id).await?;
    if let (OrderStatus::Paying, Some(no)) = (status_of(&order)?, &order.out_trade_no)
        && let TradeState::Paid { trade_no, amount } =
            gateway.query(no).await.map_err(gateway_refusal)?
    {
        super::settle::paid(db, &order, &trade_no, amount, "query").await?;
    }
    own(db, account_id, order_id).await
}
