//! 评审专家 — membership of the expert pool is granted for a term of at most 3 years.

use chrono::{Datelike, NaiveDate};

/// The longest term an expert is granted at once.
pub const MAX_TERM_YEARS: i32 = 3;

/// Why a term was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermRefusal {
    #[error("聘期结束日期须晚于开始日期")]
    EndsBeforeStart,
    #[error("专家聘期最长3年")]
    TooLong,
}

/// The same day `years` later (28 February for 29 February in a common year).
fn years_later(day: NaiveDate, years: i32) -> NaiveDate {
    let year = day.year() + years;
    day.with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, day.month(), 28))
        .unwrap_or(day)
}

/// Checks a term from `start` to `end` (both days included).
pub fn check_term(start: NaiveDate, end: NaiveDate) -> Result<(), TermRefusal> {
    if end <= start {
        return Err(TermRefusal::EndsBeforeStart);
    }
    if end >= years_later(start, MAX_TERM_YEARS) {
        return Err(TermRefusal::TooLong);
    }
    Ok(())
}

/// The longest term starting on `start`: three years less a day.
pub fn full_term_end(start: NaiveDate) -> NaiveDate {
    years_later(start, MAX_TERM_YEARS)
        .pred_opt()
        .unwrap_or(start)
}

/// Whether the expert serves on `day`.
pub fn serving_on(start: NaiveDate, end: NaiveDate, day: NaiveDate) -> bool {
    start <= day && day <= end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_term_is_at_most_three_years() {
        let start = d(2026, 3, 1);
        assert_eq!(full_term_end(start), d(2029, 2, 28));
        assert_eq!(check_term(start, full_term_end(start)), Ok(()));
        assert_eq!(check_term(start, d(2029, 3, 1)), Err(TermRefusal::TooLong));
        assert_eq!(check_term(start, start), Err(TermRefusal::EndsBeforeStart));
        assert_eq!(full_term_end(d(2028, 2, 29)), d(2031, 2, 27));
    }

    #[test]
    fn serving_includes_both_ends() {
        let (start, end) = (d(2026, 1, 1), d(2028, 12, 31));
        assert!(serving_on(start, end, start));
        assert!(serving_on(start, end, end));
        assert!(!serving_on(start, end, d(2029, 1, 1)));
        assert!(!serving_on(start, end, d(2025, 12, 31)));
    }
}
