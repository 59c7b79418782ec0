//! 统计报表 — the rules behind an office's figures: which statuses count as passed or
//! failed, how long each desk held a dossier (in working days, from the progress
//! history), medians and rates.

use chrono::NaiveDate;

use crate::application::ApplicationStatus as S;
use crate::calendar::WorkingCalendar;

/// How a dossier's case came out, as the pass rate counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 通过: reviewed (or recognised) and on its way to a certificate, or holding one.
    Passed,
    /// 未通过: refused at any desk, lapsed, disqualified or revoked.
    Failed,
    /// Still being handled (or withdrawn as a draft).
    Open,
}

impl Outcome {
    /// The outcome of a dossier in `status`.
    pub fn of(status: S) -> Outcome {
        match status {
            S::ReviewPassed
            | S::InPublicity
            | S::AwaitingConfirmation
            | S::Confirmed
            | S::Issued
            | S::Collected => Outcome::Passed,
            S::UnitFailed
            | S::PreliminaryFailed
            | S::FeeOverdue
            | S::CommitteeRejected
            | S::ReviewFailed
            | S::Disqualified
            | S::Revoked => Outcome::Failed,
            _ => Outcome::Open,
        }
    }
}

/// Passed out of decided, in per cent; `None` before anything was decided.
pub fn pass_rate(passed: i64, failed: i64) -> Option<f64> {
    let decided = passed + failed;
    (decided > 0).then(|| passed as f64 * 100.0 / decided as f64)
}

/// A desk that holds dossiers while it decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Desk {
    /// 单位
    Unit,
    /// 主管部门
    Department,
    /// 职改办
    Office,
    /// 评审委员会 (受理 and 评审)
    Committee,
}

impl Desk {
    /// Every desk, in the order a dossier passes them.
    pub const ALL: [Desk; 4] = [Self::Unit, Self::Department, Self::Office, Self::Committee];

    /// The desk's name.
    pub fn label(self) -> &'static str {
        match self {
            Self::Unit => "单位审核",
            Self::Department => "主管部门审核",
            Self::Office => "职改办审核",
            Self::Committee => "评委会受理与评审",
        }
    }

    /// The desk holding a dossier in `status`, if one does.
    pub fn holding(status: S) -> Option<Desk> {
        match status {
            S::UnitPending => Some(Self::Unit),
            S::DepartmentPending => Some(Self::Department),
            S::OfficePending => Some(Self::Office),
            S::CommitteePending | S::UnderReview => Some(Self::Committee),
            _ => None,
        }
    }
}

/// A line of a dossier's history, as the statistics read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub application_id: i64,
    /// China date of the step.
    pub on: NaiveDate,
    pub from: Option<S>,
    pub to: Option<S>,
}

/// Each finished stay of a dossier at a desk: `(desk, arrived, left)`. `steps` are in
/// history order per dossier (dossiers one after another); a stay still running is left
/// out, as are lines that do not move a dossier (a note, a rating).
pub fn desk_stays(steps: &[Step]) -> Vec<(Desk, NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut current: Option<(i64, Desk, NaiveDate)> = None;
    for s in steps {
        if current.is_some_and(|(app, ..)| app != s.application_id) {
            current = None;
        }
        let from = s.from.and_then(Desk::holding);
        let to = s.to.and_then(Desk::holding);
        if from == to {
            continue;
        }
        if let (Some((_, desk, arrived)), Some(left)) = (current, from)
            && desk == left
        {
            out.push((desk, arrived, s.on));
        }
        current = to.map(|d| (s.application_id, d, s.on));
    }
    out
}

/// The median of `values`; `None` for none.
pub fn median(mut values: Vec<u32>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        f64::from(values[mid])
    } else {
        (f64::from(values[mid - 1]) + f64::from(values[mid])) / 2.0
    })
}

/// Per desk, how many stays ended and their median length in working days (a dossier
/// decided the day it arrived took 0).
pub fn desk_medians(steps: &[Step], calendar: &WorkingCalendar) -> Vec<(Desk, usize, Option<f64>)> {
    let stays = desk_stays(steps);
    Desk::ALL
        .into_iter()
        .map(|desk| {
            let days: Vec<u32> = stays
                .iter()
                .filter(|(d, ..)| *d == desk)
                .map(|(_, arrived, left)| calendar.working_days_between(*arrived, *left))
                .collect();
            (desk, days.len(), median(days))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    fn step(app: i64, day: u32, from: S, to: S) -> Step {
        Step {
            application_id: app,
            on: d(day),
            from: Some(from),
            to: Some(to),
        }
    }

    #[test]
    fn outcomes_count_passes_and_failures_only_when_decided() {
        assert_eq!(Outcome::of(S::Issued), Outcome::Passed);
        assert_eq!(Outcome::of(S::ReviewFailed), Outcome::Failed);
        assert_eq!(Outcome::of(S::UnitPending), Outcome::Open);
        assert_eq!(pass_rate(3, 1), Some(75.0));
        assert_eq!(pass_rate(0, 0), None);
    }

    #[test]
    fn stays_run_from_arrival_to_departure_and_returns_start_again() {
        let steps = [
            step(1, 2, S::Draft, S::UnitPending),
            step(1, 4, S::UnitPending, S::ReturnedToApplicant),
            step(1, 5, S::ReturnedToApplicant, S::UnitPending),
            // A rating or note does not move the dossier.
            step(1, 6, S::UnitPending, S::UnitPending),
            step(1, 9, S::UnitPending, S::OfficePending),
            step(1, 10, S::OfficePending, S::AwaitingFee),
            step(2, 3, S::Draft, S::UnitPending),
            // Dossier 2 is still at its unit: no stay yet.
        ];
        assert_eq!(
            desk_stays(&steps),
            [
                (Desk::Unit, d(2), d(4)),
                (Desk::Unit, d(5), d(9)),
                (Desk::Office, d(9), d(10)),
            ]
        );
    }

    #[test]
    fn the_committee_holds_a_dossier_from_acceptance_to_its_result() {
        let steps = [
            step(7, 2, S::AwaitingFee, S::CommitteePending),
            step(7, 3, S::CommitteePending, S::UnderReview),
            step(7, 20, S::UnderReview, S::ReviewPassed),
        ];
        assert_eq!(desk_stays(&steps), [(Desk::Committee, d(2), d(20))]);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3.0));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2.5));
    }

    #[test]
    fn desk_medians_count_working_days() {
        let calendar = WorkingCalendar::new([]);
        // Monday 2 March to Friday 6 March, and Friday 6 to Monday 9 March.
        let steps = [
            step(1, 2, S::Draft, S::UnitPending),
            step(1, 6, S::UnitPending, S::OfficePending),
            step(1, 9, S::OfficePending, S::AwaitingFee),
        ];
        let medians = desk_medians(&steps, &calendar);
        assert_eq!(medians[0], (Desk::Unit, 1, Some(4.0)));
        assert_eq!(medians[1], (Desk::Department, 0, None));
        assert_eq!(medians[2], (Desk::Office, 1, Some(1.0)));
    }
}
