//! 评委专家入库申请 rows.

use chrono::{DateTime, NaiveDate, Utc};

use zc_domain::expert_enrolment::EnrolmentStatus;

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A request to join the pool, as written.
#[derive(Debug, Clone)]
pub struct NewEnrolment<'a> {
    pub account_id: i64,
    pub series_id: i64,
    pub specialty: &'a str,
    pub title_name: &'a str,
    pub title_obtained_on: NaiveDate,
    pub unit_name: &'a str,
    pub post: &'a str,
    pub research_field: &'a str,
    pub phone_sealed: &'a str,
    pub phone_masked: &'a str,
    pub recusal_note: &'a str,
    /// Blind indexes of the identity numbers the expert declared a conflict with, one per line.
    pub recusal_indexes: &'a str,
}

/// Records a request inside `tx`; its id.
pub async fn insert(tx: &mut Tx, e: &NewEnrolment<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO expert_enrolment (account_id, series_id, specialty, title_name, \
               title_obtained_on, unit_name, post, research_field, phone_sealed, phone_masked, \
               recusal_note, recusal_indexes, status, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(e.account_id).bind(e.series_id)
        .bind(e.specialty).bind(e.title_name).bind(e.title_obtained_on).bind(e.unit_name)
        .bind(e.post).bind(e.research_field).bind(e.phone_sealed).bind(e.phone_masked)
        .bind(e.recusal_note).bind(e.recusal_indexes).bind(tx.clock.now()).fetch_one(&mut **c).await)?,
    )
}

/// A request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub id: i64,
    pub account_id: i64,
    pub applicant_name: String,
    pub series_id: i64,
    pub series_name: String,
    pub specialty: String,
    pub title_name: String,
    pub title_obtained_on: NaiveDate,
    pub unit_name: String,
    pub post: String,
    pub research_field: String,
    pub phone_masked: String,
    pub recusal_note: String,
    pub recusal_indexes: String,
    #[sqlx(try_from = "String")]
    pub status: EnrolmentStatus,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT e.id, e.account_id, p.name AS applicant_name, e.series_id, \
    s.name AS series_name, e.specialty, e.title_name, e.title_obtained_on, e.unit_name, e.post, \
    e.research_field, e.phone_masked, e.recusal_note, e.recusal_indexes, e.status, e.reason, \
    e.created_at FROM expert_enrolment e JOIN applicant p ON p.account_id = e.account_id \
    JOIN series s ON s.id = e.series_id";

/// A person's latest request.
pub async fn latest_of(db: &Db, account_id: i64) -> DbResult<Option<EnrolmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE e.account_id = $1 ORDER BY e.id DESC LIMIT 1"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(account_id).fetch_optional(p).await)?)
}

/// The pending requests of a series, oldest first.
pub async fn pending_in_series(db: &Db, series_id: i64) -> DbResult<Vec<EnrolmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE e.series_id = $1 AND e.status = 'pending' ORDER BY e.id"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(series_id).fetch_all(p).await)?)
}

/// One request.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<EnrolmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE e.id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// Decides a pending request inside `tx`; false when it was no longer pending.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    status: EnrolmentStatus,
    reason: &str,
    by: i64,
) -> DbResult<bool> {
    let sql = "UPDATE expert_enrolment SET status = $2, reason = $3, decided_by = $4, decided_at = $5 \
               WHERE id = $1 AND status = 'pending'";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(status.code()).bind(reason).bind(by)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
