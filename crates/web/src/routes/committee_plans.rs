//! `/committee/plans` — 评审计划: the committee's plan per year (application window,
//! specialties, online fees), with the review stages' windows the 职改办 set.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::Path,
    extract::State,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use zc_domain::{Portal, TitleLevel, calendar::china_date};
use zc_services::{
    FieldErrors, ServiceError,
    review_plans::{self, PlanInput},
};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    routes::review_form::Posted,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/committee` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(page).post(save))
        .route("/plans/fees", post(add_fee))
        .route("/plans/{plan}/fees/{item}/delete", post(remove_fee))
}

/// A fee item as listed under its plan.
pub struct FeeLine {
    pub id: i64,
    pub plan_id: i64,
    pub year: i32,
    pub name: String,
    pub level: &'static str,
    pub amount: String,
    pub pay_until: String,
}

/// The fee-item form's state: what was typed, its errors, a refusal.
#[derive(Default)]
struct FeeForm {
    typed: Posted,
    errors: FieldErrors,
    message: Option<String>,
}

/// A plan as listed.
pub struct PlanLine {
    pub year: i32,
    pub window: String,
    pub specialties: String,
    pub levels: String,
    pub fees: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "committee/plans.html")]
struct PlansPage {
    ctx: PageContext,
    nav: Nav,
    plans: Vec<PlanLine>,
    /// The committee's levels: rank, name, ticked.
    levels: Vec<(i32, &'static str, bool)>,
    typed: Posted,
    errors: FieldErrors,
    /// `(plan id, year)` for the fee-item form.
    plan_years: Vec<(i64, i32)>,
    fee_lines: Vec<FeeLine>,
    fee: FeeForm,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    typed: Posted,
    errors: FieldErrors,
) -> AppResult<PlansPage> {
    render_with(state, ctx, typed, errors, FeeForm::default()).await
}

async fn render_with(
    state: &AppState,
    ctx: PageContext,
    typed: Posted,
    errors: FieldErrors,
    fee: FeeForm,
) -> AppResult<PlansPage> {
    let user = ctx.signed_in()?;
    let committee = zc_services::committee_meetings::committee_of(&state.db, user.id)
        .await
        .map_err(|_| AppError::Forbidden)?;
    let rows = zc_db::review_plans::of_committee(&state.db, committee).await?;
    let mut fee_lines = Vec::new();
    for p in &rows {
        for i in zc_db::fee_items::of_plan(&state.db, p.id).await? {
            fee_lines.push(FeeLine {
                id: i.id,
                plan_id: p.id,
                year: p.year,
                name: i.name,
                level: i
                    .level_rank
                    .and_then(TitleLevel::from_rank)
                    .map_or("全部级别", TitleLevel::name),
                amount: zc_domain::payment::Fen(i.amount_fen).yuan(),
                pay_until: i.pay_until.to_string(),
            });
        }
    }
    let plan_years = rows.iter().map(|p| (p.id, p.year)).collect();
    let plans = rows
        .into_iter()
        .map(|p| PlanLine {
            year: p.year,
            window: format!(
                "{} 至 {}",
                china_date(p.apply_from),
                china_date(p.apply_until - chrono::Duration::seconds(1))
            ),
            levels: if p.levels.is_empty() {
                "全部级别".to_string()
            } else {
                p.levels
                    .split(',')
                    .filter_map(|r| r.parse().ok())
                    .filter_map(TitleLevel::from_rank)
                    .map(TitleLevel::name)
                    .collect::<Vec<_>>()
                    .join("、")
            },
            specialties: p.specialties,
            fees: if p.charges_online {
                "网上缴费"
            } else {
                "不在网上缴费"
            },
        })
        .collect();
    let range = zc_db::organisations::committee(&state.db, committee)
        .await?
        .map(|c| (c.level_min, c.level_max))
        .unwrap_or((1, 5));
    let ticked = typed.all("levels");
    let levels = TitleLevel::ALL
        .iter()
        .filter(|l| (range.0..=range.1).contains(&l.rank()))
        .map(|l| (l.rank(), l.name(), ticked.contains(&l.rank().to_string())))
        .collect();
    Ok(PlansPage {
        nav: portal_nav(Portal::Committee, "/committee/plans"),
        plans,
        levels,
        typed,
        errors,
        plan_years,
        fee_lines,
        fee,
        ctx,
    })
}

async fn add_fee(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let Ok(plan_id) = posted.value("plan_id").parse::<i64>() else {
        let fee = FeeForm {
            errors: FieldErrors(vec![("plan_id", "请选择评审计划".to_string())]),
            typed: posted,
            message: None,
        };
        return Ok(
            render_with(&state, ctx, Posted::default(), FieldErrors::default(), fee)
                .await?
                .into_response(),
        );
    };
    let input = zc_services::payments::fee_items::FeeItemInput {
        name: posted.value("name"),
        amount: posted.value("amount"),
        level: posted.value("level"),
        pay_until: posted.value("pay_until"),
    };
    match zc_services::payments::fee_items::add(&state.db, user.actor(&ip), plan_id, &input).await {
        Ok(_) => Ok(Redirect::to("/committee/plans#fees").into_response()),
        Err(e) => {
            let (errors, message) = crate::error::shown_on_page(e)?;
            let fee = FeeForm {
                typed: posted,
                errors,
                message,
            };
            Ok(
                render_with(&state, ctx, Posted::default(), FieldErrors::default(), fee)
                    .await?
                    .into_response(),
            )
        }
    }
}

async fn remove_fee(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path((plan, item)): Path<(i64, i64)>,
) -> AppResult<Response> {
    match zc_services::payments::fee_items::remove(&state.db, user.actor(&ip), plan, item).await {
        Ok(()) => Ok(Redirect::to("/committee/plans#fees").into_response()),
        Err(e) => {
            let message = crate::error::refusal_message(e)?;
            let fee = FeeForm {
                message: Some(message),
                ..FeeForm::default()
            };
            Ok(
                render_with(&state, ctx, Posted::default(), FieldErrors::default(), fee)
                    .await?
                    .into_response(),
            )
        }
    }
}

async fn page(State(state): State<AppState>, ctx: PageContext) -> AppResult<PlansPage> {
    render(&state, ctx, Posted::default(), FieldErrors::default()).await
}

async fn save(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let input = PlanInput {
        year: posted.value("year"),
        apply_from: posted.value("apply_from"),
        apply_until: posted.value("apply_until"),
        specialties: posted.value("specialties"),
        charges_online: posted.value("charges_online") == "1",
        levels: posted.all("levels"),
    };
    match review_plans::save(&state.db, user.actor(&ip), &input).await {
        Ok(_) => Ok(Redirect::to("/committee/plans").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            Ok(render(&state, ctx, posted, errors).await?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}
