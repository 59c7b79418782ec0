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
               ORDER BY published_at DESC, id DESC LIMIT CAST($1 AS BIGINT)";
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
    pub office_id: i64,
    pub office_name: String,
    pub series_name: String,
    pub level_min: i32,
    pub level_max: i32,
    pub charges_online: bool,
}

/// Every committee, by series then lowest level.
pub async fn committees(db: &Db) -> DbResult<Vec<CommitteeRow>> {
    let sql = "SELECT c.id, c.name, c.office_id, o.name AS office_name, s.name AS series_name, c.level_min, \
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
pub async fn org_name(
    conn: impl Into<crate::Conn<'_>>,
    kind: &str,
    id: i64,
) -> DbResult<Option<String>> {
    let sql = match kind {
        "office" => "SELECT name FROM office WHERE id = $1",
        "unit" => "SELECT name FROM unit WHERE id = $1",
        "committee" => "SELECT name FROM committee WHERE id = $1",
        _ => return Ok(None),
    };
    Ok(crate::with_conn!(conn, p => sqlx::query_scalar(sql).bind(id).fetch_optional(p).await)?)
}

/// An approved unit as offered to applicants.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitChoice {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region_name: String,
}

/// Approved units whose name contains `keyword`, by name, paged.
pub async fn search_approved_units(
    db: &Db,
    keyword: &str,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<UnitChoice>> {
    let sql = "SELECT u.id, u.name, u.kind, r.name AS region_name FROM unit u \
               JOIN region r ON r.code = u.region_code \
               WHERE u.status = 'approved' AND u.name LIKE $1 ORDER BY u.name, u.id LIMIT CAST($2 AS BIGINT) OFFSET $3";
    let pattern = format!("%{}%", escape_like(keyword));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(pattern).bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// Number of approved units whose name contains `keyword`.
pub async fn count_approved_units(db: &Db, keyword: &str) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM unit WHERE status = 'approved' AND name LIKE $1";
    let pattern = format!("%{}%", escape_like(keyword));
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(pattern).fetch_one(p).await)?)
}

/// Drops LIKE wildcards from a typed keyword, so `%` and `_` match literally nowhere.
fn escape_like(keyword: &str) -> String {
    keyword.chars().filter(|c| *c != '%' && *c != '_').collect()
}

/// The name of a series, if the id is one.
pub async fn series_name(db: &Db, id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT name FROM series WHERE id = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(id).fetch_optional(p).await)?)
}

/// The name of an approved unit, if the id is one.
pub async fn approved_unit_name(db: &Db, id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT name FROM unit WHERE id = $1 AND status = 'approved'";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(id).fetch_optional(p).await)?)
}

/// True when `code` is a county-level region (district, county or county-level city).
pub async fn region_exists(db: &Db, code: &str) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM region WHERE code = $1 AND depth = 2";
    let n: i64 = with_pool!(db, p => sqlx::query_scalar(sql).bind(code).fetch_one(p).await)?;
    Ok(n == 1)
}

/// A county-level region with its city, for the region select.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CountyChoice {
    pub code: String,
    pub name: String,
    pub city: String,
}

/// Every county-level region, grouped by city order.
pub async fn counties(db: &Db) -> DbResult<Vec<CountyChoice>> {
    let sql = "SELECT r.code, r.name, c.name AS city FROM region r JOIN region c ON c.code = r.parent_code \
               WHERE r.depth = 2 ORDER BY r.parent_code, r.code";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// An office a unit may report to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfficeChoice {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

/// Every office and supervising department.
pub async fn offices(db: &Db) -> DbResult<Vec<OfficeChoice>> {
    let sql = "SELECT id, name, kind FROM office ORDER BY CASE kind WHEN 'region_office' THEN 0 \
               WHEN 'floating_office' THEN 1 WHEN 'city_office' THEN 2 ELSE 3 END, region_code, id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// The offices hosting a committee that grants `level_rank` in a series, by id: where a
/// lost 高级 certificate is replaced (its 发证机关).
pub async fn offices_granting(
    db: &Db,
    series_id: i64,
    level_rank: i32,
) -> DbResult<Vec<(i64, String)>> {
    let sql = "SELECT DISTINCT o.id, o.name FROM committee c JOIN office o ON o.id = c.office_id \
               WHERE c.series_id = $1 AND c.level_min <= $2 AND c.level_max >= $2 ORDER BY o.id";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(series_id).bind(level_rank).fetch_all(p).await)?,
    )
}
