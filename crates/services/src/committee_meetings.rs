//! 评审会议 — committee staff create a meeting for a plan, gather the dossiers waiting for
//! review (each starts 评审中), draw an odd number of experts per specialty group from the
//! pool, redraw one who refused, record who is present, close the secret vote, and publish
//! the passed results. Every step is one transaction through the state machine and is
//! audited; every draw is logged with its seed and inputs and can be run again.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zc_db::{Db, meetings::MeetingRow};
use zc_domain::{
    Role,
    application::{Event, Party},
    committee::{
        draw::{Candidate, Conflicts, draw, redraw},
        meeting::{MeetingEvent, MeetingStatus, SeatEvent, SeatStatus},
        minimum_size::MinimumSizes,
        vote::{Choice, Tally, has_quorum},
    },
};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    decision_record::{Move, move_in},
};

/// The committee a staff member works for.
#[tracing::instrument(skip_all)]
pub async fn committee_of(db: &Db, staff_id: i64) -> ServiceResult<i64> {
    let staff = zc_db::accounts::find(db, staff_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if staff.role != Role::CommitteeStaff.code() || staff.org_kind.as_deref() != Some("committee") {
        return Err(ServiceError::NotFound);
    }
    staff.org_id.ok_or(ServiceError::NotFound)
}

/// A meeting of the staff member's own committee; another committee's is "not found".
#[tracing::instrument(skip_all)]
pub async fn mine(db: &Db, staff_id: i64, meeting_id: i64) -> ServiceResult<MeetingRow> {
    let committee = committee_of(db, staff_id).await?;
    zc_db::meetings::find(db, meeting_id)
        .await?
        .filter(|m| m.committee_id == committee)
        .ok_or(ServiceError::NotFound)
}

/// The meeting's status after `event`, or the state machine's refusal in its words.
fn next_status(meeting: &MeetingRow, event: MeetingEvent) -> ServiceResult<MeetingStatus> {
    meeting
        .status
        .after(event)
        .map_err(|r| ServiceError::refused(r.code(), r.to_string()))
}

/// Creates a meeting of one of the committee's plans.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    actor: Actor<'_>,
    plan_id: i64,
    name: &str,
    held_on: &str,
) -> ServiceResult<i64> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let committee = committee_of(db, staff_id).await?;
    let plans = zc_db::meetings::plans_of_committee(db, committee).await?;
    let mut errors = FieldErrors::default();
    if !plans.iter().any(|(id, _)| *id == plan_id) {
        errors.add("plan_id", "请选择本评委会的评审计划");
    }
    let name = name.trim();
    if !(2..=60).contains(&name.chars().count()) {
        errors.add("name", "请填写会议名称（2–60个字）");
    }
    let day = NaiveDate::parse_from_str(held_on.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        errors.add("held_on", "请填写会议日期，例如 2026-12-10");
    }
    errors.into_result()?;
    let Some(day) = day else {
        return Err(ServiceError::NotFound);
    };
    let mut tx = db.begin_write().await?;
    let id = zc_db::meetings::insert(&mut tx, plan_id, name, day, staff_id).await?;
    let object = format!("meeting:{id}");
    zc_db::audit::record_in(&mut tx, &actor.event("meeting.create", &object, name)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The specialty group of a dossier: the 专业 the applicant gave in 基本信息.
async fn specialty_of(db: &Db, app: &zc_db::applications::ApplicationRow) -> ServiceResult<String> {
    let parts = crate::application_parts::dossier(db, app).await?;
    let specialty = parts
        .get("basic")
        .and_then(|p| match p {
            zc_domain::application::sections::PartData::Single(v) => v.get("specialty").cloned(),
            _ => None,
        })
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "综合".to_string());
    Ok(specialty.trim().to_string())
}

/// Puts every dossier of the plan waiting for review on the agenda; each starts 评审中.
/// How many were added.
#[tracing::instrument(skip_all)]
pub async fn gather(db: &Db, actor: Actor<'_>, meeting_id: i64) -> ServiceResult<usize> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let meeting = mine(db, staff_id, meeting_id).await?;
    next_status(&meeting, MeetingEvent::Gather)?;
    let ids = zc_db::meetings::waiting_dossiers(db, meeting.committee_id, meeting.year).await?;
    let mut apps = Vec::new();
    for id in ids {
        let app = zc_db::applications::find(db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let specialty = specialty_of(db, &app).await?;
        apps.push((app, specialty));
    }
    let mut tx = db.begin_write().await?;
    for (app, specialty) in &apps {
        zc_db::meetings::add_dossier(&mut tx, meeting_id, app.id, specialty).await?;
        move_in(
            &mut tx,
            app,
            Some(staff_id),
            Move {
                event: Event::ReviewStarted,
                party: Party::Committee,
                step: "评委会评审",
                org_name: &meeting.committee_name,
                opinion: &meeting.name,
            },
        )
        .await?;
    }
    let object = format!("meeting:{meeting_id}");
    let detail = format!("加入{}件申报", apps.len());
    zc_db::audit::record_in(&mut tx, &actor.event("meeting.gather", &object, &detail)).await?;
    tx.commit().await?;
    Ok(apps.len())
}

/// What a draw was made from, kept in its log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DrawInputs {
    pub candidates: Vec<Candidate>,
    pub conflicts: Conflicts,
    pub count: u32,
    pub minimum: u32,
}

/// The candidates and conflicts of one specialty group of a meeting now.
async fn inputs_for(
    db: &Db,
    meeting: &MeetingRow,
    specialty: &str,
) -> ServiceResult<(Vec<Candidate>, Conflicts, i32)> {
    let agenda: Vec<_> = zc_db::meetings::agenda(db, meeting.id)
        .await?
        .into_iter()
        .filter(|d| d.specialty == specialty)
        .collect();
    if agenda.is_empty() {
        return Err(FieldErrors::one("specialty", "该专业组没有待评审的申报"));
    }
    let applicants: Vec<i64> = agenda.iter().map(|d| d.applicant_id).collect();
    let conflicts = Conflicts {
        applicants: applicants.iter().copied().collect(),
        units: agenda.iter().map(|d| d.unit_id).collect(),
        declared: zc_db::meetings::recusals(db, &applicants)
            .await?
            .into_iter()
            .collect(),
    };
    let candidates = zc_db::meetings::pool(db, meeting.series_id, meeting.held_on)
        .await?
        .into_iter()
        .filter(|e| e.specialty == specialty)
        .map(|e| Candidate {
            expert_id: e.account_id,
            unit_id: e.unit_id,
        })
        .collect();
    let level = agenda.iter().map(|d| d.level_rank).max().unwrap_or(3);
    Ok((candidates, conflicts, level))
}

/// 随机抽取 for one specialty group: `count` experts (odd, at least the level's minimum),
/// conflicts excluded; the seed and inputs are logged; each drawn expert is told.
#[tracing::instrument(skip_all)]
pub async fn draw_group(
    db: &Db,
    actor: Actor<'_>,
    meeting_id: i64,
    specialty: &str,
    count: u32,
    minimums: &MinimumSizes,
) -> ServiceResult<Vec<i64>> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let meeting = mine(db, staff_id, meeting_id).await?;
    let drawn_status = next_status(&meeting, MeetingEvent::Draw)?;
    let members = zc_db::meetings::members(db, meeting_id).await?;
    if members.iter().any(|m| m.specialty == specialty) {
        return Err(ServiceError::refused(
            "already_drawn",
            "该专业组已抽取专家；专家拒绝参加时请使用“补抽”",
        ));
    }
    let (candidates, conflicts, level) = inputs_for(db, &meeting, specialty).await?;
    let minimum = minimums.of(level);
    let seed = format!("{:032x}", rand::random::<u128>());
    let drawn = draw(&seed, &candidates, &conflicts, count, minimum)
        .map_err(|r| FieldErrors::one("count", r.to_string()))?;
    let inputs = DrawInputs {
        candidates,
        conflicts,
        count,
        minimum,
    };
    let inputs = serde_json::to_string(&inputs).map_err(ServiceError::internal)?;
    let result = serde_json::to_string(&drawn).map_err(ServiceError::internal)?;
    let mut tx = db.begin_write().await?;
    zc_db::meetings::log_draw(
        &mut tx,
        &zc_db::meetings::NewDraw {
            meeting_id,
            specialty,
            kind: "draw",
            seed: &seed,
            inputs: &inputs,
            result: &result,
            drawn_by: staff_id,
        },
    )
    .await?;
    for expert in &drawn {
        zc_db::meetings::add_member(&mut tx, meeting_id, *expert, specialty).await?;
        invite(&mut tx, &meeting, *expert).await?;
    }
    if meeting.status != drawn_status
        && !zc_db::meetings::set_status(&mut tx, meeting_id, meeting.status, drawn_status).await?
    {
        return Err(ServiceError::refused(
            "voting",
            "会议状态已变化，请刷新后再抽取",
        ));
    }
    let object = format!("meeting:{meeting_id}");
    let detail = format!("{specialty}：抽取{count}人，种子 {seed}");
    zc_db::audit::record_in(&mut tx, &actor.event("meeting.draw", &object, &detail)).await?;
    tx.commit().await?;
    Ok(drawn)
}

async fn invite(tx: &mut zc_db::Tx, meeting: &MeetingRow, expert: i64) -> ServiceResult<()> {
    crate::messages::notify_person(
        tx,
        expert,
        &format!("评审邀请：{}", meeting.name),
        &format!(
            "您被随机抽取为{}（{}）的评审专家，请在评审专家页面确认是否参加。",
            meeting.name, meeting.held_on
        ),
        "/my/expert",
        &format!(
            "【广西职称】您被抽取为{}（{}）评审专家，请登录平台确认是否参加。",
            meeting.name, meeting.held_on
        ),
    )
    .await
}

/// 补抽: replaces one expert who refused with the next eligible one in the group's draw
/// order (the first draw's seed and inputs), logged as a redraw.
#[tracing::instrument(skip_all)]
pub async fn redraw_one(
    db: &Db,
    actor: Actor<'_>,
    meeting_id: i64,
    refused_expert: i64,
) -> ServiceResult<i64> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let meeting = mine(db, staff_id, meeting_id).await?;
    next_status(&meeting, MeetingEvent::Draw)?;
    let members = zc_db::meetings::members(db, meeting_id).await?;
    let not_refused = || ServiceError::refused("not_refused", "只能为已拒绝参加的专家补抽");
    let refused = members
        .iter()
        .find(|m| m.expert_id == refused_expert)
        .filter(|m| m.status.after(SeatEvent::Replace).is_some())
        .ok_or_else(not_refused)?;
    let first = zc_db::meetings::draws(db, meeting_id)
        .await?
        .into_iter()
        .find(|d| d.kind == "draw" && d.specialty == refused.specialty)
        .ok_or(ServiceError::NotFound)?;
    let inputs: DrawInputs = serde_json::from_str(&first.inputs).map_err(ServiceError::internal)?;
    let already: BTreeSet<i64> = members
        .iter()
        .filter(|m| m.specialty == refused.specialty)
        .map(|m| m.expert_id)
        .collect();
    let next =
        redraw(&first.seed, &inputs.candidates, &inputs.conflicts, &already).ok_or_else(|| {
            ServiceError::refused("pool_empty", "该专业组已没有可补抽的专家，请扩充专家库")
        })?;
    let result = serde_json::to_string(&[next]).map_err(ServiceError::internal)?;
    let mut tx = db.begin_write().await?;
    if !zc_db::meetings::set_member_status(
        &mut tx,
        meeting_id,
        refused_expert,
        SeatStatus::Refused,
        SeatStatus::Replaced,
    )
    .await?
    {
        return Err(not_refused());
    }
    zc_db::meetings::log_draw(
        &mut tx,
        &zc_db::meetings::NewDraw {
            meeting_id,
            specialty: &refused.specialty,
            kind: "redraw",
            seed: &first.seed,
            inputs: &first.inputs,
            result: &result,
            drawn_by: staff_id,
        },
    )
    .await?;
    zc_db::meetings::add_member(&mut tx, meeting_id, next, &refused.specialty).await?;
    invite(&mut tx, &meeting, next).await?;
    let object = format!("meeting:{meeting_id}");
    let detail = format!(
        "{}：补抽替换 #{refused_expert}，抽中 #{next}",
        refused.specialty
    );
    zc_db::audit::record_in(&mut tx, &actor.event("meeting.redraw", &object, &detail)).await?;
    tx.commit().await?;
    Ok(next)
}

/// Runs a logged draw again from its seed and inputs: whether it gives the logged result.
pub fn replay(d: &zc_db::meetings::DrawRow) -> bool {
    let (Ok(inputs), Ok(result)) = (
        serde_json::from_str::<DrawInputs>(&d.inputs),
        serde_json::from_str::<Vec<i64>>(&d.result),
    ) else {
        return false;
    };
    if d.kind == "draw" {
        draw(
            &d.seed,
            &inputs.candidates,
            &inputs.conflicts,
            inputs.count,
            inputs.minimum,
        )
        .is_ok_and(|again| again == result)
    } else {
        // A redraw's result is one of the group's draw order after those drawn before it.
        let order =
            zc_domain::committee::draw::order(&d.seed, &inputs.candidates, &inputs.conflicts);
        result.iter().all(|id| order.contains(id))
    }
}

/// 开始表决: records the members present (confirmed ones only) and opens the vote when
/// they make a quorum (≥ 2/3 of the members drawn and not replaced).
#[tracing::instrument(skip_all)]
pub async fn open_vote(
    db: &Db,
    actor: Actor<'_>,
    meeting_id: i64,
    present: &[i64],
) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let meeting = mine(db, staff_id, meeting_id).await?;
    let voting = next_status(&meeting, MeetingEvent::OpenVote)?;
    let members = zc_db::meetings::members(db, meeting_id).await?;
    let seated: Vec<_> = members
        .iter()
        .filter(|m| m.status.counts_as_drawn())
        .collect();
    let confirmed: BTreeSet<i64> = seated
        .iter()
        .filter(|m| m.status.after(SeatEvent::CheckIn).is_some())
        .map(|m| m.expert_id)
        .collect();
    let here: BTreeSet<i64> = present
        .iter()
        .copied()
        .filter(|id| confirmed.contains(id))
        .collect();
    let (drawn, count) = (seated.len() as u32, here.len() as u32);
    if !has_quorum(drawn, count) {
        return Err(ServiceError::refused(
            "no_quorum",
            format!("出席专家{count}人，不足抽取专家{drawn}人的三分之二，不能表决"),
        ));
    }
    let mut tx = db.begin_write().await?;
    if !zc_db::meetings::set_status(&mut tx, meeting_id, meeting.status, voting).await? {
        return Err(ServiceError::refused(
            "not_drawn",
            "会议不在可开始表决的状态",
        ));
    }
    for id in &here {
        zc_db::meetings::set_member_status(
            &mut tx,
            meeting_id,
            *id,
            SeatStatus::Confirmed,
            SeatStatus::Present,
        )
        .await?;
    }
    zc_db::meetings::set_present(&mut tx, meeting_id, count as i32).await?;
    let object = format!("meeting:{meeting_id}");
    let detail = format!("出席{count}人/抽取{drawn}人，开始表决");
    zc_db::audit::record_in(&mut tx, &actor.event("meeting.open_vote", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// One dossier's result as staff see it: counts only, never who voted what.
#[derive(Debug, Clone)]
pub struct DossierResult {
    pub application_id: i64,
    pub tally: Tally,
    pub passed: bool,
}

/// Counts each dossier of `agenda` from the opened `choices` `(dossier, code)`.
fn tally_each(agenda: &[i64], choices: &[(i64, String)], present: u32) -> Vec<DossierResult> {
    agenda
        .iter()
        .map(|&application_id| {
            let tally = Tally::of(
                choices
                    .iter()
                    .filter(|(id, _)| *id == application_id)
                    .filter_map(|(_, c)| Choice::from_code(c)),
            );
            DossierResult {
                application_id,
                passed: tally.passes(present),
                tally,
            }
        })
        .collect()
}

/// The tally of every dossier on the agenda with the members present.
#[tracing::instrument(skip_all)]
pub async fn results(db: &Db, meeting: &MeetingRow) -> ServiceResult<Vec<DossierResult>> {
    let present = meeting.present.unwrap_or(0).max(0) as u32;
    let agenda: Vec<i64> = zc_db::meetings::agenda(db, meeting.id)
        .await?
        .iter()
        .map(|d| d.application_id)
        .collect();
    let choices = zc_db::ballots::choices_of_meeting(db, meeting.id).await?;
    Ok(tally_each(&agenda, &choices, present))
}

/// 结束表决: every dossier passes (同意 ≥ 2/3 of those present) or fails; the applicants
/// are told.
#[tracing::instrument(skip_all)]
pub async fn close_vote(
    db: &Db,
    vault: &crate::pii::PiiVault,
    actor: Actor<'_>,
    meeting_id: i64,
) -> ServiceResult<Vec<DossierResult>> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let meeting = mine(db, staff_id, meeting_id).await?;
    let closed = next_status(&meeting, MeetingEvent::CloseVote)?;
    let agenda = zc_db::meetings::agenda(db, meeting_id).await?;
    let mut tx = db.begin_write().await?;
    if !zc_db::meetings::set_status(&mut tx, meeting_id, meeting.status, closed).await? {
        return Err(ServiceError::refused("not_voting", "会议不在表决中"));
    }
    // The box is opened: every choice unsealed, shuffled, and counted into `ballot` in
    // this one transaction, so the order of the rows is no one's order of voting.
    let mut opened: Vec<(i64, Choice)> = Vec::new();
    for (application_id, sealed) in zc_db::ballots::take_sealed(&mut tx, meeting_id).await? {
        let text = vault.open(&sealed)?;
        let code = text.split(':').next().unwrap_or_default();
        let choice = Choice::from_code(code)
            .ok_or_else(|| anyhow::anyhow!("sealed ballot of meeting {meeting_id} unreadable"))?;
        opened.push((application_id, choice));
    }
    rand::seq::SliceRandom::shuffle(opened.as_mut_slice(), &mut rand::rng());
    for (application_id, choice) in &opened {
        let key = format!("{:032x}", rand::random::<u128>());
        zc_db::ballots::insert(&mut tx, &key, meeting_id, *application_id, choice.code()).await?;
    }
    let present = meeting.present.unwrap_or(0).max(0) as u32;
    // Read back inside the transaction: the opened ballots, and any written before the box
    // existed.
    let choices = zc_db::ballots::choices_of_meeting(&mut tx, meeting_id).await?;
    let ids: Vec<i64> = agenda.iter().map(|d| d.application_id).collect();
    let results = tally_each(&ids, &choices, present);
    for r in &results {
        let app = zc_db::applications::find(&mut tx, r.application_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let opinion = format!(
            "同意{}票，不同意{}票，弃权{}票（出席{}人）",
            r.tally.agree,
            r.tally.disagree,
            r.tally.abstain,
            meeting.present.unwrap_or(0)
        );
        move_in(
            &mut tx,
            &app,
            Some(staff_id),
            Move {
                event: if r.passed {
                    Event::VotePassed
                } else {
                    Event::VoteFailed
                },
                party: Party::Committee,
                step: "评委会评审",
                org_name: &meeting.committee_name,
                opinion: &opinion,
            },
        )
        .await?;
    }
    let object = format!("meeting:{meeting_id}");
    let passed = results.iter().filter(|r| r.passed).count();
    let detail = format!("表决结束：{}件中{}件通过", results.len(), passed);
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("meeting.close_vote", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(results)
}
