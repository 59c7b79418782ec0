//! 单位信息变更 rows: a unit's request to change its registered details, and the office's
//! decision, which rewrites the unit row in the same transaction.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A change request with the unit's current details beside it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChangeRow {
    pub id: i64,
    pub unit_id: i64,
    pub office_id: i64,
    pub requested_by_name: String,
    pub name: String,
    pub kind: String,
    pub region_code: String,
    pub region_name: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone_sealed: String,
    pub contact_phone_masked: String,
    pub reason: String,
    pub status: String,
    pub decision_note: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub current_name: String,
    pub current_kind: String,
    pub current_region_name: String,
    pub current_address: String,
    pub current_contact_name: String,
    pub current_contact_phone_masked: String,
}

const COLUMNS: &str = "c.id, c.unit_id, c.office_id, a.display_name AS requested_by_name, c.name, \
    c.kind, c.region_code, r.name AS region_name, c.address, c.contact_name, \
    c.contact_phone_sealed, c.contact_phone_masked, c.reason, c.status, c.decision_note, \
    c.decided_at, c.created_at, u.name AS current_name, u.kind AS current_kind, \
    ur.name AS current_region_name, u.address AS current_address, \
    u.contact_name AS current_contact_name, u.contact_phone_masked AS current_contact_phone_masked \
    FROM unit_change c JOIN unit u ON u.id = c.unit_id JOIN account a ON a.id = c.requested_by \
    JOIN region r ON r.code = c.region_code JOIN region ur ON ur.code = u.region_code";

/// A new request.
#[derive(Debug, Clone)]
pub struct NewChange<'a> {
    pub unit_id: i64,
    pub office_id: i64,
    pub requested_by: i64,
    pub name: &'a str,
    pub kind: &'a str,
    pub region_code: &'a str,
    pub address: &'a str,
    pub contact_name: &'a str,
    pub contact_phone_sealed: &'a str,
    pub contact_phone_masked: &'a str,
    pub reason: &'a str,
}

/// Stores a pending request inside `tx`; `None` when the unit already has one waiting.
pub async fn insert(tx: &mut Tx, c: &NewChange<'_>) -> DbResult<Option<i64>> {
    let sql = "INSERT INTO unit_change (unit_id, office_id, requested_by, name, kind, region_code, \
               address, contact_name, contact_phone_sealed, contact_phone_masked, reason, status, \
               created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12) \
               ON CONFLICT DO NOTHING RETURNING id";
    Ok(
        with_tx!(tx, k => sqlx::query_scalar(sql).bind(c.unit_id).bind(c.office_id)
        .bind(c.requested_by).bind(c.name).bind(c.kind).bind(c.region_code).bind(c.address)
        .bind(c.contact_name).bind(c.contact_phone_sealed).bind(c.contact_phone_masked)
        .bind(c.reason).bind(tx.clock.now()).fetch_optional(&mut **k).await)?,
    )
}

/// One request.
pub async fn find(conn: impl Into<crate::Conn<'_>>, id: i64) -> DbResult<Option<ChangeRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} WHERE c.id = $1"));
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// A unit's requests, newest first.
pub async fn of_unit(db: &Db, unit_id: i64, limit: i64) -> DbResult<Vec<ChangeRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE c.unit_id = $1 ORDER BY c.id DESC LIMIT CAST($2 AS BIGINT)"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(unit_id).bind(limit).fetch_all(p).await)?)
}

/// An office's requests in `status` (all when empty): waiting ones oldest first, decided
/// ones newest first.
pub async fn of_office(
    db: &Db,
    office_id: i64,
    status: &str,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<ChangeRow>> {
    let order = if status == "pending" { "ASC" } else { "DESC" };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE c.office_id = $1 AND ($2 = '' OR c.status = $2) \
         ORDER BY c.id {order} LIMIT CAST($3 AS BIGINT) OFFSET $4"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(status).bind(limit)
        .bind(offset).fetch_all(p).await)?,
    )
}

/// How many requests an office has in `status` (all when empty).
pub async fn count_of_office(db: &Db, office_id: i64, status: &str) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM unit_change WHERE office_id = $1 AND ($2 = '' OR status = $2)";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(office_id).bind(status)
        .fetch_one(p).await)?,
    )
}

/// Records the decision on a waiting request inside `tx`; false when it was no longer
/// waiting (someone decided first).
pub async fn decide(tx: &mut Tx, id: i64, approved: bool, note: &str, by: i64) -> DbResult<bool> {
    let sql = "UPDATE unit_change SET status = $2, decision_note = $3, decided_by = $4, \
               decided_at = $5 WHERE id = $1 AND status = 'pending'";
    let status = if approved { "approved" } else { "refused" };
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(status).bind(note).bind(by)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Applies an approved request to its unit inside `tx`.
pub async fn apply(tx: &mut Tx, c: &ChangeRow) -> DbResult<()> {
    let sql = "UPDATE unit SET name = $2, kind = $3, region_code = $4, address = $5, \
               contact_name = $6, contact_phone_sealed = $7, contact_phone_masked = $8 \
               WHERE id = $1";
    with_tx!(tx, k => sqlx::query(sql).bind(c.unit_id).bind(&c.name).bind(&c.kind)
        .bind(&c.region_code).bind(&c.address).bind(&c.contact_name)
        .bind(&c.contact_phone_sealed).bind(&c.contact_phone_masked)
        .execute(&mut **k).await.map(|r| r.rows_affected()))?;
    // Homes name their unit.
    tx.forget_on_commit(crate::memo::Forget::Homes).await
}
