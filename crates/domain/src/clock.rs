//! The platform's one clock. Every "now" and every "today" (the China date, UTC+8) comes
//! from a [`Clock`] that travels with the database handle, so a test can run a whole
//! server at a chosen instant (01:00 China time is the interesting one: the UTC date is
//! still yesterday) without touching any other server in the same process.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::calendar::china_date;

/// The time as the platform reads it: the system clock, or the system clock moved by a
/// set amount (tests). Cheap to clone; clones share the setting.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Microseconds added to the system clock; `None` is the system clock itself.
    shift_micros: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock (the default).
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that reads `start` now and runs on from there at the system clock's pace.
    /// Time keeps passing, so idle deadlines, leases and rate windows behave as in
    /// production.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        let clock = Clock {
            shift_micros: Some(Arc::new(AtomicI64::new(0))),
        };
        clock.set(start);
        clock
    }

    /// Moves a [`Clock::starting_at`] clock so it reads `instant` now (a system clock
    /// cannot be moved: it is left as it is, so production code cannot move time).
    pub fn set(&self, instant: DateTime<Utc>) {
        if let Some(shift) = &self.shift_micros {
            let micros = (instant - Utc::now())
                .num_microseconds()
                .unwrap_or(i64::MAX);
            shift.store(micros, Ordering::Relaxed);
        }
    }

    /// Moves a settable clock forward by `by` (tests: "three working days later").
    pub fn advance(&self, by: Duration) {
        if let Some(shift) = &self.shift_micros {
            let micros = by.num_microseconds().unwrap_or(i64::MAX);
            shift.fetch_add(micros, Ordering::Relaxed);
        }
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        match &self.shift_micros {
            None => now,
            Some(shift) => now + Duration::microseconds(shift.load(Ordering::Relaxed)),
        }
    }

    /// Today's date in China (UTC+8): the date on every form, deadline and publicity.
    pub fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_clock_started_at_one_in_the_morning_china_time_reads_the_china_date() {
        // 2026-03-01 17:00 UTC is 2026-03-02 01:00 in China.
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 17, 0, 0).unwrap();
        let clock = Clock::starting_at(start);
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert!((clock.now() - start).num_seconds().abs() < 5);
        assert_eq!(clock.now().date_naive(), start.date_naive());
    }

    #[test]
    fn clones_share_the_setting_and_advance_together() {
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 17, 0, 0).unwrap();
        let clock = Clock::starting_at(start);
        let seen_by_server = clock.clone();
        clock.advance(Duration::days(3));
        assert_eq!(
            seen_by_server.today(),
            NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()
        );
    }

    #[test]
    fn the_system_clock_cannot_be_moved() {
        let clock = Clock::system();
        clock.set(Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap());
        clock.advance(Duration::days(400));
        assert!((clock.now() - Utc::now()).num_seconds().abs() < 5);
    }
}
