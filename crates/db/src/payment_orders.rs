//! 缴费订单 — payment orders, the gateway trades sent for them, and their refunds. Every
//! status change is compare-and-set on the status the caller read.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, memo::Forget, with_pool, with_tx};

/// An order with what its lists show.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: i64,
    pub order_no: Option<String>,
    pub account_id: i64,
    pub application_id: Option<i64>,
    pub office_id: i64,
    pub committee_id: Option<i64>,
    pub fee_item_id: Option<i64>,
    pub item_name: String,
    pub amount_fen: i64,
    pub status: String,
    pub pay_before: DateTime<Utc>,
    pub channel: String,
    pub out_trade_no: Option<String>,
    pub trade_started: Option<DateTime<Utc>>,
    pub trade_no: String,
    pub paid_at: Option<DateTime<Utc>>,
    pub refunded_fen: i64,
    pub refund_due: bool,
    pub invoice_number: String,
    pub invoice_link: String,
    pub created_at: DateTime<Utc>,
    /// The payer's name (from the applicant record).
    pub payer_name: Option<String>,
}

const SELECT: &str = "SELECT o.id, o.order_no, o.account_id, o.application_id, o.office_id, \
     o.committee_id, o.fee_item_id, o.item_name, o.amount_fen, o.status, o.pay_before, \
     o.channel, o.out_trade_no, o.trade_started, o.trade_no, o.paid_at, o.refunded_fen, \
     o.refund_due, o.invoice_number, o.invoice_link, o.created_at, p.name AS payer_name \
     FROM payment_order o LEFT JOIN applicant p ON p.account_id = o.account_id";

/// An order by id.
pub async fn find(conn: impl Into<crate::Conn<'_>>, id: i64) -> DbResult<Option<OrderRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE o.id = $1"));
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// The order a gateway trade was sent for (any of its trades, not only the latest).
pub async fn find_by_trade(
    conn: impl Into<crate::Conn<'_>>,
    out_trade_no: &str,
) -> DbResult<Option<OrderRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE o.id = (SELECT order_id FROM payment_trade WHERE out_trade_no = $1)"
    ));
    Ok(
        crate::with_conn!(conn, p => sqlx::query_as(sql).bind(out_trade_no).fetch_optional(p).await)?,
    )
}

/// The orders of a dossier, oldest first.
pub async fn of_application(
    conn: impl Into<crate::Conn<'_>>,
    application_id: i64,
) -> DbResult<Vec<OrderRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE o.application_id = $1 ORDER BY o.id"
    ));
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(application_id).fetch_all(p).await)?)
}

/// A payer's orders still waiting for money (待支付 or 支付中), for the 去缴费 buttons.
pub async fn open_of_payer(
    conn: impl Into<crate::Conn<'_>>,
    account_id: i64,
) -> DbResult<Vec<OrderRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE o.account_id = $1 AND o.status IN ('pending', 'paying') ORDER BY o.id"
    ));
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(account_id).fetch_all(p).await)?)
}

/// An order to create.
#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    pub account_id: i64,
    pub application_id: Option<i64>,
    pub office_id: i64,
    pub committee_id: Option<i64>,
    pub fee_item_id: Option<i64>,
    pub item_name: &'a str,
    pub amount_fen: i64,
    pub status: &'a str,
    pub pay_before: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// Creates an order inside `tx` without its number yet; its id (the number is made from
/// it, see [`set_number`]).
pub async fn insert(tx: &mut Tx, o: &NewOrder<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO payment_order (account_id, application_id, office_id, committee_id, \
               fee_item_id, item_name, amount_fen, status, pay_before, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id";
    let id = with_tx!(tx, c => sqlx::query_scalar(sql).bind(o.account_id).bind(o.application_id)
        .bind(o.office_id).bind(o.committee_id).bind(o.fee_item_id).bind(o.item_name)
        .bind(o.amount_fen).bind(o.status).bind(o.pay_before).bind(o.created_at)
        .fetch_one(&mut **c).await)?;
    // The payer's home shows the order's deadline.
    tx.forget_on_commit(Forget::Home(o.account_id)).await?;
    Ok(id)
}

/// Gives an order its number inside `tx`.
pub async fn set_number(tx: &mut Tx, id: i64, order_no: &str) -> DbResult<()> {
    let sql = "UPDATE payment_order SET order_no = $2 WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(id).bind(order_no).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Moves an order from `from` to `to` inside `tx`; false when its status was no longer
/// `from` (someone else moved it first).
pub async fn set_status(tx: &mut Tx, id: i64, from: &str, to: &str) -> DbResult<bool> {
    let sql = "UPDATE payment_order SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2 \
               RETURNING account_id";
    let payer = with_tx!(tx, c => sqlx::query_scalar(sql).bind(id).bind(from).bind(to)
        .bind(tx.clock.now()).fetch_optional(&mut **c).await)?;
    tx.forget_home_of(payer).await
}

/// Records a new gateway trade for an order inside `tx` and makes it the current one.
pub async fn start_trade(
    tx: &mut Tx,
    id: i64,
    out_trade_no: &str,
    channel: &str,
    at: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO payment_trade (out_trade_no, order_id, created_at) VALUES ($1, $2, $3)";
    with_tx!(tx, c => sqlx::query(sql).bind(out_trade_no).bind(id).bind(at).execute(&mut **c)
        .await.map(|r| r.rows_affected()))?;
    let sql = "UPDATE payment_order SET out_trade_no = $2, trade_started = $3, channel = $4, \
               updated_at = $3 WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(id).bind(out_trade_no).bind(at).bind(channel)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many trades an order has had, inside `tx`.
pub async fn trade_count(tx: &mut Tx, id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM payment_trade WHERE order_id = $1";
    Ok(with_tx!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_one(&mut **c).await)?)
}

/// Marks an order paid inside `tx`, compare-and-set on `from`; false when it had moved.
pub async fn mark_paid(
    tx: &mut Tx,
    id: i64,
    from: &str,
    trade_no: &str,
    channel: &str,
    paid_at: DateTime<Utc>,
) -> DbResult<bool> {
    let sql = "UPDATE payment_order SET status = 'paid', trade_no = $3, channel = $4, \
               paid_at = $5, updated_at = $6 WHERE id = $1 AND status = $2 RETURNING account_id";
    let payer = with_tx!(tx, c => sqlx::query_scalar(sql).bind(id).bind(from).bind(trade_no)
        .bind(channel).bind(paid_at).bind(tx.clock.now()).fetch_optional(&mut **c).await)?;
    tx.forget_home_of(payer).await
}

/// Flags (or clears) an order for refund inside `tx`, keeping the gateway's trade number.
pub async fn set_refund_due(tx: &mut Tx, id: i64, due: bool, trade_no: &str) -> DbResult<()> {
    let sql = "UPDATE payment_order SET refund_due = $2, \
               trade_no = CASE WHEN trade_no = '' THEN $3 ELSE trade_no END, updated_at = $4 \
               WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(id).bind(due).bind(trade_no).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records the invoice inside `tx`.
pub async fn set_invoice(tx: &mut Tx, id: i64, number: &str, link: &str) -> DbResult<()> {
    let sql = "UPDATE payment_order SET invoice_number = $2, invoice_link = $3, updated_at = $4 \
               WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(id).bind(number).bind(link).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Open orders (待支付/支付中) whose window ended before `now`, oldest first.
pub async fn window_ended(db: &Db, now: DateTime<Utc>, limit: i64) -> DbResult<Vec<OrderRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE o.status IN ('pending', 'paying') AND o.pay_before <= $1 \
         ORDER BY o.id LIMIT CAST($2 AS BIGINT)"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(now).bind(limit).fetch_all(p).await)?)
}

/// Orders 支付中 whose trade started before `before`: the gateway is asked about them.
pub async fn paying_since(db: &Db, before: DateTime<Utc>, limit: i64) -> DbResult<Vec<OrderRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE o.status = 'paying' AND o.trade_started <= $1 ORDER BY o.id LIMIT CAST($2 AS BIGINT)"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(before).bind(limit).fetch_all(p).await)?)
}

/// Whose orders a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderScope {
    /// An applicant's own orders.
    Payer(i64),
    /// Every order of a 职改办's dossiers.
    Office(i64),
    /// Every order of a committee's dossiers.
    Committee(i64),
}

impl OrderScope {
    fn condition(self) -> (&'static str, i64) {
        match self {
            Self::Payer(id) => ("o.account_id = $1", id),
            Self::Office(id) => ("o.office_id = $1", id),
            Self::Committee(id) => ("o.committee_id = $1", id),
        }
    }
}

/// A list filter; empty means any.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Part of the order number.
    pub order_no: String,
    /// Part of the 支付流水号.
    pub trade_no: String,
    pub status: String,
    pub channel: String,
    /// Part of the 费用事项.
    pub item: String,
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    /// Only orders flagged for refund.
    pub refund_due: bool,
}

fn where_clause(scope: OrderScope) -> String {
    format!(
        "WHERE {} AND ($2 = '' OR o.order_no LIKE $2) AND ($3 = '' OR o.trade_no LIKE $3) \
         AND ($4 = '' OR o.status = $4) AND ($5 = '' OR o.channel = $5) \
         AND ($6 = '' OR o.item_name LIKE $6) AND ($7 IS NULL OR o.created_at >= $7) \
         AND ($8 IS NULL OR o.created_at < $8) AND ($9 = FALSE OR o.refund_due)",
        scope.condition().0
    )
}

fn contains(part: &str) -> String {
    let part = part.trim();
    if part.is_empty() {
        String::new()
    } else {
        format!("%{}%", part.replace(['%', '_'], ""))
    }
}

macro_rules! bind_filter {
    ($q:expr, $scope:expr, $f:expr) => {{
        let f: &OrderFilter = $f;
        $q.bind($scope.condition().1)
            .bind(contains(&f.order_no))
            .bind(contains(&f.trade_no))
            .bind(f.status.clone())
            .bind(f.channel.clone())
            .bind(contains(&f.item))
            .bind(f.created_from)
            .bind(f.created_before)
            .bind(f.refund_due)
    }};
}

/// A page of orders, newest first.
pub async fn list(
    db: &Db,
    scope: OrderScope,
    filter: &OrderFilter,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<OrderRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} {} ORDER BY o.created_at DESC, o.id DESC LIMIT CAST($10 AS BIGINT) OFFSET $11",
        where_clause(scope)
    ));
    Ok(
        with_pool!(db, p => bind_filter!(sqlx::query_as(sql), scope, filter)
        .bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// The totals of the orders a filter matches.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct OrderTotals {
    pub count: i64,
    /// Received (paid, then perhaps refunded).
    pub received_fen: i64,
    pub refunded_fen: i64,
    /// Still open (待支付/支付中).
    pub open_fen: i64,
}

/// Counts and sums what `filter` matches.
pub async fn totals(db: &Db, scope: OrderScope, filter: &OrderFilter) -> DbResult<OrderTotals> {
    let sql = sqlx::AssertSqlSafe(format!(
        // PostgreSQL sums BIGINT as NUMERIC: cast back so both backends give i64.
        "SELECT COUNT(*) AS count, \
         CAST(COALESCE(SUM(CASE WHEN o.status IN ('paid', 'partly_refunded', 'refunded') \
           THEN o.amount_fen ELSE 0 END), 0) AS BIGINT) AS received_fen, \
         CAST(COALESCE(SUM(o.refunded_fen), 0) AS BIGINT) AS refunded_fen, \
         CAST(COALESCE(SUM(CASE WHEN o.status IN ('pending', 'paying') THEN o.amount_fen ELSE 0 END), 0) \
           AS BIGINT) AS open_fen \
         FROM payment_order o {}",
        where_clause(scope)
    ));
    Ok(with_pool!(db, p => bind_filter!(sqlx::query_as(sql), scope, filter).fetch_one(p).await)?)
}

/// A refund.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RefundRow {
    pub id: i64,
    pub order_id: i64,
    pub out_request_no: String,
    pub amount_fen: i64,
    pub reason: String,
    pub status: String,
    pub staff_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

/// The refunds of an order, oldest first.
pub async fn refunds_of(
    conn: impl Into<crate::Conn<'_>>,
    order_id: i64,
) -> DbResult<Vec<RefundRow>> {
    let sql = "SELECT id, order_id, out_request_no, amount_fen, reason, status, staff_id, \
               created_at, settled_at FROM payment_refund WHERE order_id = $1 ORDER BY id";
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(order_id).fetch_all(p).await)?)
}

/// Records a refund request inside `tx`; its id.
pub async fn insert_refund(
    tx: &mut Tx,
    order_id: i64,
    out_request_no: &str,
    amount_fen: i64,
    reason: &str,
    staff_id: Option<i64>,
) -> DbResult<i64> {
    let sql = "INSERT INTO payment_refund (order_id, out_request_no, amount_fen, reason, status, \
               staff_id, created_at) VALUES ($1, $2, $3, $4, 'requested', $5, $6) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(order_id).bind(out_request_no)
        .bind(amount_fen).bind(reason).bind(staff_id).bind(tx.clock.now()).fetch_one(&mut **c).await)?,
    )
}

/// Settles a requested refund inside `tx` as `done` or `failed`; false when it was not
/// still requested.
pub async fn settle_refund(tx: &mut Tx, id: i64, status: &str) -> DbResult<bool> {
    let sql = "UPDATE payment_refund SET status = $2, settled_at = $3 \
               WHERE id = $1 AND status = 'requested'";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(status).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Adds a confirmed refund to the order inside `tx`, compare-and-set on its status.
pub async fn add_refunded(tx: &mut Tx, id: i64, from: &str, to: &str, fen: i64) -> DbResult<bool> {
    let sql = "UPDATE payment_order SET refunded_fen = refunded_fen + $4, status = $3, \
               refund_due = FALSE, updated_at = $5 WHERE id = $1 AND status = $2 \
               AND refunded_fen + $4 <= amount_fen RETURNING account_id";
    let payer = with_tx!(tx, c => sqlx::query_scalar(sql).bind(id).bind(from).bind(to).bind(fen)
        .bind(tx.clock.now()).fetch_optional(&mut **c).await)?;
    tx.forget_home_of(payer).await
}
