//! 评委专家入库申请 — a request to join the expert pool: 审核中 until the committee office
//! approves it (已入库) or returns it (已退回); only a returned request may be followed by
//! a new one, so a person never has two requests in review nor re-applies once admitted.

crate::stored_code! {
    /// 入库申请状态.
    pub enum EnrolmentStatus {
        /// 审核中
        Pending => ("pending", "审核中"),
        /// 已入库
        Approved => ("approved", "已入库"),
        /// 已退回 — the person may correct it and apply again.
        Returned => ("returned", "已退回"),
    }
}

/// A decision on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolmentDecision {
    /// 通过
    Approve,
    /// 退回
    Return,
}

/// Why a request cannot be made or decided, in the words people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnrolmentRefusal {
    #[error("您已有一份入库申请正在审核，请等待结果")]
    StillPending,
    #[error("您的入库申请已通过，已在评审专家库中，无需再次申请")]
    AlreadyApproved,
    #[error("该申请已处理")]
    AlreadyDecided,
}

impl EnrolmentRefusal {
    /// A short code for logs and tests.
    pub fn code(self) -> &'static str {
        match self {
            Self::StillPending => "pending",
            Self::AlreadyApproved => "approved",
            Self::AlreadyDecided => "decided",
        }
    }
}

/// Whether a person whose latest request is `latest` may send a new one.
pub fn may_apply(latest: Option<EnrolmentStatus>) -> Result<(), EnrolmentRefusal> {
    match latest {
        None | Some(EnrolmentStatus::Returned) => Ok(()),
        Some(EnrolmentStatus::Pending) => Err(EnrolmentRefusal::StillPending),
        Some(EnrolmentStatus::Approved) => Err(EnrolmentRefusal::AlreadyApproved),
    }
}

impl EnrolmentStatus {
    /// The status after `decision`; only a pending request is decided.
    pub fn after(self, decision: EnrolmentDecision) -> Result<EnrolmentStatus, EnrolmentRefusal> {
        match (self, decision) {
            (Self::Pending, EnrolmentDecision::Approve) => Ok(Self::Approved),
            (Self::Pending, EnrolmentDecision::Return) => Ok(Self::Returned),
            _ => Err(EnrolmentRefusal::AlreadyDecided),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnrolmentStatus as S;

    #[test]
    fn only_a_first_or_returned_request_may_be_followed_by_another() {
        assert_eq!(may_apply(None), Ok(()));
        assert_eq!(may_apply(Some(S::Returned)), Ok(()));
        assert_eq!(
            may_apply(Some(S::Pending)),
            Err(EnrolmentRefusal::StillPending)
        );
        assert_eq!(
            may_apply(Some(S::Approved)),
            Err(EnrolmentRefusal::AlreadyApproved)
        );
    }

    #[test]
    fn a_request_is_decided_once() {
        assert_eq!(
            S::Pending.after(EnrolmentDecision::Approve),
            Ok(S::Approved)
        );
        assert_eq!(S::Pending.after(EnrolmentDecision::Return), Ok(S::Returned));
        for s in [S::Approved, S::Returned] {
            for d in [EnrolmentDecision::Approve, EnrolmentDecision::Return] {
                assert_eq!(s.after(d), Err(EnrolmentRefusal::AlreadyDecided));
            }
        }
    }
}
