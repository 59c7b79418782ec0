//! `/admin/dictionary` — 数据字典: the series (职称系列) with their titles per level and
//! their specialties, kept by the system administrator; the other admins read. The
//! upload slots are in `admin_slots.rs`; committees' level ranges live in 机构管理 and
//! the eligibility tables in 认定条件, both linked from here.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::dictionary::{SeriesRow, SpecialtyRow, TitleRow};
use zc_domain::{Portal, Role, level::TitleLevel};
use zc_services::{FieldErrors, ServiceError, dictionary};

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::{AppError, AppResult, field_errors},
    routes::admin::any_admin,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/admin` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dictionary", get(overview).post(add_series))
        .route(
            "/dictionary/series/{id}",
            get(series_page).post(update_series),
        )
        .route("/dictionary/series/{id}/titles", post(add_title))
        .route(
            "/dictionary/series/{id}/titles/{title}/delete",
            post(remove_title),
        )
        .route("/dictionary/series/{id}/specialties", post(add_specialty))
        .route(
            "/dictionary/series/{id}/specialties/{specialty}/delete",
            post(remove_specialty),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/dictionary.html")]
struct OverviewPage {
    ctx: PageContext,
    nav: Nav,
    series: Vec<SeriesRow>,
    may_edit: bool,
    typed: SeriesForm,
    errors: FieldErrors,
}

/// A new series as typed.
#[derive(Debug, Default, Deserialize)]
struct SeriesForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

async fn render_overview(
    state: &AppState,
    ctx: PageContext,
    typed: SeriesForm,
    errors: FieldErrors,
) -> AppResult<OverviewPage> {
    let user = any_admin(&ctx)?;
    Ok(OverviewPage {
        nav: portal_nav(Portal::Admin, "/admin/dictionary"),
        ctx,
        series: zc_db::dictionary::series(&state.db).await?,
        may_edit: user.role == Role::SystemAdmin,
        typed,
        errors,
    })
}

async fn overview(State(state): State<AppState>, ctx: PageContext) -> AppResult<OverviewPage> {
    render_overview(&state, ctx, SeriesForm::default(), FieldErrors::default()).await
}

async fn add_series(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<SeriesForm>,
) -> AppResult<Response> {
    let user = any_admin(&ctx)?;
    match dictionary::add_series(&state.db, user.actor(&ip), &f.code, &f.name).await {
        Ok(id) => {
            Ok(Redirect::to(&format!("/admin/dictionary/series/{id}?saved=1")).into_response())
        }
        Err(e) => {
            let errors = field_errors(e, "name")?;
            Ok(render_overview(&state, ctx, f, errors)
                .await?
                .into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/dictionary_series.html")]
struct SeriesPage {
    ctx: PageContext,
    nav: Nav,
    series: SeriesRow,
    titles: Vec<TitleRow>,
    specialties: Vec<SpecialtyRow>,
    may_edit: bool,
    typed: EditForm,
    errors: FieldErrors,
    saved: bool,
}

impl SeriesPage {
    /// The levels to add a title at, the typed one selected.
    fn levels(&self) -> Vec<(&'static str, &'static str, bool)> {
        TitleLevel::ALL
            .into_iter()
            .map(|l| (l.code(), l.name(), self.typed.level == l.code()))
            .collect()
    }

    /// A title's level name.
    fn level_name(&self, rank: &i32) -> &'static str {
        TitleLevel::from_rank(*rank).map_or("", TitleLevel::name)
    }
}

/// Everything the series page's forms post; each form sends its own part.
#[derive(Debug, Default, Deserialize)]
struct EditForm {
    /// `series` from the series' own form: its fields are then as typed.
    #[serde(default)]
    form: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    sort_order: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    level: String,
    #[serde(default)]
    title_name: String,
    #[serde(default)]
    specialty: String,
}

/// `?saved=1` after a change.
#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn render_series(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    typed: Option<EditForm>,
    errors: FieldErrors,
) -> AppResult<SeriesPage> {
    let user = any_admin(&ctx)?;
    let series = zc_db::dictionary::series(&state.db)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(AppError::NotFound)?;
    let mut typed = typed.unwrap_or_default();
    if typed.form != "series" {
        typed.name = series.name.clone();
        typed.sort_order = series.sort_order.to_string();
        typed.active = series.active.then(|| "on".into());
    }
    Ok(SeriesPage {
        nav: portal_nav(Portal::Admin, "/admin/dictionary"),
        ctx,
        titles: zc_db::dictionary::titles(&state.db, id).await?,
        specialties: zc_db::dictionary::specialties(&state.db, id).await?,
        series,
        may_edit: user.role == Role::SystemAdmin,
        typed,
        errors,
        saved: false,
    })
}

async fn series_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> AppResult<SeriesPage> {
    let mut page = render_series(&state, ctx, id, None, FieldErrors::default()).await?;
    page.saved = q.saved.is_some();
    Ok(page)
}

fn back(id: i64) -> Response {
    Redirect::to(&format!("/admin/dictionary/series/{id}?saved=1")).into_response()
}

/// Answers a change: back to the page, or the page again with the refusal under `field`
/// and what was typed.
async fn answer(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    typed: EditForm,
    result: Result<(), ServiceError>,
    field: &'static str,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(back(id)),
        Err(e) => {
            let errors = field_errors(e, field)?;
            Ok(render_series(state, ctx, id, Some(typed), errors)
                .await?
                .into_response())
        }
    }
}

async fn update_series(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> AppResult<Response> {
    let user = any_admin(&ctx)?;
    let result = dictionary::update_series(
        &state.db,
        user.actor(&ip),
        id,
        &f.name,
        &f.sort_order,
        f.active.is_some(),
    )
    .await;
    answer(&state, ctx, id, f, result, "name").await
}

async fn add_title(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> AppResult<Response> {
    let user = any_admin(&ctx)?;
    let result =
        dictionary::add_title(&state.db, user.actor(&ip), id, &f.level, &f.title_name).await;
    answer(&state, ctx, id, f, result, "title_name").await
}

async fn remove_title(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path((id, title)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let user = any_admin(&ctx)?;
    let result = dictionary::remove_title(&state.db, user.actor(&ip), id, title).await;
    answer(&state, ctx, id, EditForm::default(), result, "title_name").await
}

async fn add_specialty(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> AppResult<Response> {
    let user = any_admin(&ctx)?;
    let result = dictionary::add_specialty(&state.db, user.actor(&ip), id, &f.specialty).await;
    answer(&state, ctx, id, f, result, "specialty").await
}

async fn remove_specialty(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path((id, specialty)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let user = any_admin(&ctx)?;
    let result = dictionary::remove_specialty(&state.db, user.actor(&ip), id, specialty).await;
    answer(&state, ctx, id, EditForm::default(), result, "specialty").await
}
