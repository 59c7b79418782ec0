//! 阶段时间与个案重开 — the 职改办 sets when each review stage of its committees' plans
//! opens and closes; outside that window no desk can decide, and a dossier that must still
//! be handled is reopened on its own, with a reason the applicant sees in their 进度.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use zc_db::{
    Db,
    applications::{ApplicationRow, NewEvent},
};
use zc_domain::{
    application::{
        Party,
        stage_window::{Stage, StageShut, check},
    },
    calendar::{china_day_start, format_china_time},
};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// Refuses a decision by `party` when its stage is shut for this dossier now.
#[tracing::instrument(skip_all)]
pub async fn check_open(db: &Db, app: &ApplicationRow, party: Party) -> ServiceResult<()> {
    let (Some(stage), Some(committee)) = (Stage::of(party), app.committee_id) else {
        return Ok(());
    };
    let window = zc_db::stage_windows::window(db, committee, app.year, stage.code()).await?;
    if window.is_none() {
        return Ok(());
    }
    let reopened = zc_db::stage_windows::reopened_until(db, app.id, stage.code()).await?;
    check(window, reopened, db.now()).map_err(|shut| {
        let message = match shut {
            StageShut::NotYet(at) => format!(
                "{}环节将于{}开始，届时才能办理",
                stage.name(),
                format_china_time(at)
            ),
            StageShut::Closed(at) => format!(
                "{}环节已于{}截止；确需办理的，请职改办对该申报“个案重开”并写明原因",
                stage.name(),
                format_china_time(at)
            ),
        };
        ServiceError::refused("stage_closed", message)
    })
}

/// The first and the last day of a stage, as typed.
#[derive(Debug, Clone)]
pub struct WindowInput {
    pub plan_id: i64,
    pub stage: String,
    pub opens_on: String,
    pub closes_on: String,
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// Sets a stage window of a plan of this office's committees: open from the first day's
/// start to the last day's end (China time).
#[tracing::instrument(skip_all)]
pub async fn set_window(
    db: &Db,
    actor: Actor<'_>,
    office_id: i64,
    input: &WindowInput,
) -> ServiceResult<()> {
    if !zc_db::stage_windows::plan_of_office(db, input.plan_id, office_id).await? {
        return Err(ServiceError::NotFound);
    }
    let mut errors = FieldErrors::default();
    let stage = Stage::from_code(&input.stage);
    if stage.is_none() {
        errors.add("stage", "请选择审核环节");
    }
    let (opens, closes) = (day(&input.opens_on), day(&input.closes_on));
    if opens.is_none() {
        errors.add("opens_on", "请填写开始日期，例如 2026-03-02");
    }
    if closes.is_none() {
        errors.add("closes_on", "请填写截止日期，例如 2026-03-20");
    }
    if let (Some(o), Some(c)) = (opens, closes)
        && c < o
    {
        errors.add("closes_on", "截止日期不能早于开始日期");
    }
    errors.into_result()?;
    let (Some(stage), Some(opens), Some(closes)) = (stage, opens, closes) else {
        return Err(ServiceError::NotFound);
    };
    let mut tx = db.begin_write().await?;
    zc_db::stage_windows::put_window(
        &mut tx,
        input.plan_id,
        stage.code(),
        china_day_start(opens),
        china_day_start(closes + Duration::days(1)),
    )
    .await?;
    let object = format!("review_plan:{}", input.plan_id);
    let detail = format!("{}：{opens} 至 {closes}", stage.name());
    zc_db::audit::record_in(&mut tx, &actor.event("stage_window.set", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// A reopening as typed.
#[derive(Debug, Clone)]
pub struct ReopenInput {
    pub application_id: String,
    pub stage: String,
    pub reason: String,
    /// The last day the dossier may still be handled.
    pub until_on: String,
}

/// 个案重开: lets one dossier addressed to this office through a shut stage until the end
/// of a day, with a reason; written to the dossier's progress history and audited.
#[tracing::instrument(skip_all)]
pub async fn reopen(
    db: &Db,
    actor: Actor<'_>,
    office_id: i64,
    input: &ReopenInput,
) -> ServiceResult<DateTime<Utc>> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    let number = input.application_id.trim().trim_start_matches('#');
    let app = match number.parse::<i64>() {
        Ok(id) => zc_db::applications::find(db, id)
            .await?
            .filter(|a| a.office_id == office_id && a.submitted_at.is_some()),
        Err(_) => None,
    };
    if app.is_none() {
        errors.add(
            "application_id",
            "没有找到报送本职改办的这件申报，请核对申报编号",
        );
    }
    let stage = Stage::from_code(&input.stage);
    if stage.is_none() {
        errors.add("stage", "请选择要重开的审核环节");
    }
    let reason = input.reason.trim();
    if reason.chars().count() < 5 {
        errors.add("reason", "请写明重开的原因（至少5个字）");
    }
    let today = db.today();
    let until = day(&input.until_on);
    match until {
        None => errors.add("until_on", "请填写重开截止日期，例如 2026-03-20"),
        Some(u) if u < today => errors.add("until_on", "重开截止日期不能早于今天"),
        Some(u) if u > today + Duration::days(30) => errors.add("until_on", "个案重开最长30天"),
        Some(_) => {}
    }
    errors.into_result()?;
    let (Some(app), Some(stage), Some(until)) = (app, stage, until) else {
        return Err(ServiceError::NotFound);
    };
    let until_at = china_day_start(until + Duration::days(1));
    let org_name = zc_db::reference::org_name(db, "office", office_id)
        .await?
        .unwrap_or_default();
    let action = format!("个案重开（{}）", stage.name());
    let opinion = format!("{reason}（至{until}）");
    let mut tx = db.begin_write().await?;
    zc_db::stage_windows::insert_reopening(
        &mut tx,
        app.id,
        stage.code(),
        reason,
        until_at,
        staff_id,
    )
    .await?;
    zc_db::applications::insert_event(
        &mut tx,
        &NewEvent {
            application_id: app.id,
            step: "职改办审核",
            action: &action,
            opinion: &opinion,
            actor_id: Some(staff_id),
            org_name: &org_name,
            from_status: app.status.code(),
            to_status: app.status.code(),
        },
    )
    .await?;
    let object = format!("application:{}", app.id);
    let detail = format!("{action}：{opinion}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("application.reopen_stage", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(until_at)
}
