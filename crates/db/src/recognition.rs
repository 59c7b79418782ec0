//! 职称认定 and 重新确认 rows: which 职改办 accept them in a year, the qualifications that
//! can be granted, and the 认定条件 table.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, with_pool};

/// A 职改办 accepting 认定 now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenOffice {
    pub office_id: i64,
    pub office_name: String,
    pub apply_until: DateTime<Utc>,
}

/// The 职改办 accepting 认定 at `now` in `year`, by name.
pub async fn open_offices(db: &Db, year: i32, now: DateTime<Utc>) -> DbResult<Vec<OpenOffice>> {
    let sql = "SELECT o.id AS office_id, o.name AS office_name, w.apply_until \
               FROM recognition_window w JOIN office o ON o.id = w.office_id \
               WHERE w.year = $1 AND w.apply_from <= $2 AND w.apply_until > $2 ORDER BY o.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(year).bind(now).fetch_all(p).await)?)
}

/// A title that 认定 can grant.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Qualification {
    pub series_id: i64,
    pub series_name: String,
    pub level_rank: i32,
    pub title_name: String,
}

/// Every title up to level `max_rank` (中级 = 3 for 认定, all for 重新确认), by series.
pub async fn qualifications(db: &Db, max_rank: i32) -> DbResult<Vec<Qualification>> {
    let sql = "SELECT s.id AS series_id, s.name AS series_name, t.level_rank, t.title_name \
               FROM series_title t JOIN series s ON s.id = t.series_id \
               WHERE t.level_rank BETWEEN 1 AND $1 ORDER BY s.sort_order, t.level_rank, t.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(max_rank).fetch_all(p).await)?)
}

/// Opens (or moves) a 职改办's 认定 window for a year.
pub async fn upsert_window(
    db: &Db,
    office_id: i64,
    year: i32,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO recognition_window (office_id, year, apply_from, apply_until, created_at) \
               VALUES ($1, $2, $3, $4, $5) ON CONFLICT (office_id, year) \
               DO UPDATE SET apply_from = excluded.apply_from, apply_until = excluded.apply_until";
    with_pool!(db, p => sqlx::query(sql).bind(office_id).bind(year).bind(from).bind(until)
        .bind(db.now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// One 认定条件 row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleRow {
    pub series_id: Option<i64>,
    pub education: String,
    pub level_rank: i32,
    pub months: i32,
}

/// The conditions that apply to a series: its own rows and those for every series.
pub async fn rules_for(db: &Db, series_id: i64) -> DbResult<Vec<RuleRow>> {
    let sql = "SELECT series_id, education, level_rank, months FROM recognition_rule \
               WHERE series_id = $1 OR series_id IS NULL ORDER BY education, level_rank";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(series_id).fetch_all(p).await)?)
}

/// A 认定条件 row as the admin page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleListRow {
    pub id: i64,
    pub series_id: Option<i64>,
    /// `None` for the rows of every series.
    pub series_name: Option<String>,
    pub education: String,
    pub level_rank: i32,
    pub months: i32,
}

/// Every 认定条件: those of every series first, then by series.
pub async fn all_rules(db: &Db) -> DbResult<Vec<RuleListRow>> {
    let sql = "SELECT r.id, r.series_id, s.name AS series_name, r.education, r.level_rank, r.months \
               FROM recognition_rule r LEFT JOIN series s ON s.id = r.series_id \
               ORDER BY r.series_id IS NOT NULL, s.sort_order, r.level_rank, r.education";
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// Sets the months of (series, education, level) inside `tx`, adding the row if needed.
pub async fn upsert_rule(
    tx: &mut crate::Tx,
    series_id: Option<i64>,
    education: &str,
    level_rank: i32,
    months: i32,
) -> DbResult<()> {
    // NULL series rows are "every series": matched explicitly, as NULLs never conflict.
    let update = "UPDATE recognition_rule SET months = $4 WHERE education = $2 AND level_rank = $3 \
                  AND (series_id = $1 OR (series_id IS NULL AND $1 IS NULL))";
    let n = crate::with_tx!(tx, c => sqlx::query(update).bind(series_id).bind(education)
        .bind(level_rank).bind(months).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    if n == 0 {
        let insert = "INSERT INTO recognition_rule (series_id, education, level_rank, months) \
                      VALUES ($1, $2, $3, $4)";
        crate::with_tx!(tx, c => sqlx::query(insert).bind(series_id).bind(education)
            .bind(level_rank).bind(months).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Removes a 认定条件 inside `tx`; what it was, if it existed.
pub async fn delete_rule(tx: &mut crate::Tx, id: i64) -> DbResult<Option<(String, i32, i32)>> {
    let sql = "DELETE FROM recognition_rule WHERE id = $1 RETURNING education, level_rank, months";
    Ok(crate::with_tx!(tx, c => sqlx::query_as(sql).bind(id).fetch_optional(&mut **c).await)?)
}

/// A 职改办's 认定 and 重新确认 window for a year, with its online fee.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WindowRow {
    pub office_id: i64,
    pub year: i32,
    pub apply_from: DateTime<Utc>,
    pub apply_until: DateTime<Utc>,
    pub fee_name: String,
    /// 0: no online fee.
    pub fee_fen: i64,
    pub pay_until: Option<chrono::NaiveDate>,
}

/// The window of `office_id` in `year`.
pub async fn window_of(
    conn: impl Into<crate::Conn<'_>>,
    office_id: i64,
    year: i32,
) -> DbResult<Option<WindowRow>> {
    let sql = "SELECT office_id, year, apply_from, apply_until, fee_name, fee_fen, pay_until \
               FROM recognition_window WHERE office_id = $1 AND year = $2";
    Ok(
        crate::with_conn!(conn, p => sqlx::query_as(sql).bind(office_id).bind(year).fetch_optional(p).await)?,
    )
}

/// Sets the online fee of a window inside `tx`; false when the office has no window that
/// year.
pub async fn set_fee(
    tx: &mut crate::Tx,
    office_id: i64,
    year: i32,
    fee_name: &str,
    fee_fen: i64,
    pay_until: Option<chrono::NaiveDate>,
) -> DbResult<bool> {
    let sql = "UPDATE recognition_window SET fee_name = $3, fee_fen = $4, pay_until = $5 \
               WHERE office_id = $1 AND year = $2";
    let n = crate::with_tx!(tx, c => sqlx::query(sql).bind(office_id).bind(year).bind(fee_name)
        .bind(fee_fen).bind(pay_until).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
