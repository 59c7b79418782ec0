//! 单位 rows: self-registration, the office's review queue, and unit staff accounts.

use chrono::{DateTime, Utc};

use zc_domain::unit_registration::UnitStatus;

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A unit's details as registered, or as corrected after a return.
#[derive(Debug, Clone)]
pub struct NewUnit<'a> {
    pub name: &'a str,
    pub credit_code: &'a str,
    pub credit_code_checked: bool,
    pub kind: &'a str,
    pub region_code: &'a str,
    pub office_id: i64,
    pub address: &'a str,
    pub contact_name: &'a str,
    pub contact_phone_sealed: &'a str,
    pub contact_phone_masked: &'a str,
    pub licence_key: Option<&'a str>,
}

/// Inserts a unit waiting for review (`pending`) inside `tx`.
pub async fn insert_pending(tx: &mut Tx, u: &NewUnit<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO unit (name, credit_code, kind, region_code, office_id, status, created_at, \
               address, contact_name, contact_phone_sealed, contact_phone_masked, credit_code_checked, \
               licence_key, submitted_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11, $12, $6) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(u.name).bind(u.credit_code).bind(u.kind)
        .bind(u.region_code).bind(u.office_id).bind(tx.clock.now()).bind(u.address).bind(u.contact_name)
        .bind(u.contact_phone_sealed).bind(u.contact_phone_masked).bind(u.credit_code_checked)
        .bind(u.licence_key).fetch_one(&mut **c).await)?,
    )
}

/// A unit as an office reviewer sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitRow {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub credit_code_checked: bool,
    pub kind: String,
    pub region_name: String,
    pub office_id: i64,
    #[sqlx(try_from = "String")]
    pub status: UnitStatus,
    pub address: String,
    pub contact_name: String,
    pub contact_phone_masked: String,
    pub licence_key: Option<String>,
    pub review_note: String,
    pub created_at: DateTime<Utc>,
    /// The latest submission (the first one, or a resubmission after a return).
    pub submitted_at: DateTime<Utc>,
    pub region_code: String,
}

const COLUMNS: &str = "u.id, u.name, u.credit_code, u.credit_code_checked, u.kind, r.name AS region_name, \
    u.office_id, u.status, u.address, u.contact_name, u.contact_phone_masked, u.licence_key, u.review_note, u.created_at, \
    COALESCE(u.submitted_at, u.created_at) AS submitted_at, u.region_code";

/// One unit.
pub async fn find(conn: impl Into<crate::Conn<'_>>, id: i64) -> DbResult<Option<UnitRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM unit u JOIN region r ON r.code = u.region_code WHERE u.id = $1"
    ));
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// Units addressed to an office with a status, oldest first, paged.
pub async fn for_office(
    db: &Db,
    office_id: i64,
    status: UnitStatus,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<UnitRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM unit u JOIN region r ON r.code = u.region_code \
         WHERE u.office_id = $1 AND u.status = $2 ORDER BY COALESCE(u.submitted_at, u.created_at), u.id \
         LIMIT CAST($3 AS BIGINT) OFFSET $4"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(status.code()).bind(limit).bind(offset)
        .fetch_all(p).await)?,
    )
}

/// Number of units addressed to an office with a status.
pub async fn count_for_office(db: &Db, office_id: i64, status: UnitStatus) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM unit WHERE office_id = $1 AND status = $2";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(office_id).bind(status.code()).fetch_one(p).await)?,
    )
}

/// Moves a pending unit to `status` inside `tx`; false when it was no longer pending
/// (another reviewer decided first).
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    status: UnitStatus,
    note: &str,
    reviewer: i64,
) -> DbResult<bool> {
    let sql = "UPDATE unit SET status = $2, review_note = $3, reviewed_by = $4, reviewed_at = $5 \
               WHERE id = $1 AND status = 'pending'";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(status.code()).bind(note).bind(reviewer)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A staff account of a unit.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub login_name: String,
    pub display_name: String,
    pub role: String,
    pub disabled: bool,
}

/// The staff accounts of a unit.
pub async fn staff(db: &Db, unit_id: i64) -> DbResult<Vec<StaffRow>> {
    let sql = "SELECT id, login_name, display_name, role, disabled FROM account \
               WHERE org_kind = 'unit' AND org_id = $1 ORDER BY id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(unit_id).fetch_all(p).await)?)
}

/// Disables an account of a unit inside `tx`; false when it is not that unit's.
pub async fn disable_staff(tx: &mut Tx, unit_id: i64, account_id: i64) -> DbResult<bool> {
    let sql =
        "UPDATE account SET disabled = TRUE WHERE id = $1 AND org_kind = 'unit' AND org_id = $2";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(unit_id).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Puts a returned unit back in its office's queue with corrected details, inside `tx`
/// (the licence stays when no new one is given); false when it was not (or no longer)
/// returned.
pub async fn resubmit(tx: &mut Tx, id: i64, u: &NewUnit<'_>) -> DbResult<bool> {
    let sql = "UPDATE unit SET name = $2, credit_code = $3, credit_code_checked = $4, kind = $5, \
               region_code = $6, office_id = $7, address = $8, contact_name = $9, \
               contact_phone_sealed = $10, contact_phone_masked = $11, \
               licence_key = COALESCE($12, licence_key), status = 'pending', review_note = '', \
               submitted_at = $13 WHERE id = $1 AND status = 'returned'";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(u.name).bind(u.credit_code)
        .bind(u.credit_code_checked).bind(u.kind).bind(u.region_code).bind(u.office_id)
        .bind(u.address).bind(u.contact_name).bind(u.contact_phone_sealed)
        .bind(u.contact_phone_masked).bind(u.licence_key).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    // Homes name their unit.
    tx.forget_on_commit(crate::memo::Forget::Homes).await?;
    Ok(n == 1)
}

/// The sealed contact phone of a unit (for its own administrator's correction form).
pub async fn contact_phone_sealed(db: &Db, id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT contact_phone_sealed FROM unit WHERE id = $1";
    let v: Option<Option<String>> = with_pool!(db, p => sqlx::query_scalar(sql)
        .bind(id).fetch_optional(p).await)?;
    Ok(v.flatten())
}
