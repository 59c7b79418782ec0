//! 阶段时间 — each review stage of a plan (单位审核, 主管部门审核, 职改办审核) opens and
//! closes at set times. Outside its window a desk cannot decide, unless the 职改办 has
//! reopened that one dossier's stage, with a recorded reason, until a given time.

use chrono::{DateTime, Utc};

use super::Party;

/// A review stage with a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 单位审核
    Unit,
    /// 主管部门审核
    Department,
    /// 职改办审核
    Office,
}

impl Stage {
    /// Every stage, in the order a dossier meets them.
    pub const ALL: [Stage; 3] = [Stage::Unit, Stage::Department, Stage::Office];

    /// The stage a party decides in, if it has a window.
    pub fn of(party: Party) -> Option<Stage> {
        match party {
            Party::Unit => Some(Stage::Unit),
            Party::Department => Some(Stage::Department),
            Party::Office => Some(Stage::Office),
            _ => None,
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Unit => "unit",
            Stage::Department => "department",
            Stage::Office => "office",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Unit => "单位审核",
            Stage::Department => "主管部门审核",
            Stage::Office => "职改办审核",
        }
    }
}

/// Why a stage is shut for a decision now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageShut {
    /// Opens at this time.
    NotYet(DateTime<Utc>),
    /// Closed at this time.
    Closed(DateTime<Utc>),
}

/// Whether a desk may decide at `now`: no window set means always; a window means from
/// its opening to its close; a reopening lets one dossier through until its end.
pub fn check(
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    reopened_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StageShut> {
    if reopened_until.is_some_and(|until| now < until) {
        return Ok(());
    }
    match window {
        None => Ok(()),
        Some((opens, _)) if now < opens => Err(StageShut::NotYet(opens)),
        Some((_, closes)) if now >= closes => Err(StageShut::Closed(closes)),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_window_lets_decisions_through_from_opening_until_close() {
        let w = Some((t(2, 0), t(10, 0)));
        assert_eq!(check(None, None, t(1, 0)), Ok(()), "no window, no limit");
        assert_eq!(check(w, None, t(1, 23)), Err(StageShut::NotYet(t(2, 0))));
        assert_eq!(check(w, None, t(2, 0)), Ok(()));
        assert_eq!(check(w, None, t(9, 23)), Ok(()));
        assert_eq!(check(w, None, t(10, 0)), Err(StageShut::Closed(t(10, 0))));
    }

    #[test]
    fn a_reopening_lets_one_dossier_through_until_it_ends() {
        let w = Some((t(2, 0), t(10, 0)));
        assert_eq!(check(w, Some(t(12, 0)), t(11, 0)), Ok(()));
        assert_eq!(
            check(w, Some(t(12, 0)), t(12, 0)),
            Err(StageShut::Closed(t(10, 0)))
        );
    }

    #[test]
    fn stages_follow_the_deciding_party() {
        assert_eq!(Stage::of(Party::Unit), Some(Stage::Unit));
        assert_eq!(Stage::of(Party::Applicant), None);
        assert_eq!(Stage::from_code("department"), Some(Stage::Department));
    }
}
