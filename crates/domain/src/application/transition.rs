//! 状态机 — which event moves an application from which status to which, and who may
//! cause it (`domain.md` (b), rows 1–21). Every state change in the platform asks this
//! function first; a refusal carries the sentence the person reads.

use super::status::{ApplicationKind, ApplicationStatus as S};

/// Who acts on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// 个人 — the applicant.
    Applicant,
    /// 单位
    Unit,
    /// 主管部门
    Department,
    /// 职改办
    Office,
    /// 评委会办事机构 (and the committee's vote)
    Committee,
    /// The platform itself (timers, payment notices).
    System,
}

/// Where a return sends the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnTo {
    /// 退回至个人
    Applicant,
    /// 退回至单位
    Unit,
}

/// Something that happens to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// 同意并报送 (also the resubmission after a return to the applicant).
    Submit,
    /// 删除
    Delete,
    /// 撤回
    Withdraw,
    /// 单位退回至个人
    UnitReturn,
    /// 单位审核通过并报送 (after the internal publicity); through the 主管部门 when the
    /// unit reports through one.
    UnitForward { via_department: bool },
    /// 单位审核不通过
    UnitFail,
    /// 主管部门通过
    DepartmentPass,
    /// 主管部门退回
    DepartmentReturn(ReturnTo),
    /// 职改办初审通过; with online fees it waits for payment.
    OfficePass { fee_online: bool },
    /// 职改办退回
    OfficeReturn(ReturnTo),
    /// 职改办初审不通过
    OfficeFail,
    /// 缴费成功
    FeePaid,
    /// 缴费期结束仍未缴费
    FeeWindowClosed,
    /// 评委会退回
    CommitteeReturn(ReturnTo),
    /// 评委会不予受理
    CommitteeRefuse,
    /// 专家已抽取，评审会召开
    ReviewStarted,
    /// 表决通过 (同意票 ≥ 2/3 of those present)
    VotePassed,
    /// 表决未通过
    VoteFailed,
    /// 公示
    Publish,
    /// 异议成立
    ObjectionUpheld,
    /// 公示期满无有效异议
    PublicityEnded,
    /// 发文确认 (文号)
    Confirm,
    /// 生成证书
    IssueCertificate,
    /// 领取证书 — the holder confirms a mailed certificate has arrived.
    Collect,
    /// 现场领取登记 — the office's desk hands the certificate over and records who took it.
    HandOver,
    /// 撤销证书
    Revoke,
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionRefusal {
    /// The applicant tried to withdraw after the unit acted (the seed's message).
    #[error(
        "您好，由于单位已出具审核意见，不可撤回，请等待单位审核结果。若个人需要撤回修改，请联系单位工作人员"
    )]
    UnitHasActed,
    /// The event is not one this party may cause.
    #[error("您无权执行此操作")]
    NotYours,
    /// The event does not apply to the current status.
    #[error("当前状态为“{0}”，不能{1}")]
    WrongStatus(&'static str, &'static str),
}

impl Event {
    /// The only party that may cause the event.
    pub fn party(self) -> Party {
        match self {
            Self::Submit | Self::Delete | Self::Withdraw | Self::Collect => Party::Applicant,
            Self::UnitReturn | Self::UnitForward { .. } | Self::UnitFail => Party::Unit,
            Self::DepartmentPass | Self::DepartmentReturn(_) => Party::Department,
            Self::OfficePass { .. }
            | Self::OfficeReturn(_)
            | Self::OfficeFail
            | Self::Confirm
            | Self::IssueCertificate
            | Self::HandOver
            | Self::Revoke => Party::Office,
            Self::CommitteeReturn(_)
            | Self::CommitteeRefuse
            | Self::ReviewStarted
            | Self::VotePassed
            | Self::VoteFailed
            | Self::Publish
            | Self::ObjectionUpheld => Party::Committee,
            Self::FeePaid | Self::FeeWindowClosed | Self::PublicityEnded => Party::System,
        }
    }

    /// The words of the action, for refusals and the progress history.
    pub fn name(self) -> &'static str {
        match self {
            Self::Submit => "报送",
            Self::Delete => "删除",
            Self::Withdraw => "撤回",
            Self::UnitReturn => "退回",
            Self::UnitForward { .. } => "审核通过并报送",
            Self::UnitFail => "审核不通过",
            Self::DepartmentPass => "审核通过",
            Self::DepartmentReturn(_) => "退回",
            Self::OfficePass { .. } => "初审通过",
            Self::OfficeReturn(_) => "退回",
            Self::OfficeFail => "初审不通过",
            Self::FeePaid => "缴费",
            Self::FeeWindowClosed => "缴费期结束",
            Self::CommitteeReturn(_) => "退回",
            Self::CommitteeRefuse => "不予受理",
            Self::ReviewStarted => "开始评审",
            Self::VotePassed => "评审通过",
            Self::VoteFailed => "评审未通过",
            Self::Publish => "公示",
            Self::ObjectionUpheld => "异议成立，取消资格",
            Self::PublicityEnded => "公示期满",
            Self::Confirm => "发文确认",
            Self::IssueCertificate => "发证",
            Self::Collect => "领取证书",
            Self::HandOver => "现场领取",
            Self::Revoke => "撤销证书",
        }
    }
}

fn returned(to: ReturnTo) -> S {
    match to {
        ReturnTo::Applicant => S::ReturnedToApplicant,
        ReturnTo::Unit => S::ReturnedToUnit,
    }
}

/// Whether `by` may cause `event` on a dossier of `kind` in `status`: what a page asks
/// before it offers the button, so that a button and the rule cannot disagree.
pub fn allows(kind: ApplicationKind, status: S, event: Event, by: Party) -> bool {
    next_status(kind, status, event, by).is_ok()
}

/// The status after `event`, or why it cannot happen.
pub fn next_status(
    kind: ApplicationKind,
    from: S,
    event: Event,
    by: Party,
) -> Result<S, TransitionRefusal> {
    if event.party() != by {
        return Err(TransitionRefusal::NotYours);
    }
    let committee = kind == ApplicationKind::Evaluation;
    let direct = kind.skips_unit();
    let after_office = if committee {
        S::CommitteePending
    } else {
        S::AwaitingConfirmation
    };
    let to = match (from, event) {
        (S::Draft | S::ReturnedToApplicant, Event::Submit) if direct => S::OfficePending,
        (S::Draft | S::ReturnedToApplicant, Event::Submit) => S::UnitPending,
        (S::Draft | S::ReturnedToApplicant, Event::Delete) => S::Deleted,
        (S::UnitPending, Event::Withdraw) => S::Draft,
        // 审验 waits at the office from the start: withdrawn until the office acts.
        (S::OfficePending, Event::Withdraw) if direct => S::Draft,
        (S::OfficePending, Event::OfficeReturn(ReturnTo::Unit)) if direct => {
            return Err(TransitionRefusal::WrongStatus(from.label(), event.name()));
        }
        // Any status after 单位受理中 means the unit has given its opinion (a return to
        // the applicant included: the dossier is back, there is nothing to withdraw).
        (from, Event::Withdraw) if !matches!(from, S::Draft | S::Deleted) => {
            return Err(TransitionRefusal::UnitHasActed);
        }
        (S::UnitPending, Event::UnitReturn) => S::ReturnedToApplicant,
        (S::UnitPending | S::ReturnedToUnit, Event::UnitForward { via_department }) => {
            if via_department {
                S::DepartmentPending
            } else {
                S::OfficePending
            }
        }
        (S::UnitPending | S::ReturnedToUnit, Event::UnitFail) => S::UnitFailed,
        (S::DepartmentPending, Event::DepartmentPass) => S::OfficePending,
        (S::DepartmentPending, Event::DepartmentReturn(to)) => returned(to),
        (S::OfficePending, Event::OfficePass { fee_online: true }) => S::AwaitingFee,
        (S::OfficePending, Event::OfficePass { fee_online: false }) => after_office,
        (S::OfficePending, Event::OfficeReturn(to)) => returned(to),
        (S::OfficePending, Event::OfficeFail) => S::PreliminaryFailed,
        (S::AwaitingFee, Event::FeePaid) => after_office,
        (S::AwaitingFee, Event::FeeWindowClosed) => S::FeeOverdue,
        (S::CommitteePending, Event::CommitteeReturn(to)) if committee => returned(to),
        (S::CommitteePending, Event::CommitteeRefuse) if committee => S::CommitteeRejected,
        (S::CommitteePending, Event::ReviewStarted) if committee => S::UnderReview,
        (S::UnderReview, Event::VotePassed) => S::ReviewPassed,
        (S::UnderReview, Event::VoteFailed) => S::ReviewFailed,
        (S::ReviewPassed, Event::Publish) => S::InPublicity,
        (S::InPublicity, Event::ObjectionUpheld) => S::Disqualified,
        (S::InPublicity, Event::PublicityEnded) => S::AwaitingConfirmation,
        (S::AwaitingConfirmation, Event::Confirm) => S::Confirmed,
        (S::Confirmed, Event::IssueCertificate) => S::Issued,
        (S::Issued, Event::Collect | Event::HandOver) => S::Collected,
        (S::Issued | S::Collected, Event::Revoke) => S::Revoked,
        (from, event) => return Err(TransitionRefusal::WrongStatus(from.label(), event.name())),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_offer_exactly_what_the_rules_allow() {
        assert!(allows(
            EVAL,
            S::UnitPending,
            Event::Withdraw,
            Party::Applicant
        ));
        assert!(!allows(
            EVAL,
            S::OfficePending,
            Event::Withdraw,
            Party::Applicant
        ));
        assert!(!allows(EVAL, S::UnitPending, Event::Withdraw, Party::Unit));
        assert!(allows(
            EVAL,
            S::ReturnedToApplicant,
            Event::Submit,
            Party::Applicant
        ));
        assert!(allows(
            EVAL,
            S::ReturnedToUnit,
            Event::UnitForward {
                via_department: false
            },
            Party::Unit
        ));
        assert!(allows(
            ApplicationKind::Recognition,
            S::AwaitingConfirmation,
            Event::Confirm,
            Party::Office
        ));
        assert!(!allows(EVAL, S::Issued, Event::Confirm, Party::Office));
    }

    const EVAL: ApplicationKind = ApplicationKind::Evaluation;

    fn walk(kind: ApplicationKind, steps: &[(Event, Party)]) -> S {
        steps.iter().fold(S::Draft, |from, (e, p)| {
            next_status(kind, from, *e, *p).unwrap_or_else(|r| panic!("{from:?} {e:?}: {r}"))
        })
    }

    #[test]
    fn a_verification_goes_straight_to_the_office_and_back_only_to_the_person() {
        const VERIFY: ApplicationKind = ApplicationKind::Verification;
        let at_office = walk(VERIFY, &[(Event::Submit, Party::Applicant)]);
        assert_eq!(at_office, S::OfficePending);
        assert_eq!(
            next_status(VERIFY, at_office, Event::Withdraw, Party::Applicant),
            Ok(S::Draft)
        );
        assert!(!allows(
            VERIFY,
            at_office,
            Event::OfficeReturn(ReturnTo::Unit),
            Party::Office
        ));
        assert!(!allows(
            VERIFY,
            at_office,
            Event::UnitForward {
                via_department: false
            },
            Party::Unit
        ));
        let end = walk(
            VERIFY,
            &[
                (Event::Submit, Party::Applicant),
                (Event::OfficePass { fee_online: false }, Party::Office),
                (Event::Confirm, Party::Office),
                (Event::IssueCertificate, Party::Office),
            ],
        );
        assert_eq!(end, S::Issued);
        // Other kinds still start at the unit and cannot be withdrawn from the office.
        let evaluation = walk(EVAL, &[(Event::Submit, Party::Applicant)]);
        assert_eq!(evaluation, S::UnitPending);
        assert!(!allows(
            EVAL,
            S::OfficePending,
            Event::Withdraw,
            Party::Applicant
        ));
        let steps = super::super::status::ProgressStep::path(VERIFY, true);
        assert!(!steps.contains(&super::super::status::ProgressStep::Unit));
    }

    #[test]
    fn an_evaluation_runs_from_draft_to_certificate() {
        let end = walk(
            EVAL,
            &[
                (Event::Submit, Party::Applicant),
                (
                    Event::UnitForward {
                        via_department: true,
                    },
                    Party::Unit,
                ),
                (Event::DepartmentPass, Party::Department),
                (Event::OfficePass { fee_online: true }, Party::Office),
                (Event::FeePaid, Party::System),
                (Event::ReviewStarted, Party::Committee),
                (Event::VotePassed, Party::Committee),
                (Event::Publish, Party::Committee),
                (Event::PublicityEnded, Party::System),
                (Event::Confirm, Party::Office),
                (Event::IssueCertificate, Party::Office),
                (Event::Collect, Party::Applicant),
            ],
        );
        assert_eq!(end, S::Collected);
    }

    #[test]
    fn a_recognition_skips_the_committee() {
        let end = walk(
            ApplicationKind::Recognition,
            &[
                (Event::Submit, Party::Applicant),
                (
                    Event::UnitForward {
                        via_department: false,
                    },
                    Party::Unit,
                ),
                (Event::OfficePass { fee_online: false }, Party::Office),
            ],
        );
        assert_eq!(end, S::AwaitingConfirmation);
        assert!(
            next_status(
                ApplicationKind::Recognition,
                S::CommitteePending,
                Event::ReviewStarted,
                Party::Committee
            )
            .is_err()
        );
    }

    #[test]
    fn withdrawal_only_before_the_unit_acts() {
        assert_eq!(
            next_status(EVAL, S::UnitPending, Event::Withdraw, Party::Applicant),
            Ok(S::Draft)
        );
        assert_eq!(
            next_status(EVAL, S::OfficePending, Event::Withdraw, Party::Applicant),
            Err(TransitionRefusal::UnitHasActed)
        );
        assert_eq!(
            TransitionRefusal::UnitHasActed.to_string(),
            "您好，由于单位已出具审核意见，不可撤回，请等待单位审核结果。若个人需要撤回修改，请联系单位工作人员"
        );
    }

    #[test]
    fn returns_go_to_the_chosen_party_and_resubmission_follows_the_same_path() {
        let back = next_status(
            EVAL,
            S::OfficePending,
            Event::OfficeReturn(ReturnTo::Unit),
            Party::Office,
        )
        .unwrap();
        assert_eq!(back, S::ReturnedToUnit);
        assert!(
            !back.is_editable(),
            "the unit corrects it, not the applicant"
        );
        let again = next_status(
            EVAL,
            back,
            Event::UnitForward {
                via_department: false,
            },
            Party::Unit,
        );
        assert_eq!(again, Ok(S::OfficePending));
        let to_person = next_status(
            EVAL,
            S::DepartmentPending,
            Event::DepartmentReturn(ReturnTo::Applicant),
            Party::Department,
        )
        .unwrap();
        assert!(to_person.is_editable());
        assert_eq!(
            next_status(EVAL, to_person, Event::Submit, Party::Applicant),
            Ok(S::UnitPending)
        );
    }

    #[test]
    fn only_the_right_party_acts_and_final_states_stay_final() {
        assert_eq!(
            next_status(
                EVAL,
                S::UnitPending,
                Event::UnitForward {
                    via_department: false
                },
                Party::Applicant
            ),
            Err(TransitionRefusal::NotYours)
        );
        for end in [
            S::PreliminaryFailed,
            S::ReviewFailed,
            S::UnitFailed,
            S::Revoked,
        ] {
            assert!(end.is_finished());
            assert!(next_status(EVAL, end, Event::Submit, Party::Applicant).is_err());
        }
        let refusal =
            next_status(EVAL, S::UnitPending, Event::Delete, Party::Applicant).unwrap_err();
        assert_eq!(refusal.to_string(), "当前状态为“单位受理中”，不能删除");
    }

    #[test]
    fn every_status_has_a_unique_code_and_a_step() {
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
            let _ = s.step();
        }
        let path = super::super::status::ProgressStep::path(EVAL, false);
        assert_eq!(
            path.len(),
            6,
            "no 主管部门 step when the unit reports directly"
        );
        let path = super::super::status::ProgressStep::path(ApplicationKind::Recognition, true);
        assert_eq!(path.len(), 5);
    }
}
