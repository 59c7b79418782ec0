//! 数据字典 rows the system administrator keeps: series (职称系列), their titles per
//! level (资格名称), their specialties (专业), and the upload slots of each application
//! type. Each write runs inside the caller's transaction with its audit event.

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A series with how much hangs off it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeriesRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub sort_order: i32,
    pub active: bool,
    pub titles: i64,
    pub specialties: i64,
    pub committees: i64,
}

/// Every series, in order.
pub async fn series(db: &Db) -> DbResult<Vec<SeriesRow>> {
    let sql = "SELECT s.id, s.code, s.name, s.sort_order, s.active, \
               (SELECT COUNT(*) FROM series_title t WHERE t.series_id = s.id) AS titles, \
               (SELECT COUNT(*) FROM specialty p WHERE p.series_id = s.id) AS specialties, \
               (SELECT COUNT(*) FROM committee c WHERE c.series_id = s.id) AS committees \
               FROM series s ORDER BY s.sort_order, s.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// Whether a series code or name is taken by another series than `except`.
pub async fn series_taken(db: &Db, code: &str, name: &str, except: i64) -> DbResult<(bool, bool)> {
    let sql = "SELECT COALESCE(SUM(CASE WHEN code = $1 THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN name = $2 THEN 1 ELSE 0 END), 0) FROM series WHERE id <> $3";
    let (c, n): (i64, i64) = with_pool!(db, p => sqlx::query_as(sql).bind(code).bind(name)
        .bind(except).fetch_one(p).await)?;
    Ok((c > 0, n > 0))
}

/// Adds a series at the end of the order inside `tx`; its id.
pub async fn insert_series(tx: &mut Tx, code: &str, name: &str) -> DbResult<i64> {
    let sql = "INSERT INTO series (code, name, sort_order, active) VALUES ($1, $2, \
               (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM series), TRUE) RETURNING id";
    Ok(with_tx!(tx, c => sqlx::query_scalar(sql).bind(code).bind(name).fetch_one(&mut **c).await)?)
}

/// Renames, reorders or (de)activates a series inside `tx`; whether it exists.
pub async fn update_series(
    tx: &mut Tx,
    id: i64,
    name: &str,
    sort_order: i32,
    active: bool,
) -> DbResult<bool> {
    let sql = "UPDATE series SET name = $2, sort_order = $3, active = $4 WHERE id = $1";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(name).bind(sort_order).bind(active)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    // Homes name their dossiers' series.
    tx.forget_on_commit(crate::memo::Forget::Homes).await?;
    Ok(n == 1)
}

/// A title of a series at a level.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TitleRow {
    pub id: i64,
    pub level_rank: i32,
    pub title_name: String,
    /// Applications made for this title (it cannot be removed once used).
    pub used: i64,
}

/// The titles of a series, by level.
pub async fn titles(db: &Db, series_id: i64) -> DbResult<Vec<TitleRow>> {
    let sql = "SELECT t.id, t.level_rank, t.title_name, \
               (SELECT COUNT(*) FROM application a WHERE a.series_id = t.series_id \
                AND a.level_rank = t.level_rank AND a.title_name = t.title_name) AS used \
               FROM series_title t WHERE t.series_id = $1 ORDER BY t.level_rank, t.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(series_id).fetch_all(p).await)?)
}

/// Adds a title inside `tx`; `None` when the series already has it at that level.
pub async fn insert_title(
    tx: &mut Tx,
    series_id: i64,
    level_rank: i32,
    name: &str,
) -> DbResult<Option<i64>> {
    let sql = "INSERT INTO series_title (series_id, level_rank, title_name) VALUES ($1, $2, $3) \
               ON CONFLICT DO NOTHING RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(series_id).bind(level_rank).bind(name)
        .fetch_optional(&mut **c).await)?,
    )
}

/// Removes a title no application uses, inside `tx`; whether it did.
pub async fn delete_unused_title(tx: &mut Tx, series_id: i64, id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM series_title WHERE id = $1 AND series_id = $2 AND NOT EXISTS ( \
               SELECT 1 FROM application a WHERE a.series_id = series_title.series_id \
               AND a.level_rank = series_title.level_rank AND a.title_name = series_title.title_name)";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(series_id)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A specialty of a series.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SpecialtyRow {
    pub id: i64,
    pub name: String,
}

/// The specialties of a series, in order.
pub async fn specialties(db: &Db, series_id: i64) -> DbResult<Vec<SpecialtyRow>> {
    let sql = "SELECT id, name FROM specialty WHERE series_id = $1 ORDER BY sort_order, id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(series_id).fetch_all(p).await)?)
}

/// Adds a specialty at the end inside `tx`; `None` when the series already has it.
pub async fn insert_specialty(tx: &mut Tx, series_id: i64, name: &str) -> DbResult<Option<i64>> {
    let sql = "INSERT INTO specialty (series_id, name, sort_order) VALUES ($1, $2, \
               (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM specialty WHERE series_id = $1)) \
               ON CONFLICT DO NOTHING RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(series_id).bind(name)
        .fetch_optional(&mut **c).await)?,
    )
}

/// Removes a specialty inside `tx` (dossiers keep the words they were filled with);
/// whether it did.
pub async fn delete_specialty(tx: &mut Tx, series_id: i64, id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM specialty WHERE id = $1 AND series_id = $2";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(series_id)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A province-wide upload slot (committees' own slots are theirs to keep).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlotRow {
    pub id: i64,
    pub kind: String,
    pub code: String,
    pub label: String,
    pub required: bool,
    pub min_count: i32,
    pub max_count: i32,
    pub max_kb: i32,
    pub min_px: i32,
    pub max_px: i32,
    pub photo: bool,
}

/// The province-wide slots of every application type.
pub async fn slots(db: &Db) -> DbResult<Vec<SlotRow>> {
    let sql = "SELECT id, kind, code, label, required, min_count, max_count, max_kb, min_px, max_px, \
               photo FROM upload_slot WHERE committee_id IS NULL ORDER BY kind, sort_order, id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// The limits of a slot as edited.
#[derive(Debug, Clone)]
pub struct SlotLimits<'a> {
    pub label: &'a str,
    pub required: bool,
    pub min_count: i32,
    pub max_count: i32,
    pub max_kb: i32,
    pub min_px: i32,
}

/// Changes a province-wide slot inside `tx`; whether it exists.
pub async fn update_slot(tx: &mut Tx, id: i64, s: &SlotLimits<'_>) -> DbResult<bool> {
    let sql = "UPDATE upload_slot SET label = $2, required = $3, min_count = $4, max_count = $5, \
               max_kb = $6, min_px = $7 WHERE id = $1 AND committee_id IS NULL";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(s.label).bind(s.required)
        .bind(s.min_count).bind(s.max_count).bind(s.max_kb).bind(s.min_px)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
