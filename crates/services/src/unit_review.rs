//! 单位审核 — a unit's decisions on its staff's applications: 退回 to the applicant with a
//! reason per section (一次性告知), 不通过 (final), and 审核通过并报送 with a 推荐意见 once
//! the 5-working-day internal publicity has passed. Staff outside the applicant's unit get
//! "not found".

use zc_db::{Db, applications};
use zc_domain::{
    Role,
    application::{ApplicationStatus, Event, Party},
};

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// A unit's decision.
#[derive(Debug, Clone)]
pub enum UnitDecision {
    /// 退回至个人: `(section code, what to fix there)` for each section concerned.
    Return(Vec<(String, String)>),
    /// 审核不通过 (final), with the reason.
    Fail(String),
    /// 审核通过并报送, with the 推荐意见.
    Forward(String),
}

/// The staff member and the application, if the application belongs to their unit.
async fn in_unit_scope(
    db: &Db,
    staff_id: i64,
    application_id: i64,
) -> ServiceResult<(zc_db::accounts::Account, applications::ApplicationRow)> {
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
    if in_scope {
        Ok((staff, app))
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The application as its unit's staff may see it.
#[tracing::instrument(skip_all)]
pub async fn for_unit_staff(
    db: &Db,
    staff_id: i64,
    application_id: i64,
) -> ServiceResult<applications::ApplicationRow> {
    // A draft (never sent, or withdrawn) is the applicant's alone.
    in_unit_scope(db, staff_id, application_id)
        .await
        .map(|(_, app)| app)
        .and_then(|app| {
            if matches!(
                app.status,
                ApplicationStatus::Draft | ApplicationStatus::Deleted
            ) {
                Err(ServiceError::NotFound)
            } else {
                Ok(app)
            }
        })
}

/// Records the unit's internal publicity (posted on `starts_on`); its end is 5 working
/// days later by the calendar.
#[tracing::instrument(skip_all)]
pub async fn record_publicity(
    db: &Db,
    actor: Actor<'_>,
    application_id: i64,
    starts_on: chrono::NaiveDate,
) -> ServiceResult<chrono::NaiveDate> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let (_, app) = in_unit_scope(db, staff_id, application_id).await?;
    if !matches!(
        Some(app.status),
        Some(ApplicationStatus::UnitPending | ApplicationStatus::ReturnedToUnit)
    ) {
        return Err(ServiceError::refused(
            "not_pending",
            "只有单位受理中的申报需要单位内部公示",
        ));
    }
    // A publicity cannot have begun before there was anything to publish.
    if let Some(sent) = app.submitted_at {
        let sent_on = zc_domain::calendar::china_date(sent);
        if starts_on < sent_on {
            return Err(crate::FieldErrors::one(
                "starts_on",
                format!("公示开始日期不能早于申报人报送的日期（{sent_on}）"),
            ));
        }
    }
    let calendar = zc_db::calendar::working_calendar(db, zc_db::seed::GUANGXI).await?;
    let ends_on = zc_domain::application::publicity::publicity_ends(&calendar, starts_on);
    let mut tx = db.begin_write().await?;
    zc_db::unit_review::put_publicity(&mut tx, application_id, starts_on, ends_on, staff_id)
        .await?;
    let object = format!("application:{application_id}");
    let detail = format!("单位内部公示：{starts_on} 起，至 {ends_on} 止（5个工作日）");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("application.unit_publicity", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(ends_on)
}

/// Records a unit's decision in one transaction: state machine, compare-and-set status,
/// progress line, audit event. Two people acting at once: exactly one succeeds.
#[tracing::instrument(skip_all)]
pub async fn decide(
    db: &Db,
    actor: Actor<'_>,
    application_id: i64,
    decision: &UnitDecision,
) -> ServiceResult<ApplicationStatus> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let (_, app) = in_unit_scope(db, staff_id, application_id).await?;
    let (event, opinion) = match decision {
        UnitDecision::Return(reasons) => {
            check_reasons(reasons)?;
            let text = reasons
                .iter()
                .map(|(s, r)| format!("{}：{}", section_title(s), r.trim()))
                .collect::<Vec<_>>()
                .join("；");
            (Event::UnitReturn, text)
        }
        UnitDecision::Fail(r) => {
            if r.trim().chars().count() < 5 {
                return Err(FieldErrors::one(
                    "reason",
                    "请写明不通过的原因（至少5个字）",
                ));
            }
            (Event::UnitFail, r.trim().to_string())
        }
        UnitDecision::Forward(o) => {
            if o.trim().chars().count() < 5 {
                return Err(FieldErrors::one("opinion", "请填写推荐意见（至少5个字）"));
            }
            let calendar = zc_db::calendar::working_calendar(db, zc_db::seed::GUANGXI).await?;
            let today = db.today();
            match zc_db::unit_review::publicity(db, application_id).await? {
                None => {
                    return Err(ServiceError::refused(
                        "no_publicity",
                        "报送前须先进行单位内部公示（不少于5个工作日）",
                    ));
                }
                Some(p)
                    if !zc_domain::application::publicity::may_forward(
                        &calendar,
                        p.starts_on,
                        today,
                    ) =>
                {
                    return Err(ServiceError::refused(
                        "publicity_running",
                        format!("单位内部公示至 {} 结束，公示期满后才能报送", p.ends_on),
                    ));
                }
                Some(_) => {}
            }
            let via_department = unit_reports_to_department(db, app.unit_id).await?;
            (Event::UnitForward { via_department }, o.trim().to_string())
        }
    };
    let reason = &opinion;
    let unit_name = zc_db::reference::org_name(db, "unit", app.unit_id)
        .await?
        .unwrap_or_default();
    let reasons: &[(String, String)] = match decision {
        UnitDecision::Return(reasons) => reasons,
        _ => &[],
    };
    let action = match decision {
        UnitDecision::Return(_) => "application.unit_return",
        UnitDecision::Fail(_) => "application.unit_fail",
        UnitDecision::Forward(_) => "application.unit_forward",
    };
    crate::decision_record::record(
        db,
        actor,
        &crate::decision_record::Decided {
            application_id,
            event,
            party: Party::Unit,
            step: "单位审核",
            org_name: &unit_name,
            opinion: reason,
            reasons,
            audit_action: action,
        },
    )
    .await
}

pub(crate) fn section_title(code: &str) -> &'static str {
    zc_domain::application::sections::section(code).map_or("其他", |s| s.title)
}

/// A return names at least one section, each with a reason of at least 5 characters.
pub(crate) fn check_reasons(reasons: &[(String, String)]) -> ServiceResult<()> {
    if reasons.is_empty() {
        return Err(FieldErrors::one(
            "reason",
            "请至少勾选一个需要修改的栏目，并写明原因",
        ));
    }
    let mut errors = FieldErrors::default();
    for (section, reason) in reasons {
        if zc_domain::application::sections::section(section).is_none() {
            errors.add("reason", "退回的栏目不存在，请刷新页面后重试");
        } else if reason.trim().chars().count() < 5 {
            errors.add(
                "reason",
                format!(
                    "请写明“{}”需要修改的原因（至少5个字）",
                    section_title(section)
                ),
            );
        }
    }
    errors.into_result()
}

/// Whether the unit reports through a 主管部门 (its office is a department).
async fn unit_reports_to_department(db: &Db, unit_id: i64) -> ServiceResult<bool> {
    let Some(unit) = zc_db::units::find(db, unit_id).await? else {
        return Ok(false);
    };
    Ok(zc_db::organisations::office(db, unit.office_id)
        .await?
        .is_some_and(|o| o.kind == "department"))
}
