//! 压测数据 rows: what the seeding command needs that the platform itself never asks
//! for (every approved unit at once; a submitted application written in one step).

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// Every approved unit with the office it reports to.
pub async fn approved_units(db: &Db) -> DbResult<Vec<(i64, i64)>> {
    let sql = "SELECT id, office_id FROM unit WHERE status = 'approved' ORDER BY id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// A seeded application, already in `status`.
#[derive(Debug, Clone)]
pub struct SeededApplication<'a> {
    pub applicant_id: i64,
    pub unit_id: i64,
    pub year: i32,
    pub series_id: i64,
    pub level_rank: i32,
    pub title_name: &'a str,
    pub committee_id: i64,
    pub office_id: i64,
    pub status: &'a str,
    pub submitted_at: DateTime<Utc>,
}

/// Writes a seeded application inside `tx`.
pub async fn insert_application(tx: &mut Tx, a: &SeededApplication<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO application (kind, applicant_id, unit_id, year, series_id, level_rank, \
               title_name, committee_id, office_id, status, snapshot, created_at, updated_at, submitted_at) \
               VALUES ('evaluation', $1, $2, $3, $4, $5, $6, $7, $8, $9, '{}', $10, $10, $10) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(a.applicant_id).bind(a.unit_id)
        .bind(a.year).bind(a.series_id).bind(a.level_rank).bind(a.title_name)
        .bind(a.committee_id).bind(a.office_id).bind(a.status).bind(a.submitted_at)
        .fetch_one(&mut **c).await)?,
    )
}
