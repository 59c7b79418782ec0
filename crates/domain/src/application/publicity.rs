//! 单位内部公示 — before a unit forwards a dossier it publishes it inside the unit for at
//! least 5 working days (calendar-aware; the posting day does not count).

use chrono::NaiveDate;

use crate::{CountFrom, WorkingCalendar};

/// Working days a unit's internal publicity lasts.
pub const UNIT_PUBLICITY_WORKING_DAYS: u32 = 5;

/// The last day of a publicity posted on `starts_on`.
pub fn publicity_ends(calendar: &WorkingCalendar, starts_on: NaiveDate) -> NaiveDate {
    calendar.add_working_days(starts_on, UNIT_PUBLICITY_WORKING_DAYS, CountFrom::NextDay)
}

/// The first day the unit may forward: the day after the publicity's last day.
pub fn forward_opens_on(calendar: &WorkingCalendar, starts_on: NaiveDate) -> NaiveDate {
    publicity_ends(calendar, starts_on) + chrono::Duration::days(1)
}

/// Whether the unit may forward on `today`: the whole period has passed.
pub fn may_forward(calendar: &WorkingCalendar, starts_on: NaiveDate, today: NaiveDate) -> bool {
    today > publicity_ends(calendar, starts_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CalendarDay, CalendarDayKind};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn five_working_days_skip_weekends_and_holidays() {
        let plain = WorkingCalendar::default();
        // Posted Monday 2 March: Tue–Fri and the next Monday are the five days.
        assert_eq!(publicity_ends(&plain, d(3, 2)), d(3, 9));
        assert!(!may_forward(&plain, d(3, 2), d(3, 9)));
        assert!(may_forward(&plain, d(3, 2), d(3, 10)));
        assert_eq!(forward_opens_on(&plain, d(3, 2)), d(3, 10));
        // A holiday inside the period (三月三 on Thursday 19 March) pushes the end a day.
        let with_holiday = WorkingCalendar::new([CalendarDay {
            date: d(3, 19),
            kind: CalendarDayKind::Holiday,
            name: "三月三".into(),
        }]);
        assert_eq!(publicity_ends(&with_holiday, d(3, 16)), d(3, 24));
        assert!(!may_forward(&with_holiday, d(3, 16), d(3, 24)));
        assert!(may_forward(&with_holiday, d(3, 16), d(3, 25)));
    }
}
