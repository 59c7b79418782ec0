//! 今日 — what the Guangxi working-day calendar says about today, as the home pages show
//! it. Kept for a minute per server ([`crate::fresh`]): the calendar is the largest read of
//! a home page and changes a few times a year.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Weekday};
use zc_db::{calendar, seed::GUANGXI};
use zc_domain::CountFrom;

use crate::{error::AppResult, state::AppState, views::format_date};

/// What the calendar says about today.
#[derive(Debug, Clone)]
pub struct TodayFacts {
    /// The China date the facts are for.
    pub date: NaiveDate,
    pub today: String,
    pub weekday: &'static str,
    pub working: bool,
    /// The end of 3 and 5 working days counted from today (today not counted).
    pub after_3: String,
    pub after_5: String,
}

fn weekday_name(w: Weekday) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][w.num_days_from_monday() as usize]
}

/// Today's facts from the Guangxi calendar.
pub async fn today_facts(state: &AppState) -> AppResult<Arc<TodayFacts>> {
    let today = state.db.today();
    if let Some(facts) = state.today.get(|f| f.date == today) {
        return Ok(facts);
    }
    let cal = calendar::working_calendar(&state.db, GUANGXI).await?;
    Ok(state.today.keep(TodayFacts {
        date: today,
        today: format_date(today),
        weekday: weekday_name(today.weekday()),
        working: cal.is_working_day(today),
        after_3: format_date(cal.add_working_days(today, 3, CountFrom::NextDay)),
        after_5: format_date(cal.add_working_days(today, 5, CountFrom::NextDay)),
    }))
}
