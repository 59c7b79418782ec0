//! What committee staff see of one meeting: the agenda with each dossier's count as far
//! as the vote allows, the specialty groups still without experts and their minimum size,
//! the members, the experts' opinions and the draw log checked by running it again. Read
//! in a fixed number of queries whatever the size of the agenda.

use std::collections::HashMap;

use zc_db::{
    Db,
    meetings::{AgendaRow, DrawRow, MeetingRow, MemberRow, OpinionRow},
};
use zc_domain::committee::{minimum_size::MinimumSizes, vote::Tally};

use crate::{ServiceResult, committee_meetings};

/// How much of a dossier's vote staff may see now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteView {
    /// Before the vote, or no ballots yet.
    Nothing,
    /// While voting: only how many have voted.
    Cast(i64),
    /// After the box was opened: the counts and the outcome.
    Counted { tally: Tally, passed: bool },
}

/// A dossier on the agenda with what may be shown of its vote.
#[derive(Debug, Clone)]
pub struct AgendaEntry {
    pub dossier: AgendaRow,
    pub vote: VoteView,
}

/// A specialty group with dossiers and no experts drawn yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndrawnGroup {
    pub specialty: String,
    /// The smallest panel for the group's highest level.
    pub minimum: u32,
}

/// A logged draw and whether running it again from its seed gives the same experts.
#[derive(Debug, Clone)]
pub struct CheckedDraw {
    pub draw: DrawRow,
    pub replays: bool,
}

/// Everything the meeting page shows.
#[derive(Debug, Clone)]
pub struct MeetingOverview {
    pub meeting: MeetingRow,
    pub agenda: Vec<AgendaEntry>,
    pub undrawn: Vec<UndrawnGroup>,
    pub members: Vec<MemberRow>,
    pub opinions: Vec<OpinionRow>,
    pub draws: Vec<CheckedDraw>,
}

/// The overview of a meeting of the staff member's own committee (another committee's
/// is "not found").
#[tracing::instrument(skip_all)]
pub async fn overview(
    db: &Db,
    staff_id: i64,
    meeting_id: i64,
    minimums: &MinimumSizes,
) -> ServiceResult<MeetingOverview> {
    let meeting = committee_meetings::mine(db, staff_id, meeting_id).await?;
    let rows = zc_db::meetings::agenda(db, meeting_id).await?;
    let members = zc_db::meetings::members(db, meeting_id).await?;
    let undrawn = undrawn_groups(&rows, &members, minimums);
    let counted: HashMap<i64, (Tally, bool)> = if meeting.status.shows_tally() {
        committee_meetings::results(db, &meeting)
            .await?
            .into_iter()
            .map(|r| (r.application_id, (r.tally, r.passed)))
            .collect()
    } else {
        HashMap::new()
    };
    let cast: HashMap<i64, i64> = if meeting.status.shows_cast_count() {
        zc_db::ballots::cast_counts(db, meeting_id)
            .await?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };
    let agenda = rows
        .into_iter()
        .map(|dossier| {
            let id = dossier.application_id;
            let vote = match (counted.get(&id), cast.get(&id)) {
                (Some((tally, passed)), _) => VoteView::Counted {
                    tally: *tally,
                    passed: *passed,
                },
                (None, Some(n)) => VoteView::Cast(*n),
                (None, None) => VoteView::Nothing,
            };
            AgendaEntry { dossier, vote }
        })
        .collect();
    let opinions = zc_db::meetings::opinions(db, meeting_id).await?;
    let draws = zc_db::meetings::draws(db, meeting_id)
        .await?
        .into_iter()
        .map(|draw| CheckedDraw {
            replays: committee_meetings::replay(&draw),
            draw,
        })
        .collect();
    Ok(MeetingOverview {
        meeting,
        agenda,
        undrawn,
        members,
        opinions,
        draws,
    })
}

/// The groups of the agenda with nobody drawn, in agenda order, each with the minimum
/// panel for its highest level.
fn undrawn_groups(
    agenda: &[AgendaRow],
    members: &[MemberRow],
    minimums: &MinimumSizes,
) -> Vec<UndrawnGroup> {
    let mut out: Vec<UndrawnGroup> = Vec::new();
    for r in agenda {
        let drawn = members.iter().any(|m| m.specialty == r.specialty);
        if drawn || out.iter().any(|g| g.specialty == r.specialty) {
            continue;
        }
        let level = agenda
            .iter()
            .filter(|x| x.specialty == r.specialty)
            .map(|x| x.level_rank)
            .max()
            .unwrap_or(3);
        out.push(UndrawnGroup {
            specialty: r.specialty.clone(),
            minimum: minimums.of(level),
        });
    }
    out
}
