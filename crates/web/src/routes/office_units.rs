//! `/office/units` — the office's queue of unit registrations, with the 3-working-day
//! deadline, the licence photo, and approve or return (with a reason).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::units;
use zc_domain::{Portal, Role, unit_registration::UnitStatus};
use zc_services::{
    FieldErrors, ServiceError,
    accounts::Actor,
    units::{UnitDecision, decide_unit, review_deadline},
};

use crate::extract::{ClientIp, Staff};
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    pager::Pager,
    state::AppState,
    views::{Nav, format_date, format_time, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/units", get(queue))
        .route("/units/{id}", get(detail))
        .route("/units/{id}/decision", post(decision))
        .route("/units/{id}/licence", get(licence))
}

/// The office this staff member works for.
fn my_office(staff: &Staff) -> AppResult<i64> {
    if !matches!(staff.user.role, Role::OfficeStaff | Role::DepartmentStaff) {
        return Err(AppError::Forbidden);
    }
    staff.org("office")
}

/// A unit in scope of this office, or 404 (never say it exists elsewhere).
async fn unit_in_scope(state: &AppState, staff: &Staff, id: &str) -> AppResult<units::UnitRow> {
    let office = my_office(staff)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    units::find(&state.db, id)
        .await?
        .filter(|u| u.office_id == office)
        .ok_or(AppError::NotFound)
}

/// Filters of the queue.
#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A queue row.
pub struct QueueItem {
    pub id: i64,
    pub name: String,
    pub credit_code: String,
    pub flagged: bool,
    pub region: String,
    pub submitted: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/units.html")]
struct QueuePage {
    ctx: PageContext,
    nav: Nav,
    tabs: Vec<(&'static str, &'static str, i64, bool)>,
    rows: Vec<QueueItem>,
    pager: Pager,
}

async fn queue(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<QueueQuery>,
) -> AppResult<QueuePage> {
    let office = my_office(&staff)?;
    let ctx = staff.ctx;
    let status = q
        .status
        .as_deref()
        .and_then(UnitStatus::from_code)
        .unwrap_or(UnitStatus::Pending);
    let mut tabs = Vec::new();
    for &s in UnitStatus::ALL {
        tabs.push((
            s.code(),
            s.name(),
            units::count_for_office(&state.db, office, s).await?,
            s == status,
        ));
    }
    let total = tabs.iter().find(|t| t.3).map(|t| t.2).unwrap_or(0) as u64;
    let pager = Pager::new(
        total,
        q.page,
        q.per_page,
        "/office/units",
        vec![("status".into(), status.code().into())],
    );
    let cal = zc_db::calendar::working_calendar(&state.db, zc_db::seed::GUANGXI).await?;
    let today = state.db.today();
    let rows = units::for_office(
        &state.db,
        office,
        status,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(|u| {
        let submitted = u
            .submitted_at
            .with_timezone(&crate::views::cst())
            .date_naive();
        let deadline = review_deadline(&cal, submitted);
        QueueItem {
            id: u.id,
            name: u.name,
            credit_code: u.credit_code,
            flagged: !u.credit_code_checked,
            region: u.region_name,
            submitted: format_time(u.submitted_at),
            deadline: format_date(deadline),
            overdue: status.awaits_review() && today > deadline,
        }
    })
    .collect();
    let nav = portal_nav(Portal::Office, "/office/units");
    Ok(QueuePage {
        ctx,
        nav,
        tabs,
        rows,
        pager,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "office/unit.html")]
struct DetailPage {
    ctx: PageContext,
    nav: Nav,
    unit: units::UnitRow,
    submitted: String,
    deadline: String,
    errors: FieldErrors,
    reason: String,
    message: Option<String>,
}

async fn render_detail(
    state: &AppState,
    ctx: PageContext,
    unit: units::UnitRow,
    errors: FieldErrors,
    reason: String,
    message: Option<String>,
) -> AppResult<DetailPage> {
    let cal = zc_db::calendar::working_calendar(&state.db, zc_db::seed::GUANGXI).await?;
    let submitted_day = unit
        .submitted_at
        .with_timezone(&crate::views::cst())
        .date_naive();
    let deadline = format_date(review_deadline(&cal, submitted_day));
    let submitted = format_time(unit.submitted_at);
    let nav = portal_nav(Portal::Office, "/office/units");
    Ok(DetailPage {
        ctx,
        nav,
        unit,
        submitted,
        deadline,
        errors,
        reason,
        message,
    })
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<DetailPage> {
    let unit = unit_in_scope(&state, &staff, &id).await?;
    let ctx = staff.ctx;
    render_detail(
        &state,
        ctx,
        unit,
        FieldErrors::default(),
        String::new(),
        None,
    )
    .await
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    /// `approve` or `return`.
    pub decision: String,
    #[serde(default)]
    pub reason: String,
}

async fn decision(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &staff, &id).await?;
    let Staff { ctx, user, .. } = staff;
    let decision = match f.decision.as_str() {
        "approve" => UnitDecision::Approve,
        "return" => UnitDecision::Return(f.reason.clone()),
        _ => return Err(AppError::Refused("请选择审核结果".into())),
    };
    let actor = Actor {
        account_id: Some(user.id),
        role: Some(user.role),
        ip: Some(&ip),
    };
    match decide_unit(&state.db, user.id, unit.id, decision, actor).await {
        Ok(()) => Ok(Redirect::to("/office/units?status=pending").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            Ok(render_detail(&state, ctx, unit, errors, f.reason, None)
                .await?
                .into_response())
        }
        Err(ServiceError::Refused { message, .. }) => {
            let fresh = units::find(&state.db, unit.id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(render_detail(
                &state,
                ctx,
                fresh,
                FieldErrors::default(),
                String::new(),
                Some(message),
            )
            .await?
            .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The licence photo, only for staff of the unit's office.
async fn licence(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let unit = unit_in_scope(&state, &staff, &id).await?;
    let key = unit.licence_key.ok_or(AppError::NotFound)?;
    let bytes = crate::files::kept_bytes(&state.config.storage, &key).await?;
    let content_type = if key.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"licence\""),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(res)
}
