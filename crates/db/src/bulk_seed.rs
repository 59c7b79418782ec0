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

/// Copies the application `template` (its choice, parts and uploaded pictures) into a new
/// draft of `applicant_id` inside `tx`: a dossier ready to submit, for load tests of 报送.
/// The pictures' stored files are shared with the template.
pub async fn insert_draft_copy(
    tx: &mut Tx,
    template: i64,
    applicant_id: i64,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let sql = "INSERT INTO application (kind, applicant_id, unit_id, year, series_id, level_rank, \
               title_name, committee_id, office_id, status, created_at, updated_at) \
               SELECT kind, $2, unit_id, year, series_id, level_rank, title_name, committee_id, \
               office_id, 'draft', $3, $3 FROM application WHERE id = $1 RETURNING id";
    let id: i64 = with_tx!(tx, c => sqlx::query_scalar(sql).bind(template).bind(applicant_id)
        .bind(now).fetch_one(&mut **c).await)?;
    let parts = "INSERT INTO application_part (application_id, part, data, updated_at) \
                 SELECT $2, part, data, $3 FROM application_part WHERE application_id = $1";
    with_tx!(tx, c => sqlx::query(parts).bind(template).bind(id).bind(now)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    let files = "INSERT INTO application_file (application_id, slot, file_key, width, height, \
                 bytes, confirmed, created_at) SELECT $2, slot, file_key, width, height, bytes, \
                 confirmed, $3 FROM application_file WHERE application_id = $1 ORDER BY id";
    with_tx!(tx, c => sqlx::query(files).bind(template).bind(id).bind(now)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(id)
}
