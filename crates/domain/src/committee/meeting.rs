//! 评审会议 — a meeting's life (准备中 → 已抽取专家 → 表决中 → 表决结束) and each drawn
//! expert's seat (待确认 → 已确认参加 / 拒绝参加 → 出席 / 已补抽替换), as small state
//! machines: services ask them before every change and compare-and-set the stored status.

crate::stored_code! {
    /// 会议状态 — where a meeting is.
    pub enum MeetingStatus {
        /// 准备中 — dossiers are gathered onto the agenda.
        Preparing => ("preparing", "准备中"),
        /// 已抽取专家 — at least one specialty group has its experts.
        Drawn => ("drawn", "已抽取专家"),
        /// 表决中 — attendance recorded, the ballot box is open.
        Voting => ("voting", "表决中"),
        /// 表决结束 — the box was opened and every dossier passed or failed.
        Closed => ("closed", "表决结束"),
    }
}

/// What moves a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingEvent {
    /// 加入申报 — dossiers join the agenda (the status stays).
    Gather,
    /// 随机抽取 or 补抽 for a specialty group.
    Draw,
    /// 开始表决 with a quorum present.
    OpenVote,
    /// 结束表决 — the ballots are counted.
    CloseVote,
}

/// Why a meeting refuses an event, in the words staff read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MeetingRefusal {
    #[error("专家已抽取，不能再加入申报")]
    AlreadyDrawn,
    #[error("会议已开始表决，不能再抽取专家")]
    VotingStarted,
    #[error("会议不在可开始表决的状态")]
    NotDrawn,
    #[error("会议不在表决中")]
    NotVoting,
}

impl MeetingRefusal {
    /// A short code for logs and tests.
    pub fn code(self) -> &'static str {
        match self {
            Self::AlreadyDrawn => "drawn",
            Self::VotingStarted => "voting",
            Self::NotDrawn => "not_drawn",
            Self::NotVoting => "not_voting",
        }
    }
}

impl MeetingStatus {
    /// The status after `event`, or why the meeting refuses it.
    pub fn after(self, event: MeetingEvent) -> Result<MeetingStatus, MeetingRefusal> {
        use MeetingEvent as E;
        use MeetingStatus as S;
        match (self, event) {
            (S::Preparing, E::Gather) => Ok(S::Preparing),
            (_, E::Gather) => Err(MeetingRefusal::AlreadyDrawn),
            (S::Preparing | S::Drawn, E::Draw) => Ok(S::Drawn),
            (_, E::Draw) => Err(MeetingRefusal::VotingStarted),
            (S::Drawn, E::OpenVote) => Ok(S::Voting),
            (_, E::OpenVote) => Err(MeetingRefusal::NotDrawn),
            (S::Voting, E::CloseVote) => Ok(S::Closed),
            (_, E::CloseVote) => Err(MeetingRefusal::NotVoting),
        }
    }

    /// Whether `event` may happen now (the page offers its button only then).
    pub fn allows(self, event: MeetingEvent) -> bool {
        self.after(event).is_ok()
    }

    /// Whether the passed dossiers may be put up for 评审结果公示.
    pub fn publishes_results(self) -> bool {
        self == Self::Closed
    }

    /// Whether staff may see the counts of each dossier: only once the box is opened, so
    /// that no one reads a trend while experts still vote.
    pub fn shows_tally(self) -> bool {
        self == Self::Closed
    }

    /// Whether the page shows how many have voted so far.
    pub fn shows_cast_count(self) -> bool {
        self == Self::Voting
    }
}

crate::stored_code! {
    /// 参会状态 — a drawn expert's seat at a meeting.
    pub enum SeatStatus {
        /// 待确认 — told, not yet answered.
        Invited => ("invited", "待确认"),
        /// 已确认参加
        Confirmed => ("confirmed", "已确认参加"),
        /// 拒绝参加 — waits for a 补抽.
        Refused => ("refused", "拒绝参加"),
        /// 已补抽替换 — no longer counts towards the quorum.
        Replaced => ("replaced", "已补抽替换"),
        /// 出席 — present when the vote opened; may vote.
        Present => ("present", "出席"),
    }
}

/// What moves a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatEvent {
    /// The expert confirms.
    Accept,
    /// The expert declines.
    Decline,
    /// Staff draw a replacement for a refusal.
    Replace,
    /// Staff record the expert present as the vote opens.
    CheckIn,
}

impl SeatStatus {
    /// The seat after `event`, or `None` when the seat cannot take it.
    pub fn after(self, event: SeatEvent) -> Option<SeatStatus> {
        use SeatEvent as E;
        use SeatStatus as S;
        match (self, event) {
            (S::Invited, E::Accept) => Some(S::Confirmed),
            (S::Invited, E::Decline) => Some(S::Refused),
            (S::Refused, E::Replace) => Some(S::Replaced),
            (S::Confirmed, E::CheckIn) => Some(S::Present),
            _ => None,
        }
    }

    /// Whether the expert serves at the meeting (reads dossiers, writes opinions).
    pub fn serves(self) -> bool {
        matches!(self, Self::Confirmed | Self::Present)
    }

    /// Whether the seat counts among the members drawn for the quorum.
    pub fn counts_as_drawn(self) -> bool {
        self != Self::Replaced
    }

    /// Whether the expert may cast ballots at a meeting that is voting.
    pub fn may_vote(self) -> bool {
        self == Self::Present
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_goes_forward_only() {
        use MeetingEvent as E;
        use MeetingStatus as S;
        assert_eq!(S::Preparing.after(E::Gather), Ok(S::Preparing));
        assert_eq!(S::Drawn.after(E::Gather), Err(MeetingRefusal::AlreadyDrawn));
        assert_eq!(S::Preparing.after(E::Draw), Ok(S::Drawn));
        assert_eq!(S::Drawn.after(E::Draw), Ok(S::Drawn));
        assert_eq!(S::Voting.after(E::Draw), Err(MeetingRefusal::VotingStarted));
        assert_eq!(
            S::Preparing.after(E::OpenVote),
            Err(MeetingRefusal::NotDrawn)
        );
        assert_eq!(S::Drawn.after(E::OpenVote), Ok(S::Voting));
        assert_eq!(S::Drawn.after(E::CloseVote), Err(MeetingRefusal::NotVoting));
        assert_eq!(S::Voting.after(E::CloseVote), Ok(S::Closed));
        for e in [E::Gather, E::Draw, E::OpenVote, E::CloseVote] {
            assert!(S::Closed.after(e).is_err(), "{e:?} after closing");
        }
    }

    #[test]
    fn counts_show_only_after_the_box_is_opened() {
        assert!(!MeetingStatus::Voting.shows_tally());
        assert!(MeetingStatus::Voting.shows_cast_count());
        assert!(MeetingStatus::Closed.shows_tally());
        assert!(!MeetingStatus::Closed.shows_cast_count());
    }

    #[test]
    fn a_seat_is_answered_once_and_only_refusals_are_replaced() {
        use SeatEvent as E;
        use SeatStatus as S;
        assert_eq!(S::Invited.after(E::Accept), Some(S::Confirmed));
        assert_eq!(S::Invited.after(E::Decline), Some(S::Refused));
        assert_eq!(S::Confirmed.after(E::Decline), None);
        assert_eq!(S::Refused.after(E::Accept), None);
        assert_eq!(S::Confirmed.after(E::Replace), None);
        assert_eq!(S::Refused.after(E::Replace), Some(S::Replaced));
        assert_eq!(S::Confirmed.after(E::CheckIn), Some(S::Present));
        assert_eq!(S::Invited.after(E::CheckIn), None);
        assert!(S::Present.may_vote() && !S::Confirmed.may_vote());
        assert!(S::Confirmed.serves() && S::Present.serves() && !S::Invited.serves());
        assert!(!S::Replaced.counts_as_drawn() && S::Refused.counts_as_drawn());
    }
}
