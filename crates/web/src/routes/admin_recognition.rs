//! `/admin/recognition-rules`: the 认定条件 table. Every admin may read it; the system admin
//! changes it (audited by the service).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::{Role, TitleLevel, application::recognition::EDUCATION};
use zc_services::{
    FieldErrors, ServiceError,
    recognition_rules::{RuleInput, delete, save},
};

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::AppResult,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes of the page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/recognition-rules", get(page).post(save_rule))
        .route("/recognition-rules/{id}/delete", post(delete_rule))
}

/// A condition as listed.
pub struct RuleLine {
    pub id: i64,
    pub series: String,
    pub education: String,
    pub level: &'static str,
    pub months: i32,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/recognition_rules.html")]
struct RulesPage {
    ctx: PageContext,
    nav: Nav,
    rules: Vec<RuleLine>,
    series: Vec<(String, String)>,
    educations: &'static [&'static str],
    levels: Vec<(String, &'static str)>,
    form: RuleForm,
    errors: FieldErrors,
    may_edit: bool,
    saved: bool,
}

/// The add/change form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    pub series: String,
    #[serde(default)]
    pub education: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub months: String,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    form: RuleForm,
    errors: FieldErrors,
    saved: bool,
) -> AppResult<RulesPage> {
    let user = crate::routes::admin::any_admin(&ctx)?;
    let rules = zc_db::recognition::all_rules(&state.db)
        .await?
        .into_iter()
        .map(|r| RuleLine {
            id: r.id,
            series: r.series_name.unwrap_or_else(|| "所有系列".into()),
            education: r.education,
            level: TitleLevel::from_rank(r.level_rank).map_or("", TitleLevel::name),
            months: r.months,
        })
        .collect();
    let series = zc_db::organisations::series(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.name))
        .collect();
    Ok(RulesPage {
        nav: portal_nav(zc_domain::Portal::Admin, "/admin/recognition-rules"),
        ctx,
        rules,
        series,
        educations: EDUCATION,
        levels: (1..=3)
            .filter_map(|r| TitleLevel::from_rank(r).map(|l| (r.to_string(), l.name())))
            .collect(),
        form,
        errors,
        may_edit: user.role == Role::SystemAdmin,
        saved,
    })
}

async fn page(State(state): State<AppState>, ctx: PageContext) -> AppResult<RulesPage> {
    render(
        &state,
        ctx,
        RuleForm::default(),
        FieldErrors::default(),
        false,
    )
    .await
}

async fn save_rule(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<RuleForm>,
) -> AppResult<Response> {
    let user = crate::routes::admin::any_admin(&ctx)?;
    let input = RuleInput {
        series: f.series.clone(),
        education: f.education.clone(),
        level: f.level.clone(),
        months: f.months.clone(),
    };
    match save(&state.db, &input, user.actor(&ip)).await {
        Ok(()) => Ok(render(
            &state,
            ctx,
            RuleForm::default(),
            FieldErrors::default(),
            true,
        )
        .await?
        .into_response()),
        Err(ServiceError::Invalid(errors)) => {
            Ok(render(&state, ctx, f, errors, false).await?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn delete_rule(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = crate::routes::admin::any_admin(&ctx)?;
    delete(&state.db, id, user.actor(&ip)).await?;
    Ok(Redirect::to("/admin/recognition-rules").into_response())
}
