//! Read access to reference data: notices, catalogue, offices, committees, units.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, with_pool};

/// A public notice (通知公告).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Notice {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub published_at: DateTime<Utc>,
}

/// The newest notices.
pub async fn latest_notices(db: &Db, limit: i64) -> DbResult<Vec<Notice>> {
    let sql = "SELECT id, title, body, published_at FROM notice \
               ORDER BY published_at DESC, id DESC LIMIT $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(limit).fetch_all(p).await)?)
}

/// Row counts of every reference table, for the admin overview and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReferenceCounts {
    pub series: i64,
    pub series_titles: i64,
    pub specialties: i64,
    pub regions: i64,
    pub offices: i64,
    pub committees: i64,
    pub units: i64,
    pub calendar_days: i64,
}

/// Counts rows in each reference table.
pub async fn counts(db: &Db) -> DbResult<ReferenceCounts> {
    let sql = "SELECT (SELECT COUNT(*) FROM series), (SELECT COUNT(*) FROM series_title), \
               (SELECT COUNT(*) FROM specialty), (SELECT COUNT(*) FROM region), \
               (SELECT COUNT(*) FROM office), (SELECT COUNT(*) FROM committee), \
               (SELECT COUNT(*) FROM unit), (SELECT COUNT(*) FROM calendar_day)";
    let r: (i64, i64, i64, i64, i64, i64, i64, i64) =
        with_pool!(db, p => sqlx::query_as(sql).fetch_one(p).await)?;
    Ok(ReferenceCounts {
        series: r.0,
        series_titles: r.1,
        specialties: r.2,
        regions: r.3,
        offices: r.4,
        committees: r.5,
        units: r.6,
        calendar_days: r.7,
    })
}

/// A committee with its office and series names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommitteeRow {
    pub id: i64,
    pub name: String,
    pub office_name: String,
    pub series_name: String,
    pub level_min: i32,
    pub level_max: i32,
    pub charges_online: bool,
}

/// Every committee, by series then lowest level.
pub async fn committees(db: &Db) -> DbResult<Vec<CommitteeRow>> {
    let sql = "SELECT c.id, c.name, o.name AS office_name, s.name AS series_name, c.level_min, \
               c.level_max, c.charges_online FROM committee c \
               JOIN office o ON o.id = c.office_id JOIN series s ON s.id = c.series_id \
               ORDER BY s.sort_order, c.level_min, c.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// The id of the office with this exact name.
pub async fn office_id_by_name(db: &Db, name: &str) -> DbResult<Option<i64>> {
    let sql = "SELECT id FROM office WHERE name = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(name).fetch_optional(p).await)?)
}

/// The id of the unit with this exact name.
pub async fn unit_id_by_name(db: &Db, name: &str) -> DbResult<Option<i64>> {
    let sql = "SELECT id FROM unit WHERE name = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(name).fetch_optional(p).await)?)
}

/// The id of the committee with this exact name.
pub async fn committee_id_by_name(db: &Db, name: &str) -> DbResult<Option<i64>> {
    let sql = "SELECT id FROM committee WHERE name = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(name).fetch_optional(p).await)?)
}

/// One notice by id.
pub async fn notice(db: &Db, id: i64) -> DbResult<Option<Notice>> {
    let sql = "SELECT id, title, body, published_at FROM notice WHERE id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// Name of the organisation an account belongs to (`office`, `unit` or `committee`).
pub async fn org_name(db: &Db, kind: &str, id: i64) -> DbResult<Option<String>> {
    let sql = match kind {
        "office" => "SELECT name FROM office WHERE id = $1",
        "unit" => "SELECT name FROM unit WHERE id = $1",
        "committee" => "SELECT name FROM committee WHERE id = $1",
        _ => return Ok(None),
    };
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(id).fetch_optional(p).await)?)
}
