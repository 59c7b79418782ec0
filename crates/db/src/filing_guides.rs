//! 填报说明 rows: an office's filing guide per year and its policy links.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// An office's guide for a year.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GuideRow {
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

/// A policy document link; `series_name` is empty when it is for every series.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub series_id: Option<i64>,
    pub series_name: Option<String>,
    pub title: String,
    pub url: String,
}

/// The guide of `office_id` for `year`, if the office wrote one.
pub async fn find(db: &Db, office_id: i64, year: i32) -> DbResult<Option<GuideRow>> {
    let sql = "SELECT body, updated_at FROM filing_guide WHERE office_id = $1 AND year = $2";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(year).fetch_optional(p).await)?)
}

/// Writes (or rewrites) a guide inside `tx`.
pub async fn put(tx: &mut Tx, office_id: i64, year: i32, body: &str, by: i64) -> DbResult<()> {
    let sql = "INSERT INTO filing_guide (office_id, year, body, updated_by, updated_at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (office_id, year) DO UPDATE SET \
               body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at";
    with_tx!(tx, c => sqlx::query(sql).bind(office_id).bind(year).bind(body).bind(by)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The links of an office's guide for a year: every series' first, then by series.
pub async fn links(db: &Db, office_id: i64, year: i32) -> DbResult<Vec<LinkRow>> {
    let sql = "SELECT l.id, l.series_id, s.name AS series_name, l.title, l.url \
               FROM filing_guide_link l LEFT JOIN series s ON s.id = l.series_id \
               WHERE l.office_id = $1 AND l.year = $2 \
               ORDER BY CASE WHEN l.series_id IS NULL THEN 0 ELSE 1 END, s.sort_order, l.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(year).fetch_all(p).await)?)
}

/// A new link.
#[derive(Debug, Clone)]
pub struct NewLink<'a> {
    pub office_id: i64,
    pub year: i32,
    pub series_id: Option<i64>,
    pub title: &'a str,
    pub url: &'a str,
}

/// Adds a link inside `tx`; its id.
pub async fn insert_link(tx: &mut Tx, l: &NewLink<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO filing_guide_link (office_id, year, series_id, title, url, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(l.office_id).bind(l.year).bind(l.series_id)
        .bind(l.title).bind(l.url).bind(tx.clock.now()).fetch_one(&mut **c).await)?,
    )
}

/// Removes one of an office's links inside `tx`; whether one was removed.
pub async fn delete_link(tx: &mut Tx, office_id: i64, id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM filing_guide_link WHERE id = $1 AND office_id = $2";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(office_id)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
