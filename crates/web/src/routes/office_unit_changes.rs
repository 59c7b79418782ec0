//! `/office/unit-changes` — 单位信息变更审核: the change requests of the units this office
//! (or department) reviews, waiting ones oldest first; each shows what changes and is
//! approved or refused with a reason.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_services::{FieldErrors, unit_change};

use crate::extract::{ClientIp, Staff};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, field_errors},
    pager::Pager,
    routes::{review_queue::Choice, unit_info::ChangeView},
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/unit-changes", get(list))
        .route("/unit-changes/{id}", get(detail))
        .route("/unit-changes/{id}/decision", post(decision))
}

/// A request as listed: the unit's current name and the view of the change.
pub struct ListedChange {
    pub unit: String,
    pub requested_by: String,
    pub view: ChangeView,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/unit_changes.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    statuses: Vec<Choice>,
    items: Vec<ListedChange>,
    pager: Pager,
}

/// `status` (待审核 by default; `all` for every one).
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    status: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// The office (or department) the staff member works in.
fn office_of(staff: &Staff) -> AppResult<i64> {
    staff
        .account
        .org_id
        .filter(|_| staff.account.org_kind.as_deref() == Some("office"))
        .ok_or(AppError::Forbidden)
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let office = office_of(&staff)?;
    let status = match q.status.as_deref() {
        Some("all") => "",
        Some(s @ ("approved" | "refused")) => s,
        _ => "pending",
    };
    let shown = if status.is_empty() { "all" } else { status };
    let total = zc_db::unit_changes::count_of_office(&state.db, office, status).await? as u64;
    let pager = Pager::new(
        total,
        q.page,
        q.per_page,
        "/office/unit-changes",
        vec![("status".into(), shown.into())],
    );
    let items = zc_db::unit_changes::of_office(
        &state.db,
        office,
        status,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .iter()
    .map(|c| ListedChange {
        unit: c.current_name.clone(),
        requested_by: c.requested_by_name.clone(),
        view: ChangeView::of(c),
    })
    .collect();
    let statuses = [
        ("pending", "待审核"),
        ("approved", "已通过"),
        ("refused", "未通过"),
        ("all", "全部"),
    ]
    .into_iter()
    .map(|(v, l)| Choice {
        selected: v == shown,
        value: v.into(),
        label: l.into(),
    })
    .collect();
    Ok(ListPage {
        nav: portal_nav(staff.user.role.portal(), "/office/unit-changes"),
        ctx: staff.ctx,
        statuses,
        items,
        pager,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "office/unit_change.html")]
struct DetailPage {
    ctx: PageContext,
    nav: Nav,
    item: ListedChange,
    reason: String,
    typed_note: String,
    errors: FieldErrors,
}

async fn render(
    state: &AppState,
    staff: Staff,
    id: i64,
    typed_note: String,
    errors: FieldErrors,
) -> AppResult<DetailPage> {
    let c = unit_change::for_reviewer(&state.db, staff.user.id, id).await?;
    Ok(DetailPage {
        nav: portal_nav(staff.user.role.portal(), "/office/unit-changes"),
        ctx: staff.ctx,
        reason: c.reason.clone(),
        item: ListedChange {
            unit: c.current_name.clone(),
            requested_by: c.requested_by_name.clone(),
            view: ChangeView::of(&c),
        },
        typed_note,
        errors,
    })
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<DetailPage> {
    render(&state, staff, id, String::new(), FieldErrors::default()).await
}

/// The decision as posted: `decision` is `approve` or `refuse`.
#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decision(
    State(state): State<AppState>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let approve = match f.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => {
            let mut errors = FieldErrors::default();
            errors.add("decision", "请选择审核结果");
            return Ok(render(&state, staff, id, f.note, errors)
                .await?
                .into_response());
        }
    };
    let errors =
        match unit_change::decide(&state.db, staff.user.actor(&ip), id, approve, &f.note).await {
            Ok(()) => return Ok(Redirect::to("/office/unit-changes").into_response()),
            Err(e) => field_errors(e, "note")?,
        };
    Ok(render(&state, staff, id, f.note, errors)
        .await?
        .into_response())
}
