//! 审核决定 — how every reviewer's decision is written: one transaction that asks the state
//! machine, changes the status compare-and-set (so of two reviewers acting at once exactly
//! one succeeds), keeps the return reasons, adds the progress line and the audit event.

use zc_db::{Db, applications};
use zc_domain::application::{ApplicationStatus, Event, Party};

use crate::{
    ServiceError, ServiceResult,
    accounts::Actor,
    status_change::{self, Change, Notice},
};

/// A decision ready to be written.
#[derive(Debug, Clone)]
pub struct Decided<'a> {
    pub application_id: i64,
    pub event: Event,
    pub party: Party,
    /// 业务步骤 in the progress history, e.g. 单位审核.
    pub step: &'a str,
    /// 审核单位 in the progress history.
    pub org_name: &'a str,
    pub opinion: &'a str,
    /// `(section, reason)` of a return.
    pub reasons: &'a [(String, String)],
    pub audit_action: &'a str,
}

/// Writes a decision; the status it led to.
#[tracing::instrument(skip_all)]
pub async fn record(
    db: &Db,
    actor: Actor<'_>,
    d: &Decided<'_>,
) -> ServiceResult<ApplicationStatus> {
    let decided = || {
        ServiceError::refused(
            "already_decided",
            "该申报已被撤回或已由其他工作人员处理，请刷新后查看",
        )
    };
    let app = applications::find(db, d.application_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    crate::stage_windows::check_open(db, &app, d.party).await?;
    let mut tx = db.begin_write().await?;
    let to = move_in(
        &mut tx,
        &app,
        actor.account_id,
        Move {
            event: d.event,
            party: d.party,
            step: d.step,
            org_name: d.org_name,
            opinion: d.opinion.trim(),
        },
    )
    .await
    .map_err(|e| match e {
        ServiceError::Refused {
            code: "already_decided",
            ..
        } => decided(),
        e => e,
    })?;
    if to == ApplicationStatus::AwaitingFee {
        // The order is born with the status that asks for it, or neither is.
        crate::payments::orders::open_for_dossier(&mut tx, &app, db.now()).await?;
    }
    // The reviewer has now seen the answer to the last return: its reasons close, and
    // a new return's take their place.
    zc_db::unit_review::resolve_reasons(&mut tx, d.application_id).await?;
    if !d.reasons.is_empty() {
        applications::keep_returned_snapshot(&mut tx, d.application_id).await?;
    }
    for (section, why) in d.reasons {
        zc_db::unit_review::insert_reason(
            &mut tx,
            d.application_id,
            section,
            why.trim(),
            d.org_name,
        )
        .await?;
    }
    let object = format!("application:{}", d.application_id);
    let detail = format!("{}：{}", d.event.name(), d.opinion.trim());
    zc_db::audit::record_in(&mut tx, &actor.event(d.audit_action, &object, &detail)).await?;
    tx.commit().await?;
    Ok(to)
}

/// One move of an application made as part of a larger change (a meeting's vote, the
/// start of a publicity): the caller's transaction carries it.
#[derive(Debug, Clone, Copy)]
pub struct Move<'a> {
    pub event: Event,
    pub party: Party,
    /// 业务步骤 in the progress history.
    pub step: &'a str,
    pub org_name: &'a str,
    pub opinion: &'a str,
}

/// Moves `app` by `m` inside `tx` (through [`crate::status_change`]); refused when it was
/// already moved or the move is not allowed from where it is.
#[tracing::instrument(skip_all)]
pub async fn move_in(
    tx: &mut zc_db::Tx,
    app: &applications::ApplicationRow,
    actor_id: Option<i64>,
    m: Move<'_>,
) -> ServiceResult<ApplicationStatus> {
    let change = Change {
        event: m.event,
        party: m.party,
        actor_id,
        step: m.step,
        org_name: m.org_name,
        opinion: m.opinion,
        notice: Notice::Event,
    };
    match status_change::apply(tx, app, &change).await? {
        Ok(moved) => Ok(moved.to),
        Err(_) => Err(ServiceError::refused(
            "already_decided",
            format!("申报 #{} 的状态已经变化，请刷新后查看", app.id),
        )),
    }
}
