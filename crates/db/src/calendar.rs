//! 工作日历 rows: the holidays and make-up workdays that admins maintain.

use chrono::NaiveDate;
use zc_domain::{CalendarDay, CalendarDayKind, WorkingCalendar};

use crate::{Db, DbResult, with_pool};

/// Every stored calendar row for the given region (`全国` rows always apply).
pub async fn days(db: &Db, region: &str) -> DbResult<Vec<CalendarDay>> {
    let sql = "SELECT day, kind, name FROM calendar_day WHERE region IN ('全国', $1) ORDER BY day";
    let rows: Vec<(NaiveDate, String, String)> =
        with_pool!(db, p => sqlx::query_as(sql).bind(region).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(date, kind, name)| {
            CalendarDayKind::parse(&kind).map(|kind| CalendarDay { date, kind, name })
        })
        .collect())
}

/// The working calendar of a region, ready for deadline arithmetic.
pub async fn working_calendar(db: &Db, region: &str) -> DbResult<WorkingCalendar> {
    Ok(WorkingCalendar::new(days(db, region).await?))
}

/// A stored calendar row with its region, for the admin page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarRow {
    pub day: NaiveDate,
    pub kind: String,
    pub name: String,
    pub region: String,
}

/// Rows between two dates (inclusive), paged.
pub async fn rows_between(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<CalendarRow>> {
    let sql = "SELECT day, kind, name, region FROM calendar_day WHERE day >= $1 AND day <= $2 \
               ORDER BY day LIMIT CAST($3 AS BIGINT) OFFSET $4";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(from).bind(to).bind(limit).bind(offset)
        .fetch_all(p).await)?,
    )
}

/// Number of rows between two dates (inclusive).
pub async fn count_between(db: &Db, from: NaiveDate, to: NaiveDate) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM calendar_day WHERE day >= $1 AND day <= $2";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(from).bind(to).fetch_one(p).await)?)
}

/// Inserts or replaces a row inside a transaction.
pub async fn upsert_in(tx: &mut crate::Tx, day: &CalendarDay, region: &str) -> DbResult<()> {
    let sql = "INSERT INTO calendar_day (day, kind, name, region) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
               region = excluded.region";
    crate::with_tx!(tx, c => sqlx::query(sql).bind(day.date).bind(day.kind.as_str())
        .bind(&day.name).bind(region).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes the row of one date inside a transaction; returns whether one existed.
pub async fn delete_in(tx: &mut crate::Tx, day: NaiveDate) -> DbResult<bool> {
    let sql = "DELETE FROM calendar_day WHERE day = $1";
    let n = crate::with_tx!(tx, c => sqlx::query(sql).bind(day).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
