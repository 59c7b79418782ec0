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

/// Adds or replaces the row for one date.
pub async fn upsert(db: &Db, day: &CalendarDay, region: &str) -> DbResult<()> {
    let sql = "INSERT INTO calendar_day (day, kind, name, region) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, \
               region = excluded.region";
    with_pool!(db, p => sqlx::query(sql).bind(day.date).bind(day.kind.as_str()).bind(&day.name)
        .bind(region).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}
