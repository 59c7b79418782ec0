//! 评委专家入库申请 — `/my/expert/enrol` for the applicant (the form, or where their request
//! stands) and `/committee/expert-enrolments` for the committee office (approve for a term,
//! or return with a reason).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use zc_db::expert_enrolments::EnrolmentRow;
use zc_domain::{
    Portal,
    expert_enrolment::{EnrolmentStatus, may_apply},
};
use zc_services::{
    FieldErrors, ServiceError,
    expert_enrolment::{self, EnrolmentInput},
};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, refusal_message},
    routes::{review_form::Posted, review_queue::Choice},
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn my_routes() -> Router<AppState> {
    Router::new().route("/expert/enrol", get(form).post(submit))
}

/// Routes under `/committee` (the caller adds the portal guard).
pub fn committee_routes() -> Router<AppState> {
    Router::new()
        .route("/expert-enrolments", get(pending))
        .route("/expert-enrolments/{id}/{action}", post(decide))
}

#[derive(Template, WebTemplate)]
#[template(path = "my/expert_enrol.html")]
struct FormPage {
    ctx: PageContext,
    nav: Nav,
    latest: Option<EnrolmentRow>,
    /// No request yet, or the last one came back.
    may_apply: bool,
    series: Vec<Choice>,
    typed: Posted,
    errors: FieldErrors,
    message: Option<String>,
}

async fn render_form(
    state: &AppState,
    ctx: PageContext,
    typed: Posted,
    errors: FieldErrors,
    message: Option<String>,
) -> AppResult<FormPage> {
    let user = ctx.signed_in()?;
    let chosen = typed.value("series_id");
    let series = zc_db::organisations::series(&state.db)
        .await?
        .into_iter()
        .map(|s| Choice {
            selected: s.id.to_string() == chosen,
            value: s.id.to_string(),
            label: s.name,
        })
        .collect();
    let latest = zc_db::expert_enrolments::latest_of(&state.db, user.id).await?;
    Ok(FormPage {
        nav: portal_nav(Portal::My, "/my/expert/enrol"),
        may_apply: may_apply(latest.as_ref().map(|e| e.status)).is_ok(),
        latest,
        series,
        typed,
        errors,
        message,
        ctx,
    })
}

async fn form(State(state): State<AppState>, ctx: PageContext) -> AppResult<FormPage> {
    render_form(&state, ctx, Posted::default(), FieldErrors::default(), None).await
}

async fn submit(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let v = |k: &str| posted.value(k);
    let input = EnrolmentInput {
        series_id: v("series_id"),
        specialty: v("specialty"),
        title_name: v("title_name"),
        title_obtained_on: v("title_obtained_on"),
        unit_name: v("unit_name"),
        post: v("post"),
        research_field: v("research_field"),
        phone: v("phone"),
        recusal_note: v("recusal_note"),
        recusal_ids: v("recusal_ids"),
        pledge: v("pledge") == "yes",
    };
    match expert_enrolment::submit(&state.db, &state.vault, user.actor(&ip), &input).await {
        Ok(_) => Ok(Redirect::to("/my/expert/enrol").into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(render_form(&state, ctx, posted, errors, None)
            .await?
            .into_response()),
        Err(ServiceError::Refused { message, .. }) => {
            Ok(
                render_form(&state, ctx, posted, FieldErrors::default(), Some(message))
                    .await?
                    .into_response(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "committee/expert_enrolments.html")]
struct PendingPage {
    ctx: PageContext,
    nav: Nav,
    items: Vec<EnrolmentRow>,
    message: Option<String>,
}

async fn render_pending(
    state: &AppState,
    ctx: PageContext,
    message: Option<String>,
) -> AppResult<PendingPage> {
    let user = ctx.signed_in()?;
    let items = expert_enrolment::pending_for(&state.db, user.id)
        .await
        .map_err(|_| AppError::Forbidden)?;
    Ok(PendingPage {
        nav: portal_nav(Portal::Committee, "/committee/expert-enrolments"),
        items,
        message,
        ctx,
    })
}

async fn pending(State(state): State<AppState>, ctx: PageContext) -> AppResult<PendingPage> {
    render_pending(&state, ctx, None).await
}

async fn decide(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path((id, action)): Path<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let outcome = match action.as_str() {
        "approve" => {
            expert_enrolment::approve(&state.db, user.actor(&ip), id, &posted.value("term_end"))
                .await
        }
        "return" => {
            expert_enrolment::return_request(
                &state.db,
                user.actor(&ip),
                id,
                &posted.value("reason"),
            )
            .await
        }
        _ => return Err(AppError::NotFound),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to("/committee/expert-enrolments").into_response()),
        Err(e) => {
            let message = refusal_message(e)?;
            Ok(render_pending(&state, ctx, Some(message))
                .await?
                .into_response())
        }
    }
}
