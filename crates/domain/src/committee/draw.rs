//! 随机抽取 — drawing the experts of one specialty group from the pool. The draw is
//! reproducible: every candidate gets a rank from SHA-256 over the draw's seed and the
//! candidate's id, and the lowest ranks are drawn. With the seed and the inputs logged,
//! anyone can run it again and get the same list; without the seed, nobody can steer it.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

/// An expert who could be drawn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Candidate {
    pub expert_id: i64,
    /// The expert's own unit, if known.
    pub unit_id: Option<i64>,
}

/// Whom the group's dossiers rule out.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Conflicts {
    /// The applicants themselves (an applicant may also be in the pool).
    pub applicants: BTreeSet<i64>,
    /// The units of the applicants: nobody from the same unit judges them.
    pub units: BTreeSet<i64>,
    /// Experts who declared a conflict with one of the applicants.
    pub declared: BTreeSet<i64>,
}

impl Conflicts {
    /// Why an expert may not sit on this group, if they may not.
    pub fn excludes(&self, c: &Candidate) -> Option<&'static str> {
        if self.applicants.contains(&c.expert_id) {
            Some("本人为申报人")
        } else if c.unit_id.is_some_and(|u| self.units.contains(&u)) {
            Some("与申报人同一单位")
        } else if self.declared.contains(&c.expert_id) {
            Some("申报回避")
        } else {
            None
        }
    }
}

/// Why a draw cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawRefusal {
    #[error("抽取人数应为单数")]
    EvenCount,
    #[error("抽取人数不能少于该级别评委会的最低人数{0}人")]
    BelowMinimum(u32),
    #[error("符合条件（已排除回避）的专家只有{available}人，不足{wanted}人")]
    NotEnough { available: usize, wanted: usize },
}

/// The rank of a candidate under a seed.
fn rank(seed: &str, expert_id: i64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    h.update(b":");
    h.update(expert_id.to_be_bytes());
    h.finalize().into()
}

/// The candidates in draw order (eligible ones only): the first `count` are drawn, the
/// next ones are who a redraw would bring in.
pub fn order(seed: &str, candidates: &[Candidate], conflicts: &Conflicts) -> Vec<i64> {
    let mut eligible: Vec<(&Candidate, [u8; 32])> = candidates
        .iter()
        .filter(|c| conflicts.excludes(c).is_none())
        .map(|c| (c, rank(seed, c.expert_id)))
        .collect();
    eligible.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.expert_id.cmp(&b.0.expert_id)));
    let mut seen = BTreeSet::new();
    eligible
        .into_iter()
        .map(|(c, _)| c.expert_id)
        .filter(|id| seen.insert(*id))
        .collect()
}

/// Draws `count` experts (odd, at least `minimum`).
pub fn draw(
    seed: &str,
    candidates: &[Candidate],
    conflicts: &Conflicts,
    count: u32,
    minimum: u32,
) -> Result<Vec<i64>, DrawRefusal> {
    if count.is_multiple_of(2) {
        return Err(DrawRefusal::EvenCount);
    }
    if count < minimum {
        return Err(DrawRefusal::BelowMinimum(minimum));
    }
    let ordered = order(seed, candidates, conflicts);
    if ordered.len() < count as usize {
        return Err(DrawRefusal::NotEnough {
            available: ordered.len(),
            wanted: count as usize,
        });
    }
    Ok(ordered.into_iter().take(count as usize).collect())
}

/// The replacement for a refused expert: the first eligible candidate in draw order who
/// is neither drawn already nor has refused before.
pub fn redraw(
    seed: &str,
    candidates: &[Candidate],
    conflicts: &Conflicts,
    already: &BTreeSet<i64>,
) -> Option<i64> {
    order(seed, candidates, conflicts)
        .into_iter()
        .find(|id| !already.contains(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Vec<Candidate> {
        (1..=20)
            .map(|id| Candidate {
                expert_id: id,
                unit_id: Some(100 + id % 5),
            })
            .collect()
    }

    #[test]
    fn the_same_seed_and_inputs_give_the_same_list_and_another_seed_another() {
        let c = Conflicts::default();
        let a = draw("seed-1", &pool(), &c, 7, 7).unwrap();
        assert_eq!(a, draw("seed-1", &pool(), &c, 7, 7).unwrap());
        let mut reversed = pool();
        reversed.reverse();
        assert_eq!(
            a,
            draw("seed-1", &reversed, &c, 7, 7).unwrap(),
            "input order is irrelevant"
        );
        assert_ne!(a, draw("seed-2", &pool(), &c, 7, 7).unwrap());
        assert_eq!(a.len(), 7);
        assert_eq!(a.iter().collect::<BTreeSet<_>>().len(), 7, "no one twice");
    }

    #[test]
    fn every_conflict_is_excluded() {
        let c = Conflicts {
            applicants: [3].into(),
            units: [101].into(), // experts 1, 6, 11, 16
            declared: [7, 8].into(),
        };
        for seed in ["a", "b", "c", "d", "e"] {
            let drawn = draw(seed, &pool(), &c, 11, 7).unwrap();
            for id in [3, 1, 6, 11, 16, 7, 8] {
                assert!(!drawn.contains(&id), "{id} drawn under seed {seed}");
            }
        }
        assert_eq!(order("a", &pool(), &c).len(), 20 - 7);
        assert_eq!(
            c.excludes(&Candidate {
                expert_id: 6,
                unit_id: Some(101)
            }),
            Some("与申报人同一单位")
        );
    }

    #[test]
    fn counts_must_be_odd_at_least_the_minimum_and_available() {
        let c = Conflicts::default();
        assert_eq!(draw("s", &pool(), &c, 8, 7), Err(DrawRefusal::EvenCount));
        assert_eq!(
            draw("s", &pool(), &c, 5, 7),
            Err(DrawRefusal::BelowMinimum(7))
        );
        assert_eq!(
            draw("s", &pool(), &c, 21, 7),
            Err(DrawRefusal::NotEnough {
                available: 20,
                wanted: 21
            })
        );
    }

    #[test]
    fn a_redraw_brings_in_the_next_in_order_and_is_reproducible() {
        let c = Conflicts::default();
        let drawn = draw("s", &pool(), &c, 7, 7).unwrap();
        let mut already: BTreeSet<i64> = drawn.iter().copied().collect();
        let next = redraw("s", &pool(), &c, &already).unwrap();
        assert_eq!(next, order("s", &pool(), &c)[7]);
        already.insert(next);
        assert_ne!(redraw("s", &pool(), &c, &already), Some(next));
    }
}
