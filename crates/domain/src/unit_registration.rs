//! 单位注册 — a unit registers and its 职改办 reviews it: 待审核 until approved (已通过)
//! or returned (已退回); a returned registration is corrected and sent again.

crate::stored_code! {
    /// 单位注册状态.
    pub enum UnitStatus {
        /// 待审核 — its staff cannot yet be chosen as an applicant's unit.
        Pending => ("pending", "待审核"),
        /// 已通过
        Approved => ("approved", "已通过"),
        /// 已退回 — the unit's administrator corrects it and sends it again.
        Returned => ("returned", "已退回"),
    }
}

impl UnitStatus {
    /// Whether the office still has to decide.
    pub fn awaits_review(self) -> bool {
        self == Self::Pending
    }

    /// Whether the unit's administrator may correct and resubmit.
    pub fn may_resubmit(self) -> bool {
        self == Self::Returned
    }

    /// Whether applicants may choose the unit.
    pub fn open_to_applicants(self) -> bool {
        self == Self::Approved
    }
}

#[cfg(test)]
mod tests {
    use super::UnitStatus as S;

    #[test]
    fn only_approved_units_take_applicants_and_only_returned_ones_resubmit() {
        assert!(S::Approved.open_to_applicants());
        assert!(!S::Pending.open_to_applicants() && !S::Returned.open_to_applicants());
        assert!(S::Returned.may_resubmit() && !S::Pending.may_resubmit());
        assert!(S::Pending.awaits_review() && !S::Approved.awaits_review());
    }
}
