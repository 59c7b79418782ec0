//! 申报状态 — every status an application passes through, with its Chinese label and
//! its place on the progress bar.

/// 申报类型 — the kind of application; 认定 and 重新确认 skip the committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicationKind {
    /// 职称评审 — evaluation by a committee.
    Evaluation,
    /// 职称认定 — recognition by the 职改办 without a committee vote.
    Recognition,
    /// 重新确认 — a title obtained elsewhere (another province or system) confirmed by the
    /// 职改办, without a committee.
    Reconfirmation,
    /// 遗失补办 — a lost certificate voided by a public notice and replaced.
    Replacement,
    /// 审验 — a certificate obtained before the platform, verified by the office that
    /// granted it and brought online (数字化归集).
    Verification,
}

impl ApplicationKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Evaluation => "evaluation",
            Self::Recognition => "recognition",
            Self::Reconfirmation => "reconfirmation",
            Self::Replacement => "replacement",
            Self::Verification => "verification",
        }
    }

    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Evaluation => "职称评审",
            Self::Recognition => "职称认定",
            Self::Reconfirmation => "重新确认",
            Self::Replacement => "遗失补办",
            Self::Verification => "审验",
        }
    }

    /// Every kind, in the order menus list them.
    pub const ALL: [ApplicationKind; 5] = [
        Self::Evaluation,
        Self::Recognition,
        Self::Reconfirmation,
        Self::Replacement,
        Self::Verification,
    ];

    /// Whether it applies for a title, and so counts toward one series a year (遗失补办 and
    /// 审验 concern a title already held, and may be made at any time).
    pub fn seeks_title(self) -> bool {
        matches!(
            self,
            Self::Evaluation | Self::Recognition | Self::Reconfirmation
        )
    }

    /// Whether the dossier goes straight to the 职改办, without the unit (审验: the
    /// granting office checks its own record).
    pub fn skips_unit(self) -> bool {
        self == Self::Verification
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The printed form's title: 评审表, 认定表 …
    pub fn form_title(self) -> &'static str {
        match self {
            Self::Evaluation => "专业技术资格评审表",
            Self::Recognition => "专业技术资格认定表",
            Self::Reconfirmation => "专业技术资格重新确认表",
            Self::Replacement => "职称证书遗失补办申请表",
            Self::Verification => "职称证书审验表",
        }
    }

    /// The boxes on the printed form where the applicant signs and each desk that
    /// decides gives its opinion and seal, in the order the dossier passes them.
    pub fn signature_boxes(self) -> Vec<&'static str> {
        let mut boxes = vec!["申报人承诺：以上内容及所附材料真实有效"];
        if !self.skips_unit() {
            boxes.push("单位意见");
        }
        boxes.push("主管部门意见");
        if self == Self::Evaluation {
            boxes.push("评审委员会意见");
        }
        boxes.push("职改办意见");
        boxes
    }
}

pub use crate::stored_code::UnknownCode;

impl TryFrom<String> for ApplicationKind {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<Self, UnknownCode> {
        Self::from_code(&code).ok_or(UnknownCode(code))
    }
}

impl TryFrom<String> for ApplicationStatus {
    type Error = UnknownCode;
    fn try_from(code: String) -> Result<Self, UnknownCode> {
        Self::from_code(&code).ok_or(UnknownCode(code))
    }
}

/// 申报状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicationStatus {
    /// 待完善 — a draft the applicant edits.
    Draft,
    /// 单位受理中 — waiting for the unit.
    UnitPending,
    /// 退回（至个人）— editable again by the applicant.
    ReturnedToApplicant,
    /// 退回（至单位）— the unit corrects and forwards again.
    ReturnedToUnit,
    /// 单位审核不通过 — final.
    UnitFailed,
    /// 主管部门待受理
    DepartmentPending,
    /// 职改办待受理
    OfficePending,
    /// 初审通过，待缴费
    AwaitingFee,
    /// 初审不通过 — final.
    PreliminaryFailed,
    /// 逾期未缴费 — final.
    FeeOverdue,
    /// 评委会受理中 (待评审)
    CommitteePending,
    /// 评委会不予受理 — final.
    CommitteeRejected,
    /// 评审中
    UnderReview,
    /// 评审通过，待公示
    ReviewPassed,
    /// 评审未通过 — final.
    ReviewFailed,
    /// 公示中
    InPublicity,
    /// 取消资格 — an objection was upheld; final.
    Disqualified,
    /// 待发文
    AwaitingConfirmation,
    /// 已确认 (文号)
    Confirmed,
    /// 已发证
    Issued,
    /// 已领取 / 已邮寄
    Collected,
    /// 已撤销 — the certificate was revoked; final.
    Revoked,
    /// 已删除 — a draft the applicant removed (kept, soft-deleted).
    Deleted,
}

impl ApplicationStatus {
    /// Every status, in process order.
    pub const ALL: [ApplicationStatus; 23] = [
        Self::Draft,
        Self::UnitPending,
        Self::ReturnedToApplicant,
        Self::ReturnedToUnit,
        Self::UnitFailed,
        Self::DepartmentPending,
        Self::OfficePending,
        Self::AwaitingFee,
        Self::PreliminaryFailed,
        Self::FeeOverdue,
        Self::CommitteePending,
        Self::CommitteeRejected,
        Self::UnderReview,
        Self::ReviewPassed,
        Self::ReviewFailed,
        Self::InPublicity,
        Self::Disqualified,
        Self::AwaitingConfirmation,
        Self::Confirmed,
        Self::Issued,
        Self::Collected,
        Self::Revoked,
        Self::Deleted,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::UnitPending => "unit_pending",
            Self::ReturnedToApplicant => "returned_to_applicant",
            Self::ReturnedToUnit => "returned_to_unit",
            Self::UnitFailed => "unit_failed",
            Self::DepartmentPending => "department_pending",
            Self::OfficePending => "office_pending",
            Self::AwaitingFee => "awaiting_fee",
            Self::PreliminaryFailed => "preliminary_failed",
            Self::FeeOverdue => "fee_overdue",
            Self::CommitteePending => "committee_pending",
            Self::CommitteeRejected => "committee_rejected",
            Self::UnderReview => "under_review",
            Self::ReviewPassed => "review_passed",
            Self::ReviewFailed => "review_failed",
            Self::InPublicity => "in_publicity",
            Self::Disqualified => "disqualified",
            Self::AwaitingConfirmation => "awaiting_confirmation",
            Self::Confirmed => "confirmed",
            Self::Issued => "issued",
            Self::Collected => "collected",
            Self::Revoked => "revoked",
            Self::Deleted => "deleted",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The label people read (the seed's words where it has them).
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "待完善",
            Self::UnitPending => "单位受理中",
            Self::ReturnedToApplicant => "退回（待修改）",
            Self::ReturnedToUnit => "退回至单位",
            Self::UnitFailed => "单位审核不通过",
            Self::DepartmentPending => "主管部门待受理",
            Self::OfficePending => "职改办待受理",
            Self::AwaitingFee => "初审通过（待缴费）",
            Self::PreliminaryFailed => "初审不通过",
            Self::FeeOverdue => "逾期未缴费",
            Self::CommitteePending => "评委会受理中",
            Self::CommitteeRejected => "评委会不予受理",
            Self::UnderReview => "评审中",
            Self::ReviewPassed => "评审通过（待公示）",
            Self::ReviewFailed => "评审未通过",
            Self::InPublicity => "公示中",
            Self::Disqualified => "取消资格",
            Self::AwaitingConfirmation => "待发文",
            Self::Confirmed => "已确认",
            Self::Issued => "已发证",
            Self::Collected => "已领取",
            Self::Revoked => "已撤销",
            Self::Deleted => "已删除",
        }
    }

    /// 报送职改办: the office and level may still be changed (before the first submission;
    /// afterwards reviewers have seen the dossier).
    pub fn may_change_destination(self) -> bool {
        self == Self::Draft
    }

    /// The applicant may edit the sections.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::ReturnedToApplicant)
    }

    /// The process has ended (for better or worse); a new application in another series
    /// may then be started the same year.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Self::UnitFailed
                | Self::PreliminaryFailed
                | Self::FeeOverdue
                | Self::CommitteeRejected
                | Self::ReviewFailed
                | Self::Disqualified
                | Self::Issued
                | Self::Collected
                | Self::Revoked
                | Self::Deleted
        )
    }

    /// The progress-bar step this status belongs to.
    pub fn step(self) -> ProgressStep {
        match self {
            Self::Draft | Self::ReturnedToApplicant | Self::Deleted => ProgressStep::Applicant,
            Self::UnitPending | Self::ReturnedToUnit | Self::UnitFailed => ProgressStep::Unit,
            Self::DepartmentPending => ProgressStep::Department,
            Self::OfficePending
            | Self::AwaitingFee
            | Self::PreliminaryFailed
            | Self::FeeOverdue => ProgressStep::Office,
            Self::CommitteePending
            | Self::CommitteeRejected
            | Self::UnderReview
            | Self::ReviewPassed
            | Self::ReviewFailed => ProgressStep::Committee,
            Self::InPublicity | Self::Disqualified | Self::AwaitingConfirmation => {
                ProgressStep::Publicity
            }
            Self::Confirmed | Self::Issued | Self::Collected | Self::Revoked => {
                ProgressStep::Certificate
            }
        }
    }
}

/// A step of the progress bar (个人申报 → 单位 → 主管部门 → 职改办 → 评审会 → 公示 → 发证).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProgressStep {
    Applicant,
    Unit,
    Department,
    Office,
    Committee,
    Publicity,
    Certificate,
}

impl ProgressStep {
    /// The steps of an application, leaving out the 主管部门 where the unit reports
    /// directly and the committee and publicity for 认定.
    pub fn path(kind: ApplicationKind, via_department: bool) -> Vec<ProgressStep> {
        [
            Self::Applicant,
            Self::Unit,
            Self::Department,
            Self::Office,
            Self::Committee,
            Self::Publicity,
            Self::Certificate,
        ]
        .into_iter()
        .filter(|s| via_department || *s != Self::Department)
        .filter(|s| !kind.skips_unit() || !matches!(s, Self::Unit | Self::Department))
        .filter(|s| {
            kind == ApplicationKind::Evaluation || !matches!(s, Self::Committee | Self::Publicity)
        })
        .collect()
    }

    /// The label on the bar, in the seed's words (单位待受理, 职改办待受理).
    pub fn label(self) -> &'static str {
        match self {
            Self::Applicant => "个人申报",
            Self::Unit => "单位待受理",
            Self::Department => "主管部门待受理",
            Self::Office => "职改办待受理",
            Self::Committee => "评审会评审",
            Self::Publicity => "结果公示",
            Self::Certificate => "发证",
        }
    }
}

#[cfg(test)]
mod form_tests {
    use super::ApplicationKind;

    #[test]
    fn each_kind_prints_its_own_title_and_the_desks_it_passes() {
        assert_eq!(
            ApplicationKind::Evaluation.form_title(),
            "专业技术资格评审表"
        );
        let evaluation = ApplicationKind::Evaluation.signature_boxes();
        assert_eq!(evaluation.len(), 5);
        assert!(evaluation.contains(&"评审委员会意见"));
        let verification = ApplicationKind::Verification.signature_boxes();
        assert!(!verification.contains(&"单位意见"), "审验 skips the unit");
        assert!(!verification.contains(&"评审委员会意见"));
        assert!(
            ApplicationKind::Recognition
                .signature_boxes()
                .contains(&"单位意见")
        );
    }
}
