//! `/unit/applications` — 申报审核 for unit staff: the queue by status with counts and a
//! keyword, each dossier read-only with its pictures and history, the internal publicity,
//! and the decisions (退回 with a reason per section, 不通过, 审核通过并报送).

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{ConnectInfo, Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::unit_review::QueueScope;
use zc_domain::{
    Portal, TitleLevel,
    application::{ApplicationStatus, sections::SECTIONS},
};
use zc_services::{
    FieldErrors, ServiceError,
    accounts::Actor,
    unit_review::{self, UnitDecision},
};

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    pager::Pager,
    routes::review_form::Posted,
    routes::{
        application_views::{DossierFiles, DossierPart, HistoryLine, dossier_view, history},
        my_applications::Card,
    },
    state::AppState,
    views::{Nav, format_time, portal_nav, today_cst},
};

/// Routes under `/unit` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications", get(queue))
        .route("/publicity", get(publicity_sheet))
        .route("/applications/{id}", get(dossier))
        .route("/applications/{id}/publicity", post(publicity))
        .route("/applications/{id}/decision", post(decision))
        .route("/applications/{id}/files/{file}", get(file))
}

/// The tabs of the queue, in the order a unit works.
const TABS: [ApplicationStatus; 5] = [
    ApplicationStatus::UnitPending,
    ApplicationStatus::ReturnedToUnit,
    ApplicationStatus::ReturnedToApplicant,
    ApplicationStatus::OfficePending,
    ApplicationStatus::UnitFailed,
];

fn unit_of(ctx: &PageContext) -> AppResult<(i64, crate::auth::SessionUser)> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    Ok((user.id, user))
}

/// Filters of the queue; every filter is in the address, so it can be bookmarked.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct QueueQuery {
    pub status: Option<String>,
    pub q: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// After a batch: how many were decided and how many had already moved on.
    pub done: Option<u64>,
    pub skipped: Option<u64>,
}

/// A tab with its count.
pub struct Tab {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
    pub current: bool,
}

/// A queue line.
pub struct Line {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub qualification: String,
    pub submitted: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "review/queue.html")]
pub(crate) struct QueuePage {
    pub ctx: PageContext,
    pub nav: Nav,
    /// Where the queue and its dossiers live, e.g. `/unit/applications`.
    pub base: &'static str,
    pub tabs: Vec<Tab>,
    pub status: &'static str,
    pub q: String,
    pub lines: Vec<Line>,
    pub pager: Pager,
    /// Batch approval is offered (the desk's own pending tab).
    pub batch: bool,
    pub total: u64,
    pub batch_result: Option<(u64, u64)>,
}

async fn queue(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<QueueQuery>,
) -> AppResult<QueuePage> {
    let (staff_id, _) = unit_of(&ctx)?;
    let unit_id = zc_db::accounts::find(&state.db, staff_id)
        .await?
        .and_then(|a| a.org_id)
        .ok_or(AppError::Forbidden)?;
    let nav = portal_nav(Portal::Unit, "/unit/applications");
    queue_page(
        &state,
        ctx,
        nav,
        "/unit/applications",
        QueueScope::Unit(unit_id),
        &TABS,
        q,
    )
    .await
}

/// A review queue: tabs with counts, the keyword, the page of lines.
pub(crate) async fn queue_page(
    state: &AppState,
    ctx: PageContext,
    nav: Nav,
    base: &'static str,
    scope: QueueScope,
    tabs: &[ApplicationStatus],
    q: QueueQuery,
) -> AppResult<QueuePage> {
    let status = tabs
        .iter()
        .copied()
        .find(|s| Some(s.code()) == q.status.as_deref())
        .unwrap_or(tabs[0]);
    let keyword: String =
        q.q.unwrap_or_default()
            .trim()
            .chars()
            .filter(|c| *c != '%' && *c != '_')
            .take(20)
            .collect();
    let counts = zc_db::unit_review::status_counts(&state.db, scope).await?;
    let tab_views = tabs
        .iter()
        .map(|s| Tab {
            code: s.code(),
            label: s.label(),
            count: counts
                .iter()
                .find(|(c, _)| c == s.code())
                .map_or(0, |(_, n)| *n),
            current: *s == status,
        })
        .collect();
    let total =
        zc_db::unit_review::queue_count(&state.db, scope, status.code(), &keyword).await? as u64;
    let mut params = vec![("status".to_string(), status.code().to_string())];
    if !keyword.is_empty() {
        params.push(("q".to_string(), keyword.clone()));
    }
    let pager = Pager::new(total, q.page, q.per_page, base, params);
    let lines = zc_db::unit_review::queue(
        &state.db,
        scope,
        status.code(),
        &keyword,
        pager.per_page as i64,
        pager.offset() as i64,
    )
    .await?
    .into_iter()
    .map(|r| Line {
        id: r.id,
        name: r.applicant_name,
        id_number: r.id_number_masked,
        qualification: format!(
            "{}系列/{}/{}",
            r.series_name,
            TitleLevel::from_rank(r.level_rank).map_or("", TitleLevel::name),
            r.title_name
        ),
        submitted: r.submitted_at.map(format_time).unwrap_or_default(),
    })
    .collect();
    let batch = base == "/office/applications" && status == tabs[0];
    let batch_result = q.done.map(|d| (d, q.skipped.unwrap_or(0)));
    Ok(QueuePage {
        batch,
        total,
        batch_result,
        nav,
        base,
        ctx,
        tabs: tab_views,
        status: status.code(),
        q: keyword,
        lines,
        pager,
    })
}

/// The sections a return may name.
pub struct SectionChoice {
    pub code: &'static str,
    pub title: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "unit/application.html")]
struct DossierPage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    applicant: String,
    parts: Vec<DossierPart>,
    files: Vec<DossierFiles>,
    files_base: String,
    history: Vec<HistoryLine>,
    publicity: Option<(String, String)>,
    may_forward: bool,
    today: String,
    sections: Vec<SectionChoice>,
    errors: FieldErrors,
    message: Option<String>,
    /// What a refused decision form held, to fill it in again.
    typed: Posted,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    errors: FieldErrors,
    message: Option<String>,
) -> AppResult<DossierPage> {
    let (staff_id, _) = unit_of(&ctx)?;
    let app = unit_review::for_unit_staff(&state.db, staff_id, id).await?;
    let (parts, files) = dossier_view(state, &app).await?;
    let applicant = zc_db::applicants::find(&state.db, app.applicant_id)
        .await?
        .map(|a| format!("{}（{}）", a.name, a.id_number_masked))
        .unwrap_or_default();
    let calendar = zc_db::calendar::working_calendar(&state.db, zc_db::seed::GUANGXI).await?;
    let record = zc_db::unit_review::publicity(&state.db, id).await?;
    let may_forward = record.as_ref().is_some_and(|p| {
        zc_domain::application::publicity::may_forward(&calendar, p.starts_on, today_cst())
    });
    Ok(DossierPage {
        nav: portal_nav(Portal::Unit, "/unit/applications"),
        files_base: format!("/unit/applications/{id}/files"),
        card: Card::of(&app),
        applicant,
        parts,
        files,
        history: history(state, id).await?,
        publicity: record.map(|p| (p.starts_on.to_string(), p.ends_on.to_string())),
        may_forward,
        today: today_cst().to_string(),
        sections: SECTIONS
            .iter()
            .map(|s| SectionChoice {
                code: s.code,
                title: s.title,
            })
            .collect(),
        errors,
        message,
        typed: Posted::default(),
        ctx,
    })
}

async fn dossier(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<DossierPage> {
    render(&state, ctx, id, FieldErrors::default(), None).await
}

fn actor<'a>(ctx: &PageContext, ip: &'a str) -> AppResult<Actor<'a>> {
    let user = ctx.user.as_ref().ok_or(AppError::Forbidden)?;
    Ok(user.actor(ip))
}

/// The publicity form.
#[derive(Debug, Deserialize)]
pub struct PublicityForm {
    #[serde(default)]
    pub starts_on: String,
}

async fn publicity(
    State(state): State<AppState>,
    ctx: PageContext,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<i64>,
    Form(f): Form<PublicityForm>,
) -> AppResult<Response> {
    let ip = addr.ip().to_string();
    let Ok(starts_on) = chrono::NaiveDate::parse_from_str(f.starts_on.trim(), "%Y-%m-%d") else {
        let mut errors = FieldErrors::default();
        errors.add("starts_on", "请填写公示开始日期，例如 2026-03-02");
        return Ok(render(&state, ctx, id, errors, None).await?.into_response());
    };
    match unit_review::record_publicity(&state.db, actor(&ctx, &ip)?, id, starts_on).await {
        Ok(_) => Ok(Redirect::to(&format!("/unit/applications/{id}#publicity")).into_response()),
        Err(ServiceError::Refused { message, .. }) => {
            Ok(
                render(&state, ctx, id, FieldErrors::default(), Some(message))
                    .await?
                    .into_response(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn decision(
    State(state): State<AppState>,
    ctx: PageContext,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let ip = addr.ip().to_string();
    let posted = Posted(fields);
    let value = |k: &str| posted.value(k);
    let decision = match value("decision").as_str() {
        "return" => UnitDecision::Return(posted.section_reasons()),
        "fail" => UnitDecision::Fail(value("fail_reason")),
        "forward" => UnitDecision::Forward(value("opinion")),
        _ => return Err(AppError::NotFound),
    };
    match unit_review::decide(&state.db, actor(&ctx, &ip)?, id, &decision).await {
        Ok(_) => Ok(Redirect::to("/unit/applications").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let mut page = render(&state, ctx, id, errors, None).await?;
            page.typed = posted;
            Ok(page.into_response())
        }
        Err(ServiceError::Refused { message, .. }) => {
            let mut page = render(&state, ctx, id, FieldErrors::default(), Some(message)).await?;
            page.typed = posted;
            Ok(page.into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// A picture of a dossier in the unit's scope.
async fn file(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (staff_id, _) = unit_of(&ctx)?;
    unit_review::for_unit_staff(&state.db, staff_id, id).await?;
    crate::routes::application_views::serve_file(&state, id, file).await
}

/// A line of the 公示表 as printed.
pub struct SheetLine {
    pub id: i64,
    pub name: String,
    pub qualification: String,
    pub committee: String,
    pub period: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "unit/publicity.html")]
struct SheetPage {
    ctx: PageContext,
    nav: Nav,
    unit: String,
    lines: Vec<SheetLine>,
}

/// 单位内部公示表: the unit's current publicity, to print and post. Names are shown as
/// a unit posts them internally; identity numbers are left out.
async fn publicity_sheet(State(state): State<AppState>, ctx: PageContext) -> AppResult<SheetPage> {
    let (staff_id, _) = unit_of(&ctx)?;
    let unit_id = zc_db::accounts::find(&state.db, staff_id)
        .await?
        .and_then(|a| a.org_id)
        .ok_or(AppError::Forbidden)?;
    let unit = zc_db::reference::org_name(&state.db, "unit", unit_id)
        .await?
        .unwrap_or_default();
    let lines = zc_db::unit_review::publicity_sheet(&state.db, unit_id, today_cst())
        .await?
        .into_iter()
        .map(|l| SheetLine {
            id: l.id,
            name: l.applicant_name,
            qualification: format!(
                "{}系列/{}/{}",
                l.series_name,
                TitleLevel::from_rank(l.level_rank).map_or("", TitleLevel::name),
                l.title_name
            ),
            committee: l.committee_name.unwrap_or_default(),
            period: format!("{} 至 {}", l.starts_on, l.ends_on),
        })
        .collect();
    Ok(SheetPage {
        nav: portal_nav(Portal::Unit, "/unit/applications"),
        ctx,
        unit,
        lines,
    })
}
