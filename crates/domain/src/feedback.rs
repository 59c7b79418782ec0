//! 意见建议 and 好差评 — what a person tells an office, and the national 政务服务 rating of
//! a finished service (国办发〔2019〕51号: one rating per case, five levels; a 差评 is
//! called back and answered within a set number of working days).

/// 意见建议的类别 — what the feedback is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackCategory {
    /// 政策咨询
    Consultation,
    /// 意见建议
    Suggestion,
    /// 投诉
    Complaint,
    /// 系统使用问题
    SystemProblem,
}

impl FeedbackCategory {
    /// Every category, in the order the form offers them.
    pub const ALL: [FeedbackCategory; 4] = [
        Self::Consultation,
        Self::Suggestion,
        Self::Complaint,
        Self::SystemProblem,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Consultation => "consultation",
            Self::Suggestion => "suggestion",
            Self::Complaint => "complaint",
            Self::SystemProblem => "system",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Consultation => "政策咨询",
            Self::Suggestion => "意见建议",
            Self::Complaint => "投诉",
            Self::SystemProblem => "系统使用问题",
        }
    }

    /// The category of a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Where a piece of feedback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackStatus {
    /// 待回复
    Open,
    /// 已回复
    Answered,
}

impl FeedbackStatus {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "待回复",
            Self::Answered => "已回复",
        }
    }

    /// The status of a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Open, Self::Answered]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// Longest feedback text, in characters.
pub const BODY_MAX: usize = 1000;
/// Longest reply or follow-up answer, in characters.
pub const REPLY_MAX: usize = 1000;
/// Longest reason given with a rating, in characters.
pub const REASON_MAX: usize = 500;

/// Why a text is refused, if it is: `what` names the field ("反映的内容").
pub fn check_text(what: &str, text: &str, max: usize) -> Option<String> {
    let n = text.trim().chars().count();
    if n == 0 {
        Some(format!("请填写{what}"))
    } else if n < 5 {
        Some(format!("{what}太短，请至少写5个字，说清楚事情"))
    } else if n > max {
        Some(format!("{what}不能超过{max}个字（现有{n}个）"))
    } else {
        None
    }
}

/// 联系方式 is optional; when given it is a mainland mobile or an e-mail address, so that
/// the office can call back.
pub fn check_contact(contact: &str) -> Option<&'static str> {
    let c = contact.trim();
    if c.is_empty()
        || crate::phone::Phone::parse(c).is_ok()
        || crate::email::Email::parse(c).is_ok()
    {
        None
    } else {
        Some("联系方式请填写11位手机号码或电子邮箱，也可以不填")
    }
}

/// 好差评 — the five levels of the national rating, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    VeryDissatisfied = 1,
    Dissatisfied = 2,
    Neutral = 3,
    Satisfied = 4,
    VerySatisfied = 5,
}

impl Grade {
    /// The five levels as the form offers them, best first.
    pub const ALL: [Grade; 5] = [
        Self::VerySatisfied,
        Self::Satisfied,
        Self::Neutral,
        Self::Dissatisfied,
        Self::VeryDissatisfied,
    ];

    /// The level's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::VerySatisfied => "非常满意",
            Self::Satisfied => "满意",
            Self::Neutral => "基本满意",
            Self::Dissatisfied => "不满意",
            Self::VeryDissatisfied => "非常不满意",
        }
    }

    /// The stored number (5 best).
    pub fn value(self) -> i32 {
        self as i32
    }

    /// The level of a stored or posted number.
    pub fn from_value(v: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.value() == v)
    }

    /// 差评: the person must say why, and the office must call back.
    pub fn is_poor(self) -> bool {
        self <= Self::Dissatisfied
    }
}

/// Working days an office has to answer a 差评 (the Sichuan closed loop: 15 working days,
/// every one called back).
pub const FOLLOW_UP_WORKING_DAYS: u32 = 15;

/// Why a rating is refused, if it is: a 差评 needs its reason; any reason has a limit.
pub fn check_rating(grade: Grade, reason: &str) -> Option<String> {
    let n = reason.trim().chars().count();
    if grade.is_poor() && n == 0 {
        Some(format!(
            "选择“{}”时请写明原因，办理单位会在{}个工作日内回访",
            grade.label(),
            FOLLOW_UP_WORKING_DAYS
        ))
    } else if n > REASON_MAX {
        Some(format!("评价原因不能超过{REASON_MAX}个字（现有{n}个）"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_need_substance_and_a_limit() {
        assert_eq!(
            check_text("反映的内容", "  ", BODY_MAX).as_deref(),
            Some("请填写反映的内容")
        );
        assert!(check_text("反映的内容", "太慢了", BODY_MAX).is_some());
        assert!(check_text("反映的内容", "审核太慢了，请加快", BODY_MAX).is_none());
        let long = "字".repeat(1001);
        assert_eq!(
            check_text("反映的内容", &long, BODY_MAX).as_deref(),
            Some("反映的内容不能超过1000个字（现有1001个）")
        );
    }

    #[test]
    fn a_contact_is_a_mobile_an_email_or_nothing() {
        assert!(check_contact("").is_none());
        assert!(check_contact("13800138000").is_none());
        assert!(check_contact("a@example.cn").is_none());
        assert!(check_contact("0771-1234567").is_some());
    }

    #[test]
    fn a_poor_rating_needs_a_reason_and_others_do_not() {
        assert!(Grade::Dissatisfied.is_poor());
        assert!(Grade::VeryDissatisfied.is_poor());
        assert!(!Grade::Neutral.is_poor());
        assert!(check_rating(Grade::Dissatisfied, " ").is_some());
        assert!(check_rating(Grade::Dissatisfied, "等了三个月").is_none());
        assert!(check_rating(Grade::VerySatisfied, "").is_none());
        assert!(check_rating(Grade::Satisfied, &"好".repeat(501)).is_some());
    }

    #[test]
    fn grades_round_trip_and_run_best_first() {
        for g in Grade::ALL {
            assert_eq!(Grade::from_value(g.value()), Some(g));
        }
        assert_eq!(Grade::ALL[0].label(), "非常满意");
        assert_eq!(Grade::from_value(0), None);
        assert_eq!(
            FeedbackCategory::from_code("complaint"),
            Some(FeedbackCategory::Complaint)
        );
    }
}
