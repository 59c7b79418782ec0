//! `/my/applications` — 申报职称: the applicant's cards, 我要申报, and the applicant's
//! own transitions (报送, 撤回, 删除) with the 进度 page.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::applications::{ApplicationRow, EventRow, OpenChoice};
use zc_domain::{
    Portal, TitleLevel,
    application::{ApplicationKind, ApplicationStatus, ProgressStep, sections::Missing},
};
use zc_services::{
    FieldErrors, ServiceError,
    applications::{self, Submitted},
};

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications", get(list).post(create))
        .route("/applications/{id}/submit", get(submit_page).post(submit))
        .route("/applications/{id}/withdraw", post(withdraw))
        .route("/applications/{id}/delete", post(delete))
        .route("/applications/{id}/progress", get(progress))
        .route("/applications/{id}", get(detail))
        .route("/applications/{id}/change", get(change_page).post(change))
}

/// An application's card.
pub struct Card {
    pub id: i64,
    pub kind: &'static str,
    pub status: ApplicationStatus,
    pub year: i32,
    pub qualification: String,
    pub level: &'static str,
    pub office: String,
    pub committee: String,
    pub created: String,
}

impl Card {
    /// The card of an application row.
    pub fn of(a: &ApplicationRow) -> Card {
        let level = TitleLevel::from_rank(a.level_rank).map_or("", TitleLevel::name);
        Card {
            id: a.id,
            kind: ApplicationKind::from_code(&a.kind).map_or("", ApplicationKind::name),
            status: ApplicationStatus::from_code(&a.status).unwrap_or(ApplicationStatus::Draft),
            year: a.year,
            qualification: format!("{}系列/{level}/{}", a.series_name, a.title_name),
            level,
            office: a.office_name.clone(),
            committee: a.committee_name.clone().unwrap_or_default(),
            created: format_time(a.created_at),
        }
    }
}

/// An open choice as listed in the create form.
pub struct ChoiceItem {
    pub value: String,
    pub label: String,
    pub committee: String,
    pub office: String,
    pub until: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/applications.html")]
struct ListPage {
    ctx: PageContext,
    nav: Nav,
    cards: Vec<Card>,
    choices: Vec<ChoiceItem>,
    chosen: String,
    errors: FieldErrors,
    refusal: Option<String>,
}

/// The open choices as listed.
async fn choice_items(state: &AppState) -> AppResult<Vec<ChoiceItem>> {
    Ok(applications::open_choices(&state.db, chrono::Utc::now())
        .await?
        .iter()
        .map(|c: &OpenChoice| ChoiceItem {
            value: applications::choice_value(c),
            label: format!(
                "{}系列/{}/{}",
                c.series_name,
                TitleLevel::from_rank(c.level_rank).map_or("", TitleLevel::name),
                c.title_name
            ),
            committee: c.committee_name.clone(),
            office: c.office_name.clone(),
            until: format_time(c.apply_until),
        })
        .collect())
}

async fn render_list(
    state: &AppState,
    ctx: PageContext,
    chosen: String,
    errors: FieldErrors,
    refusal: Option<String>,
) -> AppResult<ListPage> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    let cards = zc_db::applications::for_applicant(&state.db, user.id)
        .await?
        .iter()
        .map(Card::of)
        .collect();
    let choices = choice_items(state).await?;
    Ok(ListPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        cards,
        choices,
        chosen,
        errors,
        refusal,
    })
}

async fn list(State(state): State<AppState>, ctx: PageContext) -> AppResult<ListPage> {
    render_list(&state, ctx, String::new(), FieldErrors::default(), None).await
}

/// 我要申报.
#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub choice: String,
}

async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    match applications::create_evaluation(&state.db, user.id, &f.choice, chrono::Utc::now()).await {
        Ok(id) => {
            Ok(Redirect::to(&format!("/my/applications/{id}/sections/basic")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok(render_list(&state, ctx, f.choice, errors, None)
            .await?
            .into_response()),
        Err(ServiceError::Refused { message, .. }) => {
            Ok(
                render_list(&state, ctx, f.choice, FieldErrors::default(), Some(message))
                    .await?
                    .into_response(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_submit.html")]
struct SubmitPage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    missing: Vec<(Missing, &'static str)>,
    pledge: &'static str,
    token: String,
    errors: FieldErrors,
}

async fn render_submit(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    errors: FieldErrors,
) -> AppResult<SubmitPage> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    let app = applications::mine(&state.db, user.id, id).await?;
    let missing = applications::missing_items(&state.db, id)
        .await?
        .into_iter()
        .map(|m| {
            let title =
                zc_domain::application::sections::section(m.section).map_or("", |s| s.title);
            (m, title)
        })
        .collect();
    Ok(SubmitPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        card: Card::of(&app),
        missing,
        pledge: zc_domain::application::sections::PLEDGE,
        token: format!("{:032x}", rand::random::<u128>()),
        errors,
    })
}

async fn submit_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<SubmitPage> {
    render_submit(&state, ctx, id, FieldErrors::default()).await
}

/// 同意并报送.
#[derive(Debug, Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    pub pledge: Option<String>,
    #[serde(default)]
    pub token: String,
}

async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Form(f): Form<SubmitForm>,
) -> AppResult<Response> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    match applications::submit(&state.db, user.id, id, f.pledge.is_some(), &f.token).await {
        Ok(Submitted::Now | Submitted::Already) => {
            Ok(Redirect::to(&format!("/my/applications/{id}/progress")).into_response())
        }
        Err(ServiceError::Invalid(errors)) => Ok(render_submit(&state, ctx, id, errors)
            .await?
            .into_response()),
        Err(ServiceError::Refused {
            code: "incomplete",
            message,
        }) => {
            let mut errors = FieldErrors::default();
            errors.add("missing", message);
            Ok(render_submit(&state, ctx, id, errors)
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn withdraw(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    applications::withdraw(&state.db, user.id, id).await?;
    Ok(Redirect::to("/my/applications").into_response())
}

async fn delete(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    applications::delete(&state.db, user.id, id).await?;
    Ok(Redirect::to("/my/applications").into_response())
}

/// A step of the bar.
pub struct BarStep {
    pub label: &'static str,
    pub done: bool,
    pub current: bool,
}

/// A line of the history.
pub struct HistoryLine {
    pub at: String,
    pub step: String,
    pub result: String,
    pub org: String,
    pub status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_progress.html")]
struct ProgressPage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    bar: Vec<BarStep>,
    sentence: String,
    history: Vec<HistoryLine>,
}

async fn progress(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<ProgressPage> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    let app = applications::mine(&state.db, user.id, id).await?;
    let card = Card::of(&app);
    let kind = ApplicationKind::from_code(&app.kind).unwrap_or(ApplicationKind::Evaluation);
    // The 主管部门 step appears once a dossier has passed through one.
    let events: Vec<EventRow> = zc_db::applications::events(&state.db, id).await?;
    let via_department = events
        .iter()
        .any(|e| e.to_status == ApplicationStatus::DepartmentPending.code());
    let now_step = card.status.step();
    let bar = ProgressStep::path(kind, via_department)
        .into_iter()
        .map(|s| BarStep {
            label: s.label(),
            done: s < now_step,
            current: s == now_step,
        })
        .collect();
    let since = events
        .last()
        .map(|e| format_time(e.at))
        .unwrap_or_else(|| card.created.clone());
    let holder = match now_step {
        ProgressStep::Applicant => "您本人".to_string(),
        ProgressStep::Unit => zc_db::reference::org_name(&state.db, "unit", app.unit_id)
            .await?
            .unwrap_or_default(),
        ProgressStep::Office | ProgressStep::Certificate => app.office_name.clone(),
        ProgressStep::Committee | ProgressStep::Publicity => card.committee.clone(),
        ProgressStep::Department => "主管部门".to_string(),
    };
    let sentence = format!(
        "当前状态：{}。目前由{holder}办理，自 {since} 起。",
        card.status.label()
    );
    let history = events
        .into_iter()
        .map(|e| HistoryLine {
            at: format_time(e.at),
            step: e.step,
            result: if e.opinion.is_empty() {
                e.action
            } else {
                format!("{}：{}", e.action, e.opinion)
            },
            org: e.org_name,
            status: ApplicationStatus::from_code(&e.to_status).map_or("", |s| s.label()),
        })
        .collect();
    Ok(ProgressPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        card,
        bar,
        sentence,
        history,
    })
}

/// A part of the dossier, read-only.
pub struct DossierPart {
    pub title: &'static str,
    pub pairs: Vec<(&'static str, String)>,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub summary: Option<String>,
}

/// A slot's files in the dossier.
pub struct DossierFiles {
    pub label: String,
    pub ids: Vec<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_detail.html")]
struct DetailPage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    name: String,
    id_number: String,
    parts: Vec<DossierPart>,
    files: Vec<DossierFiles>,
    frozen: bool,
}

/// 详情 and 申报表: the dossier as submitted (or the draft so far), printable on A4.
async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<DetailPage> {
    use zc_domain::application::sections::{PartData, PartShape, SECTIONS};
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    let app = applications::mine(&state.db, user.id, id).await?;
    let dossier = zc_services::application_parts::dossier(&state.db, &app).await?;
    let parts = SECTIONS
        .iter()
        .flat_map(|s| s.parts.iter())
        .map(|p| {
            let data = dossier.get(p.code).cloned().unwrap_or_default();
            let mut part = DossierPart {
                title: p.title,
                pairs: Vec::new(),
                headers: p.fields.iter().map(|f| f.label).collect(),
                rows: Vec::new(),
                summary: None,
            };
            match (p.shape, data) {
                (PartShape::Single, PartData::Single(v)) => {
                    part.pairs = p
                        .fields
                        .iter()
                        .map(|f| (f.label, v.get(f.key).cloned().unwrap_or_default()))
                        .collect();
                }
                (PartShape::Rows { .. }, PartData::Rows(rows)) => {
                    part.rows = rows
                        .iter()
                        .map(|r| {
                            p.fields
                                .iter()
                                .map(|f| r.get(f.key).cloned().unwrap_or_default())
                                .collect()
                        })
                        .collect();
                }
                (PartShape::Summary, PartData::Summary { html, .. }) => part.summary = Some(html),
                _ => {}
            }
            part
        })
        .collect();
    let all = zc_db::application_files::for_application(&state.db, id).await?;
    let files = zc_services::application_files::slots(&state.db, &app)
        .await?
        .into_iter()
        .map(|s| DossierFiles {
            ids: all
                .iter()
                .filter(|f| f.slot == s.code && f.confirmed)
                .map(|f| f.id)
                .collect(),
            label: s.label,
        })
        .filter(|f| !f.ids.is_empty())
        .collect();
    let me = zc_db::applicants::find(&state.db, user.id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let card = Card::of(&app);
    Ok(DetailPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        frozen: !card.status.is_editable(),
        ctx,
        card,
        name: me.name,
        id_number: me.id_number_masked,
        parts,
        files,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "my/application_change.html")]
struct ChangePage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    choices: Vec<ChoiceItem>,
    chosen: String,
    errors: FieldErrors,
}

async fn render_change(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    chosen: Option<String>,
    errors: FieldErrors,
) -> AppResult<ChangePage> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    let app = applications::mine(&state.db, user.id, id).await?;
    let current = app
        .committee_id
        .map(|c| format!("{c}:{}:{}", app.level_rank, app.title_name))
        .unwrap_or_default();
    Ok(ChangePage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        card: Card::of(&app),
        choices: choice_items(state).await?,
        chosen: chosen.unwrap_or(current),
        errors,
    })
}

async fn change_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<ChangePage> {
    render_change(&state, ctx, id, None, FieldErrors::default()).await
}

async fn change(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    match applications::change_choice(&state.db, user.id, id, &f.choice, chrono::Utc::now()).await {
        Ok(()) => Ok(Redirect::to("/my/applications").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            Ok(render_change(&state, ctx, id, Some(f.choice), errors)
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
