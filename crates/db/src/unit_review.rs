//! 审核 rows: return reasons and the unit's internal publicity.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// Records the reasons of a return inside `tx`.
pub async fn insert_reason(
    tx: &mut Tx,
    application_id: i64,
    section: &str,
    reason: &str,
    returned_by: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO return_reason (application_id, section, reason, returned_by, returned_at, resolved) \
               VALUES ($1, $2, $3, $4, $5, FALSE)";
    with_tx!(tx, c => sqlx::query(sql).bind(application_id).bind(section).bind(reason)
        .bind(returned_by).bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    crate::applications::forget_home_of_dossier(tx, application_id).await
}

/// Marks the open reasons resolved inside `tx` (the dossier was sent again).
pub async fn resolve_reasons(tx: &mut Tx, application_id: i64) -> DbResult<()> {
    let sql = "UPDATE return_reason SET resolved = TRUE WHERE application_id = $1 AND NOT resolved";
    with_tx!(tx, c => sqlx::query(sql).bind(application_id).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    crate::applications::forget_home_of_dossier(tx, application_id).await
}

/// An open reason.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReasonRow {
    pub section: String,
    pub reason: String,
    pub returned_by: String,
    pub returned_at: DateTime<Utc>,
}

/// The reasons of the last return that are not yet resolved.
pub async fn open_reasons(db: &Db, application_id: i64) -> DbResult<Vec<ReasonRow>> {
    let sql = "SELECT section, reason, returned_by, returned_at FROM return_reason \
               WHERE application_id = $1 AND NOT resolved ORDER BY id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(application_id).fetch_all(p).await)?)
}

/// The unit's publicity of an application.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicityRow {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Records (or moves) the publicity inside `tx`.
pub async fn put_publicity(
    tx: &mut Tx,
    application_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    recorded_by: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO unit_publicity (application_id, starts_on, ends_on, recorded_by, created_at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (application_id) DO UPDATE SET \
               starts_on = excluded.starts_on, ends_on = excluded.ends_on, recorded_by = excluded.recorded_by";
    with_tx!(tx, c => sqlx::query(sql).bind(application_id).bind(starts_on).bind(ends_on)
        .bind(recorded_by).bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The publicity of an application, if recorded.
pub async fn publicity(db: &Db, application_id: i64) -> DbResult<Option<PublicityRow>> {
    let sql = "SELECT starts_on, ends_on FROM unit_publicity WHERE application_id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(application_id).fetch_optional(p).await)?)
}

/// A line of a unit's 公示表: an application under internal publicity.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicityLine {
    pub id: i64,
    pub applicant_name: String,
    pub series_name: String,
    pub level_rank: i32,
    pub title_name: String,
    pub committee_name: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// The unit's applications whose publicity ends on or after `since`, by start date.
pub async fn publicity_sheet(
    db: &Db,
    unit_id: i64,
    since: NaiveDate,
) -> DbResult<Vec<PublicityLine>> {
    let sql = "SELECT a.id, p.name AS applicant_name, s.name AS series_name, a.level_rank, \
               a.title_name, c.name AS committee_name, up.starts_on, up.ends_on \
               FROM unit_publicity up JOIN application a ON a.id = up.application_id \
               JOIN applicant p ON p.account_id = a.applicant_id JOIN series s ON s.id = a.series_id \
               LEFT JOIN committee c ON c.id = a.committee_id \
               WHERE a.unit_id = $1 AND up.ends_on >= $2 ORDER BY up.starts_on, a.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(unit_id).bind(since).fetch_all(p).await)?)
}
