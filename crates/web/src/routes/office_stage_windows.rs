//! `/office/stage-windows` — 阶段时间与个案重开 for a 职改办: when each review stage of its
//! committees' plans opens and closes, and single dossiers reopened past a shut stage.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::State,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::{Portal, application::stage_window::Stage, calendar::china_date};
use zc_services::{
    FieldErrors, ServiceError,
    stage_windows::{self, ReopenInput, WindowInput},
};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::AppResult,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stage-windows", get(page).post(set_window))
        .route("/stage-windows/reopen", post(reopen))
}

/// A stage of a plan as shown.
pub struct StageLine {
    pub code: &'static str,
    pub name: &'static str,
    pub opens_on: String,
    pub closes_on: String,
}

/// A plan with its three stages.
pub struct PlanLine {
    pub plan_id: i64,
    pub title: String,
    pub stages: Vec<StageLine>,
}

/// A reopening as listed.
pub struct ReopenLine {
    pub application_id: i64,
    pub stage: &'static str,
    pub reason: String,
    pub until: String,
    pub at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/stage_windows.html")]
struct StagePage {
    ctx: PageContext,
    nav: Nav,
    plans: Vec<PlanLine>,
    reopenings: Vec<ReopenLine>,
    stages: Vec<(&'static str, &'static str)>,
    errors: FieldErrors,
    /// The form whose errors are shown: `window-{plan}-{stage}` or `reopen`.
    failed: String,
    typed: Vec<(String, String)>,
    today: String,
}

impl StagePage {
    /// A value the refused form held.
    pub fn typed(&self, key: &str) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    errors: FieldErrors,
    failed: String,
    typed: Vec<(String, String)>,
) -> AppResult<StagePage> {
    let office = crate::extract::office_desk(state, &ctx).await?;
    let rows = zc_db::stage_windows::plans_of_office(&state.db, office).await?;
    let mut plans: Vec<PlanLine> = Vec::new();
    for r in &rows {
        if plans.last().is_none_or(|p| p.plan_id != r.plan_id) {
            plans.push(PlanLine {
                plan_id: r.plan_id,
                title: format!("{}年度 {}", r.year, r.committee_name),
                stages: Stage::ALL
                    .iter()
                    .map(|s| StageLine {
                        code: s.code(),
                        name: s.name(),
                        opens_on: String::new(),
                        closes_on: String::new(),
                    })
                    .collect(),
            });
        }
        if let (Some(plan), Some(code), Some(o), Some(c)) = (
            plans.last_mut(),
            r.stage.as_deref(),
            r.opens_at,
            r.closes_at,
        ) && let Some(line) = plan.stages.iter_mut().find(|l| l.code == code)
        {
            line.opens_on = china_date(o).to_string();
            line.closes_on = china_date(c - chrono::Duration::seconds(1)).to_string();
        }
    }
    let reopenings = zc_db::stage_windows::reopenings_of_office(&state.db, office, 20)
        .await?
        .into_iter()
        .map(|r| ReopenLine {
            application_id: r.application_id,
            stage: Stage::from_code(&r.stage).map_or("", Stage::name),
            reason: r.reason,
            until: format_time(r.until_at),
            at: format_time(r.created_at),
        })
        .collect();
    Ok(StagePage {
        nav: portal_nav(Portal::Office, "/office/stage-windows"),
        plans,
        reopenings,
        stages: Stage::ALL.iter().map(|s| (s.code(), s.name())).collect(),
        errors,
        failed,
        typed,
        today: china_date(state.db.now()).to_string(),
        ctx,
    })
}

async fn page(State(state): State<AppState>, ctx: PageContext) -> AppResult<StagePage> {
    render(
        &state,
        ctx,
        FieldErrors::default(),
        String::new(),
        Vec::new(),
    )
    .await
}

/// The window form.
#[derive(Debug, Deserialize)]
struct WindowForm {
    plan_id: i64,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    closes_on: String,
}

async fn set_window(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<WindowForm>,
) -> AppResult<Response> {
    let office = crate::extract::office_desk(&state, &ctx).await?;
    let input = WindowInput {
        plan_id: f.plan_id,
        stage: f.stage.clone(),
        opens_on: f.opens_on.clone(),
        closes_on: f.closes_on.clone(),
    };
    match stage_windows::set_window(&state.db, user.actor(&ip), office, &input).await {
        Ok(()) => Ok(Redirect::to("/office/stage-windows").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let typed = vec![
                ("opens_on".to_string(), f.opens_on),
                ("closes_on".to_string(), f.closes_on),
            ];
            let failed = format!("window-{}-{}", f.plan_id, f.stage);
            Ok(render(&state, ctx, errors, failed, typed)
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The reopening form.
#[derive(Debug, Deserialize)]
struct ReopenForm {
    #[serde(default)]
    application_id: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    until_on: String,
}

async fn reopen(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<ReopenForm>,
) -> AppResult<Response> {
    let office = crate::extract::office_desk(&state, &ctx).await?;
    let input = ReopenInput {
        application_id: f.application_id.clone(),
        stage: f.stage.clone(),
        reason: f.reason.clone(),
        until_on: f.until_on.clone(),
    };
    match stage_windows::reopen(&state.db, user.actor(&ip), office, &input).await {
        Ok(_) => Ok(Redirect::to("/office/stage-windows#reopenings").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let typed = vec![
                ("application_id".to_string(), f.application_id),
                ("stage".to_string(), f.stage),
                ("reason".to_string(), f.reason),
                ("until_on".to_string(), f.until_on),
            ];
            Ok(render(&state, ctx, errors, "reopen".into(), typed)
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
