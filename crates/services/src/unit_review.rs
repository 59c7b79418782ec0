//! 单位审核 — a unit's decisions on its staff's applications. This first part covers the
//! decisions that need no publicity: 退回 (to the applicant, with the reason) and 不通过
//! (final). Staff outside the applicant's unit get "not found".

use zc_db::{
    Db,
    applications::{self, NewEvent},
};
use zc_domain::{
    Role,
    application::{ApplicationKind, ApplicationStatus, Event, Party, next_status},
};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// A unit's decision.
#[derive(Debug, Clone)]
pub enum UnitDecision {
    /// 退回至个人, with what to fix.
    Return(String),
    /// 审核不通过 (final), with the reason.
    Fail(String),
}

/// Records a unit's decision in one transaction: state machine, compare-and-set status,
/// progress line, audit event. Two people acting at once: exactly one succeeds.
pub async fn decide(
    db: &Db,
    actor: Actor<'_>,
    application_id: i64,
    decision: &UnitDecision,
) -> ServiceResult<ApplicationStatus> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let staff = zc_db::accounts::find(db, staff_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let app = applications::find(db, application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let in_scope = matches!(
        Role::from_code(&staff.role),
        Some(Role::UnitAdmin | Role::UnitReviewer)
    ) && staff.org_kind.as_deref() == Some("unit")
        && staff.org_id == Some(app.unit_id)
        && app.applicant_id != staff_id;
    if !in_scope {
        return Err(ServiceError::NotFound);
    }
    let (event, reason) = match decision {
        UnitDecision::Return(r) => (Event::UnitReturn, r),
        UnitDecision::Fail(r) => (Event::UnitFail, r),
    };
    if reason.trim().chars().count() < 5 {
        return Err(FieldErrors::one(
            "reason",
            "请写明原因（至少5个字），申报人将据此修改",
        ));
    }
    let kind = ApplicationKind::from_code(&app.kind).ok_or(ServiceError::NotFound)?;
    let unit_name = zc_db::reference::org_name(db, "unit", app.unit_id)
        .await?
        .unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let current = applications::status_in(&mut tx, application_id)
        .await?
        .and_then(|s| ApplicationStatus::from_code(&s))
        .ok_or(ServiceError::NotFound)?;
    let decided = || {
        ServiceError::refused(
            "already_decided",
            "该申报已被撤回或已由其他工作人员处理，请刷新后查看",
        )
    };
    let to = next_status(kind, current, event, Party::Unit).map_err(|_| decided())?;
    if !applications::set_status(&mut tx, application_id, current.code(), to.code()).await? {
        return Err(decided());
    }
    applications::insert_event(
        &mut tx,
        &NewEvent {
            application_id,
            step: "单位审核",
            action: event.name(),
            opinion: reason.trim(),
            actor_id: Some(staff_id),
            org_name: &unit_name,
            from_status: current.code(),
            to_status: to.code(),
        },
    )
    .await?;
    let object = format!("application:{application_id}");
    let detail = format!("{}：{}", event.name(), reason.trim());
    let action = match decision {
        UnitDecision::Return(_) => "application.unit_return",
        UnitDecision::Fail(_) => "application.unit_fail",
    };
    zc_db::audit::record_in(&mut tx, &actor.event(action, &object, &detail)).await?;
    tx.commit().await?;
    Ok(to)
}
