//! 主管部门与职改办审核 — a 主管部门 passes a dossier on or returns it; a 职改办 gives 初审通过
//! (waiting for the fee when the committee charges online), returns it to the unit or the
//! applicant with a reason per section, or gives 初审不通过. Each sees only the dossiers
//! addressed to it; any other id is "not found".

use zc_db::{Db, applications::ApplicationRow};
use zc_domain::{
    Role,
    application::{ApplicationStatus, Event, Party, ReturnTo},
    payment::OrderStatus,
};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    decision_record::{Decided, record},
    unit_review::{check_reasons, section_title},
};

/// A decision of a 主管部门 or 职改办.
#[derive(Debug, Clone)]
pub enum OfficeDecision {
    /// 审核通过 (主管部门) / 初审通过 (职改办), with the opinion.
    Pass(String),
    /// 初审通过 of a 认定 that does not meet the 认定条件, accepted as an exception (职改办
    /// only), with the reason as the opinion; audited apart.
    PassAsException(String),
    /// 退回 to the unit or the applicant, with a reason per section.
    Return(ReturnTo, Vec<(String, String)>),
    /// 初审不通过 (职改办 only; final), with the reason.
    Fail(String),
}

/// The office a member of staff works for; another desk is "not found".
pub(crate) async fn office_of(db: &Db, actor: &Actor<'_>) -> ServiceResult<(i64, i64)> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    match Desk::of(db, staff_id).await? {
        Desk::Office(office_id) => Ok((staff_id, office_id)),
        Desk::Department(_) => Err(ServiceError::NotFound),
    }
}

/// Which desk a staff member sits at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    /// 主管部门 with its office id.
    Department(i64),
    /// 职改办 with its office id.
    Office(i64),
}

impl Desk {
    /// The desk of a staff account, if it has one.
    pub async fn of(db: &Db, staff_id: i64) -> ServiceResult<Desk> {
        let staff = zc_db::accounts::find(db, staff_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Self::of_account(&staff)
    }

    /// The desk of an account already read.
    pub fn of_account(staff: &zc_db::accounts::Account) -> ServiceResult<Desk> {
        let office = staff
            .org_id
            .filter(|_| staff.org_kind.as_deref() == Some("office"))
            .ok_or(ServiceError::NotFound)?;
        match Role::from_code(&staff.role) {
            Some(Role::DepartmentStaff) => Ok(Desk::Department(office)),
            Some(Role::OfficeStaff) => Ok(Desk::Office(office)),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The status this desk works on.
    pub fn pending(self) -> ApplicationStatus {
        match self {
            Desk::Department(_) => ApplicationStatus::DepartmentPending,
            Desk::Office(_) => ApplicationStatus::OfficePending,
        }
    }

    fn party(self) -> Party {
        match self {
            Desk::Department(_) => Party::Department,
            Desk::Office(_) => Party::Office,
        }
    }
}

/// The application, if it is addressed to this desk: a 职改办 sees what is sent to it; a
/// 主管部门 sees the dossiers of the units that report through it.
#[tracing::instrument(skip_all)]
pub async fn in_scope(db: &Db, desk: Desk, application_id: i64) -> ServiceResult<ApplicationRow> {
    let app = zc_db::applications::find(db, application_id)
        .await?
        .filter(|a| {
            !matches!(
                Some(a.status),
                Some(
                    ApplicationStatus::Draft
                        | ApplicationStatus::Deleted
                        | ApplicationStatus::UnitPending
                        | ApplicationStatus::ReturnedToApplicant
                        | ApplicationStatus::UnitFailed
                )
            )
        })
        .ok_or(ServiceError::NotFound)?;
    let ok = match desk {
        Desk::Office(office) => app.office_id == office,
        Desk::Department(dept) => zc_db::units::find(db, app.unit_id)
            .await?
            .is_some_and(|u| u.office_id == dept),
    };
    if ok {
        Ok(app)
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Records a decision of a 主管部门 or 职改办.
#[tracing::instrument(skip_all)]
pub async fn decide(
    db: &Db,
    actor: Actor<'_>,
    application_id: i64,
    decision: &OfficeDecision,
) -> ServiceResult<ApplicationStatus> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let desk = Desk::of(db, staff_id).await?;
    let app = in_scope(db, desk, application_id).await?;
    let office_id = match desk {
        Desk::Department(id) | Desk::Office(id) => id,
    };
    let org_name = zc_db::reference::org_name(db, "office", office_id)
        .await?
        .unwrap_or_default();
    // A 认定 short of its conditions passes only as an exception, with its reason.
    // Only 认定 has conditions; a batch of 评审 passes never loads a dossier for this.
    let shortfall = match desk {
        Desk::Office(_) if app.kind == zc_domain::application::ApplicationKind::Recognition => {
            let parts = crate::application_parts::dossier(db, &app).await?;
            let today = db.today();
            crate::recognition::shortfall(db, &app, &parts, today, None).await?
        }
        _ => None,
    };
    let decision = match (decision, &shortfall) {
        (OfficeDecision::Pass(_), Some(why)) => {
            return Err(FieldErrors::one(
                "opinion",
                format!(
                    "该申报不符合认定条件（{why}）。如同意按特殊情况认定，请勾选“同意按特殊情况认定”并写明理由"
                ),
            ));
        }
        (OfficeDecision::PassAsException(o), Some(why)) => {
            if o.trim().chars().count() < 10 {
                return Err(FieldErrors::one(
                    "opinion",
                    "按特殊情况认定须写明理由（至少10个字）",
                ));
            }
            &OfficeDecision::PassAsException(format!("按特殊情况认定（{why}）：{}", o.trim()))
        }
        // Nothing to excuse: an ordinary pass.
        (OfficeDecision::PassAsException(o), None) => &OfficeDecision::Pass(o.clone()),
        (d, _) => d,
    };
    let (event, opinion, reasons, action) = match (decision, desk) {
        (OfficeDecision::Pass(o), _) if o.trim().chars().count() < 2 => {
            return Err(FieldErrors::one("opinion", "请填写审核意见"));
        }
        (OfficeDecision::PassAsException(_), Desk::Department(_)) => {
            return Err(ServiceError::refused(
                "not_yours",
                "按特殊情况认定由职改办决定",
            ));
        }
        (OfficeDecision::PassAsException(o), Desk::Office(_)) => (
            Event::OfficePass { fee_online: false },
            o.clone(),
            &[][..],
            "application.office_pass_exception",
        ),
        (OfficeDecision::Pass(o), Desk::Department(_)) => (
            Event::DepartmentPass,
            o.clone(),
            &[][..],
            "application.department_pass",
        ),
        (OfficeDecision::Pass(o), Desk::Office(_)) => {
            // The year's plan decides; a committee without a plan keeps its own setting.
            // A dossier that has paid once (and came back through a return) never pays twice.
            let paid = zc_db::payment_orders::of_application(db, app.id)
                .await?
                .iter()
                .any(|o| OrderStatus::from_code(&o.status) == Some(OrderStatus::Paid));
            let fee_online = !paid
                && match app.committee_id {
                    Some(c) => match zc_db::review_plans::for_year(db, c, app.year).await? {
                        Some(plan) => plan.charges_online,
                        None => zc_db::organisations::committee(db, c)
                            .await?
                            .is_some_and(|c| c.charges_online),
                    },
                    // 认定 and 重新确认: the 职改办's own window decides; 遗失补办 and 审验 are free.
                    None if matches!(
                        app.kind,
                        zc_domain::application::ApplicationKind::Replacement
                            | zc_domain::application::ApplicationKind::Verification
                    ) =>
                    {
                        false
                    }
                    None => zc_db::recognition::window_of(db, app.office_id, app.year)
                        .await?
                        .is_some_and(|w| w.fee_fen > 0),
                };
            (
                Event::OfficePass { fee_online },
                o.clone(),
                &[][..],
                "application.office_pass",
            )
        }
        (OfficeDecision::Return(to, reasons), _) => {
            check_reasons(reasons)?;
            let text = reasons
                .iter()
                .map(|(s, r)| format!("{}：{}", section_title(s), r.trim()))
                .collect::<Vec<_>>()
                .join("；");
            let event = match desk {
                Desk::Department(_) => Event::DepartmentReturn(*to),
                Desk::Office(_) => Event::OfficeReturn(*to),
            };
            (event, text, reasons.as_slice(), "application.office_return")
        }
        (OfficeDecision::Fail(_), Desk::Department(_)) => {
            return Err(ServiceError::refused(
                "not_yours",
                "主管部门可以通过或退回，不通过的决定由职改办作出",
            ));
        }
        (OfficeDecision::Fail(r), Desk::Office(_)) => {
            if r.trim().chars().count() < 5 {
                return Err(FieldErrors::one(
                    "fail_reason",
                    "请写明初审不通过的原因（至少5个字）",
                ));
            }
            (
                Event::OfficeFail,
                r.clone(),
                &[][..],
                "application.office_fail",
            )
        }
    };
    record(
        db,
        actor,
        &Decided {
            application_id,
            event,
            party: desk.party(),
            step: match desk {
                Desk::Department(_) => "主管部门审核",
                Desk::Office(_) => "职改办审核",
            },
            org_name: &org_name,
            opinion: &opinion,
            reasons,
            audit_action: action,
        },
    )
    .await
}
