//! 表决 — the meeting may vote only with at least two thirds of the drawn members present,
//! and a dossier passes with 同意 from at least two thirds of those present. Integer
//! arithmetic only, so no boundary is lost to rounding.

/// A ballot's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// 同意
    Agree,
    /// 不同意
    Disagree,
    /// 弃权
    Abstain,
}

impl Choice {
    /// Every choice, in ballot order.
    pub const ALL: [Choice; 3] = [Choice::Agree, Choice::Disagree, Choice::Abstain];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Choice::Agree => "agree",
            Choice::Disagree => "disagree",
            Choice::Abstain => "abstain",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Choice> {
        Choice::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Choice::Agree => "同意",
            Choice::Disagree => "不同意",
            Choice::Abstain => "弃权",
        }
    }
}

/// Whether `present` of `drawn` members make a quorum (≥ 2/3).
pub fn has_quorum(drawn: u32, present: u32) -> bool {
    drawn > 0 && present <= drawn && present * 3 >= drawn * 2
}

/// The count of one dossier's ballots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub agree: u32,
    pub disagree: u32,
    pub abstain: u32,
}

impl Tally {
    /// Counts ballots.
    pub fn of(choices: impl IntoIterator<Item = Choice>) -> Tally {
        let mut t = Tally::default();
        for c in choices {
            match c {
                Choice::Agree => t.agree += 1,
                Choice::Disagree => t.disagree += 1,
                Choice::Abstain => t.abstain += 1,
            }
        }
        t
    }

    /// Ballots cast.
    pub fn cast(&self) -> u32 {
        self.agree + self.disagree + self.abstain
    }

    /// Whether the dossier passes with `present` experts at the meeting (同意 ≥ 2/3 of
    /// those present; an abstention or a ballot not cast counts against).
    pub fn passes(&self, present: u32) -> bool {
        present > 0 && self.agree * 3 >= present * 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quorum_is_two_thirds_of_the_drawn_members() {
        assert!(has_quorum(7, 5));
        assert!(!has_quorum(7, 4));
        assert!(has_quorum(9, 6));
        assert!(!has_quorum(9, 5));
        assert!(has_quorum(25, 17));
        assert!(!has_quorum(25, 16));
        assert!(!has_quorum(0, 0));
        assert!(!has_quorum(7, 8), "more present than drawn is impossible");
    }

    #[test]
    fn a_dossier_passes_with_two_thirds_of_those_present() {
        let with = |agree, disagree, abstain| Tally {
            agree,
            disagree,
            abstain,
        };
        // 7 present: 5 pass, 4 fail.
        assert!(with(5, 2, 0).passes(7));
        assert!(!with(4, 3, 0).passes(7));
        assert!(!with(4, 0, 3).passes(7), "abstentions count against");
        // 6 present: exactly 4 is two thirds.
        assert!(with(4, 2, 0).passes(6));
        assert!(!with(3, 3, 0).passes(6));
        // 9 present: 6 pass, 5 fail.
        assert!(with(6, 3, 0).passes(9));
        assert!(!with(5, 4, 0).passes(9));
        assert!(!Tally::default().passes(0));
    }

    #[test]
    fn ballots_are_counted_by_choice() {
        let t = Tally::of([
            Choice::Agree,
            Choice::Agree,
            Choice::Abstain,
            Choice::Disagree,
        ]);
        assert_eq!(
            t,
            Tally {
                agree: 2,
                disagree: 1,
                abstain: 1
            }
        );
        assert_eq!(t.cast(), 4);
        assert_eq!(Choice::from_code("abstain"), Some(Choice::Abstain));
    }
}
