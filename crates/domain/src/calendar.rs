//! 工作日历 — the working-day calendar.
//!
//! Publicity periods (公示, 5 working days) and review deadlines (单位审核, 3 working days)
//! are counted in working days. China moves weekends around holidays every year (调休), so
//! a working day is not simply Monday–Friday: the State Council's schedule and Guangxi's
//! regional 三月三 holiday come from an editable table and are handed to this module.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// What a calendar row says about one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarDayKind {
    /// 法定节假日或地方假日 — an official day off (statutory or regional).
    Holiday,
    /// 调休补班 — a Saturday or Sunday that is worked instead.
    MakeupWorkday,
}

impl CalendarDayKind {
    /// The value stored in the `calendar_day.kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::MakeupWorkday => "makeup_workday",
        }
    }

    /// Parses the stored column value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "holiday" => Some(Self::Holiday),
            "makeup_workday" => Some(Self::MakeupWorkday),
            _ => None,
        }
    }

    /// The label staff see: 放假 or 补班.
    pub fn label(self) -> &'static str {
        match self {
            Self::Holiday => "放假",
            Self::MakeupWorkday => "补班",
        }
    }
}

/// One exceptional date in the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: CalendarDayKind,
    /// Holiday name, e.g. 春节 or 三月三.
    pub name: String,
}

/// Whether the day on which something starts (a publicity is posted, a dossier arrives)
/// counts as the first working day of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CountFrom {
    /// 当日不计入 — counting starts on the next day (the usual reading of the rules).
    #[default]
    NextDay,
    /// 当日计入 — the start day counts if it is a working day.
    SameDay,
}

/// The set of exceptional dates, from which working days are derived.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    holidays: HashSet<NaiveDate>,
    makeup_workdays: HashSet<NaiveDate>,
}

impl WorkingCalendar {
    /// Builds a calendar from its exceptional days.
    pub fn new(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        let mut cal = Self::default();
        for d in days {
            match d.kind {
                CalendarDayKind::Holiday => cal.holidays.insert(d.date),
                CalendarDayKind::MakeupWorkday => cal.makeup_workdays.insert(d.date),
            };
        }
        cal
    }

    /// 是否工作日: a make-up workday always works; otherwise Monday–Friday unless a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.makeup_workdays.contains(&date) {
            return true;
        }
        let weekday = !matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        weekday && !self.holidays.contains(&date)
    }

    /// The date on which a period of `n` working days that starts on `start` ends: the
    /// deadline is the end of that day. With `n == 0` the period ends on `start` itself.
    pub fn add_working_days(&self, start: NaiveDate, n: u32, count_from: CountFrom) -> NaiveDate {
        if n == 0 {
            return start;
        }
        let mut remaining = n;
        let mut day = start;
        if count_from == CountFrom::SameDay && self.is_working_day(day) {
            remaining -= 1;
            if remaining == 0 {
                return day;
            }
        }
        loop {
            // At the end of chrono's range there is no later day: the period ends there.
            let Some(next) = day.checked_add_days(Days::new(1)) else {
                return day;
            };
            day = next;
            if self.is_working_day(day) {
                remaining -= 1;
                if remaining == 0 {
                    return day;
                }
            }
        }
    }

    /// Working days strictly after `start` up to and including `end` (0 if `end <= start`);
    /// used to tell someone how far a publicity has run.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> u32 {
        start
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= end)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }
}

/// China Standard Time is UTC+8 all year (no daylight saving).
const CHINA_OFFSET_HOURS: i64 = 8;

/// The calendar date in China at `now`.
pub fn china_date(now: DateTime<Utc>) -> NaiveDate {
    (now + Duration::hours(CHINA_OFFSET_HOURS)).date_naive()
}

/// A moment as people in China read it: `2026-03-02 09:30`.
pub fn format_china_time(t: DateTime<Utc>) -> String {
    (t + Duration::hours(CHINA_OFFSET_HOURS))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The moment a China calendar day begins, in UTC.
pub fn china_day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc() - Duration::hours(CHINA_OFFSET_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_dates_run_eight_hours_ahead_of_utc() {
        let late = NaiveDate::from_ymd_opt(2026, 12, 31)
            .unwrap()
            .and_hms_opt(16, 30, 0)
            .unwrap()
            .and_utc();
        assert_eq!(
            china_date(late),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        let start = china_day_start(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(
            china_date(start),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(
            china_date(start - Duration::seconds(1)),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn holiday(date: NaiveDate) -> CalendarDay {
        CalendarDay {
            date,
            kind: CalendarDayKind::Holiday,
            name: "假日".into(),
        }
    }

    fn makeup(date: NaiveDate) -> CalendarDay {
        CalendarDay {
            date,
            kind: CalendarDayKind::MakeupWorkday,
            name: "补班".into(),
        }
    }

    /// The 2026 Spring Festival: 2/15–2/23 off, Saturdays 2/14 and 2/28 worked.
    fn spring_festival_2026() -> WorkingCalendar {
        let mut days: Vec<_> = d(2026, 2, 15).iter_days().take(9).map(holiday).collect();
        days.push(makeup(d(2026, 2, 14)));
        days.push(makeup(d(2026, 2, 28)));
        WorkingCalendar::new(days)
    }

    /// 国庆 2024: 10/1–10/7 off, Sunday 9/29 and Saturday 10/12 worked.
    fn national_day_2024() -> WorkingCalendar {
        let mut days: Vec<_> = d(2024, 10, 1).iter_days().take(7).map(holiday).collect();
        days.push(makeup(d(2024, 9, 29)));
        days.push(makeup(d(2024, 10, 12)));
        WorkingCalendar::new(days)
    }

    #[test]
    fn ordinary_weeks_work_monday_to_friday() {
        let cal = WorkingCalendar::default();
        assert!(cal.is_working_day(d(2026, 11, 27))); // Friday
        assert!(!cal.is_working_day(d(2026, 11, 28))); // Saturday
        assert!(!cal.is_working_day(d(2026, 11, 29))); // Sunday
        // Posted on a Monday, five working days end on the next Monday.
        assert_eq!(
            cal.add_working_days(d(2026, 11, 23), 5, CountFrom::NextDay),
            d(2026, 11, 30)
        );
        assert_eq!(
            cal.add_working_days(d(2026, 11, 23), 5, CountFrom::SameDay),
            d(2026, 11, 27)
        );
    }

    #[test]
    fn spring_festival_days_are_off_and_makeup_saturdays_work() {
        let cal = spring_festival_2026();
        assert!(cal.is_working_day(d(2026, 2, 14)), "补班 Saturday works");
        assert!(
            !cal.is_working_day(d(2026, 2, 16)),
            "Monday in the holiday is off"
        );
        assert!(
            !cal.is_working_day(d(2026, 2, 23)),
            "last holiday day is off"
        );
        assert!(cal.is_working_day(d(2026, 2, 24)));
        assert!(
            cal.is_working_day(d(2026, 2, 28)),
            "补班 Saturday after the holiday works"
        );
    }

    #[test]
    fn publicity_across_spring_festival_skips_the_holiday() {
        let cal = spring_festival_2026();
        // Posted Thursday 2/12: 2/13 (Fri) and 2/14 (补班 Sat) count, then nothing until 2/24.
        assert_eq!(
            cal.add_working_days(d(2026, 2, 12), 5, CountFrom::NextDay),
            d(2026, 2, 26)
        );
        // Without the 补班 Saturday the period would end one working day later.
        let no_makeup = WorkingCalendar::new(d(2026, 2, 15).iter_days().take(9).map(holiday));
        assert_eq!(
            no_makeup.add_working_days(d(2026, 2, 12), 5, CountFrom::NextDay),
            d(2026, 2, 27)
        );
    }

    #[test]
    fn national_day_makeup_saturday_counts() {
        let cal = national_day_2024();
        assert!(
            cal.is_working_day(d(2024, 9, 29)),
            "Sunday 9/29 is a 补班 day"
        );
        assert!(
            cal.is_working_day(d(2024, 10, 12)),
            "Saturday 10/12 is a 补班 day"
        );
        // Posted Friday 9/27: 9/29 (Sun, 补班), 9/30, then 10/8, 10/9, 10/10.
        assert_eq!(
            cal.add_working_days(d(2024, 9, 27), 5, CountFrom::NextDay),
            d(2024, 10, 10)
        );
        // Posted Tuesday 10/8: 10/9, 10/10, 10/11, 10/12 (Sat, 补班), 10/14.
        assert_eq!(
            cal.add_working_days(d(2024, 10, 8), 5, CountFrom::NextDay),
            d(2024, 10, 14)
        );
    }

    #[test]
    fn same_day_counting_ignores_a_non_working_start() {
        let cal = national_day_2024();
        // Starting on a holiday, the start day cannot count even when configured to.
        assert_eq!(
            cal.add_working_days(d(2024, 10, 3), 1, CountFrom::SameDay),
            d(2024, 10, 8)
        );
        assert_eq!(
            cal.add_working_days(d(2024, 10, 3), 0, CountFrom::NextDay),
            d(2024, 10, 3)
        );
    }

    #[test]
    fn working_days_between_counts_after_start_through_end() {
        let cal = spring_festival_2026();
        assert_eq!(cal.working_days_between(d(2026, 2, 12), d(2026, 2, 26)), 5);
        assert_eq!(cal.working_days_between(d(2026, 2, 26), d(2026, 2, 12)), 0);
    }

    #[test]
    fn kind_round_trips_through_its_column_value() {
        for k in [CalendarDayKind::Holiday, CalendarDayKind::MakeupWorkday] {
            assert_eq!(CalendarDayKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(CalendarDayKind::parse("weekend"), None);
    }
}
