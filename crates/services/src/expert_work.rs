//! 专家评审 — what a drawn expert does: confirms or refuses taking part, reads only the
//! dossiers of their own specialty group, writes an opinion and a score on each, and casts
//! one secret ballot per dossier while the vote is open.

use zc_db::{Db, applications::ApplicationRow, meetings::SeatRow};
use zc_domain::committee::{
    meeting::{MeetingStatus, SeatEvent},
    vote::Choice,
};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// The meeting and the expert's place in it (seat status, specialty group); any meeting
/// the expert was not drawn for is "not found".
#[tracing::instrument(skip_all)]
pub async fn seat(db: &Db, expert_id: i64, meeting_id: i64) -> ServiceResult<SeatRow> {
    zc_db::meetings::seat_of(db, expert_id, meeting_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Confirms (`true`) or refuses taking part in a meeting the expert was drawn for.
#[tracing::instrument(skip_all)]
pub async fn answer(db: &Db, actor: Actor<'_>, meeting_id: i64, accept: bool) -> ServiceResult<()> {
    let expert_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let seat = seat(db, expert_id, meeting_id).await?;
    let answered = || ServiceError::refused("answered", "您已答复过该会议的邀请");
    let event = if accept {
        SeatEvent::Accept
    } else {
        SeatEvent::Decline
    };
    let to = seat.seat.after(event).ok_or_else(answered)?;
    let mut tx = db.begin_write().await?;
    if !zc_db::meetings::set_member_status(&mut tx, meeting_id, expert_id, seat.seat, to).await? {
        return Err(answered());
    }
    let object = format!("meeting:{meeting_id}");
    let detail = if accept {
        "确认参加"
    } else {
        "拒绝参加"
    };
    zc_db::audit::record_in(&mut tx, &actor.event("meeting.answer", &object, detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// A dossier assigned to the expert: on the agenda of a meeting they confirmed for, in
/// their specialty group. Any other id is "not found".
#[tracing::instrument(skip_all)]
pub async fn assigned(
    db: &Db,
    expert_id: i64,
    meeting_id: i64,
    application_id: i64,
) -> ServiceResult<ApplicationRow> {
    let seat = seat(db, expert_id, meeting_id).await?;
    if !seat.seat.serves() {
        return Err(ServiceError::NotFound);
    }
    // Access ends with the vote, and with the expert's term in the pool.
    if !matches!(
        seat.meeting.status,
        MeetingStatus::Drawn | MeetingStatus::Voting
    ) {
        return Err(ServiceError::NotFound);
    }
    let today = db.today();
    let in_term = zc_db::experts::find(db, expert_id)
        .await?
        .is_some_and(|e| e.term_start <= today && today <= e.term_end);
    if !in_term {
        return Err(ServiceError::NotFound);
    }
    let on_agenda = zc_db::meetings::dossier_meeting(db, application_id)
        .await?
        .is_some_and(|(m, s)| m == meeting_id && s == seat.seat_specialty);
    if !on_agenda {
        return Err(ServiceError::NotFound);
    }
    zc_db::applications::find(db, application_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Saves the expert's opinion (at least 10 characters) and score (0–100) on a dossier.
#[tracing::instrument(skip_all)]
pub async fn save_opinion(
    db: &Db,
    actor: Actor<'_>,
    meeting_id: i64,
    application_id: i64,
    opinion: &str,
    score: &str,
) -> ServiceResult<()> {
    let expert_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    assigned(db, expert_id, meeting_id, application_id).await?;
    // Opinions freeze when the vote opens: what the others read before voting stays so.
    let seat = seat(db, expert_id, meeting_id).await?;
    if seat.meeting.status != MeetingStatus::Drawn {
        let object = format!("application:{application_id}");
        let mut refused = actor.event("expert.opinion", &object, "表决开始后修改评审意见，已拒绝");
        refused.result = "refused";
        zc_db::audit::record(db, &refused).await?;
        return Err(FieldErrors::one(
            "opinion",
            "表决已开始，评审意见和评分不能再修改",
        ));
    }
    let mut errors = FieldErrors::default();
    let opinion = opinion.trim();
    if !(10..=2000).contains(&opinion.chars().count()) {
        errors.add("opinion", "请填写评审意见（10–2000个字）");
    }
    let score = score
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|s| (0..=100).contains(s));
    if score.is_none() {
        errors.add("score", "评分应为0到100之间的整数");
    }
    errors.into_result()?;
    let score = score.unwrap_or_default();
    let mut tx = db.begin_write().await?;
    zc_db::meetings::put_opinion(
        &mut tx,
        meeting_id,
        application_id,
        expert_id,
        opinion,
        score,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Casts the expert's secret ballots: one choice per dossier of their group, each dossier
/// once, sealed until the vote closes. Refused unless the vote is open and the expert was
/// recorded present.
#[tracing::instrument(skip_all)]
pub async fn vote(
    db: &Db,
    vault: &crate::pii::PiiVault,
    actor: Actor<'_>,
    meeting_id: i64,
    choices: &[(i64, String)],
) -> ServiceResult<usize> {
    let expert_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let seat = seat(db, expert_id, meeting_id).await?;
    if seat.meeting.status != MeetingStatus::Voting {
        return Err(ServiceError::refused(
            "not_voting",
            "会议尚未开始表决或已结束表决",
        ));
    }
    if !seat.seat.may_vote() {
        return Err(ServiceError::refused(
            "absent",
            "您未登记为出席专家，不能投票",
        ));
    }
    let group: Vec<i64> = zc_db::meetings::agenda(db, meeting_id)
        .await?
        .into_iter()
        .filter(|d| d.specialty == seat.seat_specialty)
        .map(|d| d.application_id)
        .collect();
    let mut ballots = Vec::new();
    for (application_id, code) in choices {
        if !group.contains(application_id) {
            return Err(ServiceError::NotFound);
        }
        let choice = Choice::from_code(code)
            .ok_or_else(|| FieldErrors::one("choice", "请对每件申报选择同意、不同意或弃权"))?;
        ballots.push((*application_id, choice));
    }
    if ballots.is_empty() {
        return Err(FieldErrors::one(
            "choice",
            "请对每件申报选择同意、不同意或弃权",
        ));
    }
    let mut tx = db.begin_write().await?;
    for (application_id, choice) in &ballots {
        if !zc_db::ballots::mark_cast(&mut tx, meeting_id, *application_id, expert_id).await? {
            return Err(ServiceError::refused(
                "already_voted",
                format!("您已对申报 #{application_id} 投过票，每件申报只能投一次"),
            ));
        }
        // Sealed with random padding, so equal choices never look alike in the box.
        let sealed = vault.seal(&format!(
            "{}:{:032x}",
            choice.code(),
            rand::random::<u128>()
        ));
        zc_db::ballots::insert_sealed(&mut tx, meeting_id, *application_id, &sealed).await?;
    }
    // The audit says that the expert voted, never how.
    let object = format!("meeting:{meeting_id}");
    let detail = format!("对{}件申报投票", ballots.len());
    zc_db::audit::record_in(&mut tx, &actor.event("meeting.vote", &object, &detail)).await?;
    tx.commit().await?;
    Ok(ballots.len())
}
