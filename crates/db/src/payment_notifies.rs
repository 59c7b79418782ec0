//! 支付通知记录 — every notify the gateway sent, as received, with what we made of it;
//! append-only (the database refuses updates and deletes). Also the reconciliation
//! differences found against the gateway's daily bill.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Db, DbResult, with_pool};

/// A notify as received.
#[derive(Debug, Clone)]
pub struct NewNotify<'a> {
    pub out_trade_no: &'a str,
    pub notify_id: &'a str,
    pub trade_status: &'a str,
    pub verified: bool,
    /// What was done: `paid`, `duplicate`, `forged`, `amount_mismatch`, …
    pub outcome: &'a str,
    /// The body exactly as posted.
    pub raw: &'a str,
}

/// Appends a notify. Written on its own (not in the settling transaction) so that even a
/// notify whose handling failed is on record.
pub async fn append(db: &Db, n: &NewNotify<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO payment_notify (received_at, out_trade_no, notify_id, trade_status, \
               verified, outcome, raw) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(db.now()).bind(n.out_trade_no)
        .bind(n.notify_id).bind(n.trade_status).bind(n.verified).bind(n.outcome).bind(n.raw)
        .fetch_one(p).await)?,
    )
}

/// A recorded notify.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotifyRow {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub out_trade_no: String,
    pub notify_id: String,
    pub trade_status: String,
    pub verified: bool,
    pub outcome: String,
}

/// The notifies received for the trades of an order, oldest first.
pub async fn of_order(db: &Db, order_id: i64) -> DbResult<Vec<NotifyRow>> {
    let sql = "SELECT id, received_at, out_trade_no, notify_id, trade_status, verified, outcome \
               FROM payment_notify WHERE out_trade_no IN \
               (SELECT out_trade_no FROM payment_trade WHERE order_id = $1) ORDER BY id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(order_id).fetch_all(p).await)?)
}

/// A difference between the gateway's bill and our orders.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DifferenceRow {
    pub id: i64,
    pub bill_date: NaiveDate,
    pub out_trade_no: String,
    pub kind: String,
    pub detail: String,
    pub created_at: DateTime<Utc>,
}

/// Records a difference once per day, trade and kind; whether it was new.
pub async fn record_difference(
    db: &Db,
    bill_date: NaiveDate,
    out_trade_no: &str,
    kind: &str,
    detail: &str,
) -> DbResult<bool> {
    let sql = "INSERT INTO reconciliation_difference (bill_date, out_trade_no, kind, detail, \
               created_at) VALUES ($1, $2, $3, $4, $5) \
               ON CONFLICT (bill_date, out_trade_no, kind) DO NOTHING";
    let n = with_pool!(db, p => sqlx::query(sql).bind(bill_date).bind(out_trade_no).bind(kind)
        .bind(detail).bind(db.now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The differences of the orders of a 职改办, newest bill first.
pub async fn differences_of_office(
    db: &Db,
    office_id: i64,
    limit: i64,
) -> DbResult<Vec<DifferenceRow>> {
    let sql = "SELECT d.id, d.bill_date, d.out_trade_no, d.kind, d.detail, d.created_at \
               FROM reconciliation_difference d \
               LEFT JOIN payment_trade t ON t.out_trade_no = d.out_trade_no \
               LEFT JOIN payment_order o ON o.id = t.order_id \
               WHERE o.office_id = $1 OR o.id IS NULL ORDER BY d.bill_date DESC, d.id DESC LIMIT CAST($2 AS BIGINT)";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(limit).fetch_all(p).await)?)
}

/// The trades paid (by our records) on a China day, for reconciliation: `(out_trade_no,
/// trade_no, amount_fen)`.
pub async fn paid_between(
    db: &Db,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<Vec<(String, String, i64)>> {
    let sql = "SELECT o.out_trade_no, o.trade_no, o.amount_fen FROM payment_order o \
               WHERE o.paid_at >= $1 AND o.paid_at < $2 AND o.out_trade_no IS NOT NULL";
    let rows: Vec<(Option<String>, String, i64)> =
        with_pool!(db, p => sqlx::query_as(sql).bind(from).bind(until).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, t, a)| o.map(|o| (o, t, a)))
        .collect())
}
