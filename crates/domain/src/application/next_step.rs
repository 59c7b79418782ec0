//! 继续办理 — what an unfinished application waits for, as the applicant's home says it:
//! whose move it is, in words, and the button that makes it when it is the applicant's.

use super::ApplicationStatus;

/// What the applicant can do about an application now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// 继续填写 — open the form.
    Fill,
    /// 修改后重新报送 — open the first returned section.
    FixReturn,
    /// 去缴费.
    Pay,
}

/// The next step of an application in `status`; `None` once the process has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextStep {
    /// The step in words, e.g. 等待单位审核.
    pub text: &'static str,
    /// The applicant's own move, when it is theirs.
    pub yours: Option<Move>,
}

/// The next step of an application in `status`; `None` once it has ended.
pub fn next_step(status: ApplicationStatus) -> Option<NextStep> {
    use ApplicationStatus as S;
    let (text, yours) = match status {
        S::Draft => ("填写申报表，填完后审核报送", Some(Move::Fill)),
        S::ReturnedToApplicant => ("按退回意见修改后重新报送", Some(Move::FixReturn)),
        S::AwaitingFee => ("初审已通过，请按时缴纳评审费", Some(Move::Pay)),
        S::UnitPending => ("等待单位审核", None),
        S::ReturnedToUnit => ("单位正在按退回意见修改", None),
        S::DepartmentPending => ("等待主管部门审核", None),
        S::OfficePending => ("等待职改办审核", None),
        S::CommitteePending | S::UnderReview => ("等待评审会评审", None),
        S::ReviewPassed => ("评审通过，等待结果公示", None),
        S::InPublicity => ("评审结果公示中", None),
        S::AwaitingConfirmation => ("等待职改办发文", None),
        S::Confirmed => ("已发文，等待发证", None),
        // Ended (the test holds every unfinished status to a step above).
        _ => return None,
    };
    Some(NextStep { text, yours })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unfinished_status_names_a_step_and_finished_ones_none() {
        for s in ApplicationStatus::ALL {
            assert_eq!(
                next_step(s).is_none(),
                s.is_finished(),
                "{s:?}: a step exactly while it is unfinished"
            );
        }
    }

    #[test]
    fn the_applicants_own_moves() {
        assert_eq!(
            next_step(ApplicationStatus::ReturnedToApplicant).and_then(|n| n.yours),
            Some(Move::FixReturn)
        );
        assert_eq!(
            next_step(ApplicationStatus::AwaitingFee).and_then(|n| n.yours),
            Some(Move::Pay)
        );
        assert_eq!(
            next_step(ApplicationStatus::UnitPending),
            Some(NextStep {
                text: "等待单位审核",
                yours: None
            })
        );
    }
}
