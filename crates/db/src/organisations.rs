//! 机构管理 rows: offices with their parent, and committees, as the system admin edits them.

use std::collections::HashMap;

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// An office with its parent and region, for the admin tree.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OfficeRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub parent_id: Option<i64>,
    pub staff: i64,
    pub units: i64,
}

/// Every office, root first.
pub async fn offices(db: &Db) -> DbResult<Vec<OfficeRow>> {
    let sql = "SELECT o.id, o.name, o.kind, o.region_code, r.name AS region_name, o.parent_id, \
               (SELECT COUNT(*) FROM account a WHERE a.org_kind = 'office' AND a.org_id = o.id) AS staff, \
               (SELECT COUNT(*) FROM unit u WHERE u.office_id = o.id) AS units \
               FROM office o LEFT JOIN region r ON r.code = o.region_code \
               ORDER BY CASE o.kind WHEN 'region_office' THEN 0 WHEN 'floating_office' THEN 1 \
               WHEN 'city_office' THEN 2 ELSE 3 END, o.region_code, o.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// One office.
pub async fn office(db: &Db, id: i64) -> DbResult<Option<OfficeRow>> {
    Ok(offices(db).await?.into_iter().find(|o| o.id == id))
}

/// Every office's parent, for the hierarchy check.
pub async fn office_parents(db: &Db) -> DbResult<HashMap<i64, Option<i64>>> {
    let sql = "SELECT id, parent_id FROM office";
    let rows: Vec<(i64, Option<i64>)> =
        with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?;
    Ok(rows.into_iter().collect())
}

/// What an admin sets on an office.
#[derive(Debug, Clone)]
pub struct OfficeFields<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub region_code: Option<&'a str>,
    pub parent_id: Option<i64>,
}

/// Adds an office inside `tx`; a taken name surfaces as a unique violation.
pub async fn insert_office(tx: &mut Tx, f: &OfficeFields<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO office (name, kind, region_code, parent_id) VALUES ($1, $2, $3, $4) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(f.name).bind(f.kind).bind(f.region_code)
        .bind(f.parent_id).fetch_one(&mut **c).await)?,
    )
}

/// Changes an office's name, region and parent inside `tx` (its kind stays).
pub async fn update_office(tx: &mut Tx, id: i64, f: &OfficeFields<'_>) -> DbResult<()> {
    let sql = "UPDATE office SET name = $2, region_code = $3, parent_id = $4 WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(id).bind(f.name).bind(f.region_code).bind(f.parent_id)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    // Homes read the names of their dossiers' offices and committees.
    tx.forget_on_commit(crate::memo::Forget::Homes).await
}

/// A committee as the admin edits it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CommitteeFields {
    pub name: String,
    pub office_id: i64,
    pub series_id: i64,
    pub level_min: i32,
    pub level_max: i32,
    pub charges_online: bool,
}

/// One committee's editable fields.
pub async fn committee(db: &Db, id: i64) -> DbResult<Option<CommitteeFields>> {
    let sql = "SELECT name, office_id, series_id, level_min, level_max, charges_online \
               FROM committee WHERE id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// Adds a committee inside `tx`; a taken name surfaces as a unique violation.
pub async fn insert_committee(tx: &mut Tx, f: &CommitteeFields) -> DbResult<i64> {
    let sql = "INSERT INTO committee (name, office_id, series_id, level_min, level_max, charges_online) \
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(&f.name).bind(f.office_id).bind(f.series_id)
        .bind(f.level_min).bind(f.level_max).bind(f.charges_online).fetch_one(&mut **c).await)?,
    )
}

/// Changes a committee inside `tx`.
pub async fn update_committee(tx: &mut Tx, id: i64, f: &CommitteeFields) -> DbResult<()> {
    let sql = "UPDATE committee SET name = $2, office_id = $3, series_id = $4, level_min = $5, \
               level_max = $6, charges_online = $7 WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(id).bind(&f.name).bind(f.office_id).bind(f.series_id)
        .bind(f.level_min).bind(f.level_max).bind(f.charges_online)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    tx.forget_on_commit(crate::memo::Forget::Homes).await
}

/// A series to choose from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeriesChoice {
    pub id: i64,
    pub name: String,
}

/// Active series in their usual order.
pub async fn series(db: &Db) -> DbResult<Vec<SeriesChoice>> {
    let sql = "SELECT id, name FROM series WHERE active ORDER BY sort_order, id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// A city (地级市) to choose from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CityChoice {
    pub code: String,
    pub name: String,
}

/// The cities of the province.
pub async fn cities(db: &Db) -> DbResult<Vec<CityChoice>> {
    let sql = "SELECT code, name FROM region WHERE depth = 1 ORDER BY code";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}
