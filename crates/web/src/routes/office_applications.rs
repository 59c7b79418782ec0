//! `/office/applications` — the review desk of a 主管部门 or 职改办: the dossiers addressed to
//! it by status, each read-only with pictures and history, and the decisions (通过, 退回 to
//! the unit or the applicant with a reason per section, 初审不通过).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use zc_db::review_queue::QueueScope;
use zc_domain::{
    Portal,
    application::{ApplicationStatus, ReturnTo},
};
use zc_services::{
    FieldErrors,
    office_review::{self, Desk, OfficeDecision},
    review_batch::BatchDecision,
};

use crate::extract::{ClientIp, SignedIn, Staff};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, shown_on_page},
    routes::review_form::{Posted, ReviewedDossier},
    routes::{
        review_desk::{ReviewDesk, queue_routes},
        review_queue::QueueDesk,
    },
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    queue_routes::<OfficeDesk>()
        .route("/applications/{id}", get(dossier))
        .route("/applications/{id}/decision", post(decision))
        .route("/applications/{id}/issue", post(issue))
        .route("/applications/{id}/files/{file}", get(file))
        .merge(crate::routes::return_templates::routes())
        .merge(crate::routes::office_stage_windows::routes())
        .merge(crate::routes::office_certificates::routes())
        .merge(crate::routes::office_delivery::routes())
}

const OFFICE_TABS: [ApplicationStatus; 8] = [
    ApplicationStatus::OfficePending,
    ApplicationStatus::AwaitingFee,
    ApplicationStatus::CommitteePending,
    ApplicationStatus::AwaitingConfirmation,
    ApplicationStatus::Issued,
    ApplicationStatus::ReturnedToUnit,
    ApplicationStatus::ReturnedToApplicant,
    ApplicationStatus::PreliminaryFailed,
];

const DEPARTMENT_TABS: [ApplicationStatus; 4] = [
    ApplicationStatus::DepartmentPending,
    ApplicationStatus::OfficePending,
    ApplicationStatus::ReturnedToUnit,
    ApplicationStatus::ReturnedToApplicant,
];

async fn desk(state: &AppState, ctx: &PageContext) -> AppResult<Desk> {
    let user = ctx.signed_in()?;
    Desk::of(&state.db, user.id)
        .await
        .map_err(|_| AppError::Forbidden)
}

/// The review desk of a 主管部门 or 职改办.
pub(crate) struct OfficeDesk;

impl ReviewDesk for OfficeDesk {
    fn desk(staff: &Staff) -> AppResult<QueueDesk> {
        let desk = Desk::of_account(&staff.account).map_err(|_| AppError::Forbidden)?;
        let (scope, tabs): (QueueScope, &'static [ApplicationStatus]) = match desk {
            Desk::Office(id) => (QueueScope::Office(id), &OFFICE_TABS),
            Desk::Department(id) => (QueueScope::Department(id), &DEPARTMENT_TABS),
        };
        Ok(QueueDesk {
            nav: portal_nav(Portal::Office, "/office/applications"),
            base: "/office/applications",
            scope,
            tabs,
            batch_label: Some("通过所选申报"),
            may_reveal: QueueDesk::may_reveal(&staff.account),
        })
    }

    /// 批量通过 with the one opinion.
    fn batch_decision(opinion: String) -> BatchDecision {
        BatchDecision::OfficePass(opinion)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "office/application.html")]
struct DossierPage {
    ctx: PageContext,
    nav: Nav,
    /// The dossier as every desk shows it.
    d: ReviewedDossier,
    /// The desk can decide now (the dossier waits at it).
    pending: bool,
    is_office: bool,
    errors: FieldErrors,
    message: Option<String>,
    /// What a refused decision form held, to fill it in again.
    typed: Posted,
    /// A 认定 short of its conditions: why (the 职改办 may pass it only as an exception).
    shortfall: Option<String>,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    errors: FieldErrors,
    message: Option<String>,
) -> AppResult<DossierPage> {
    let desk = desk(state, &ctx).await?;
    let app = office_review::in_scope(&state.db, desk, id).await?;
    let d = ReviewedDossier::of(state, ctx.signed_in()?.id, &app, "/office/applications").await?;
    // Only 认定 has conditions: no dossier load nor identity opening for the others.
    let shortfall = match desk {
        Desk::Office(_) if app.kind == zc_domain::application::ApplicationKind::Recognition => {
            let dossier = zc_services::application_parts::dossier(&state.db, &app).await?;
            let birth =
                zc_services::recognition::birth_of(&state.db, &state.vault, app.applicant_id)
                    .await?;
            let today = state.db.today();
            zc_services::recognition::shortfall(&state.db, &app, &dossier, today, birth).await?
        }
        _ => None,
    };
    Ok(DossierPage {
        shortfall,
        nav: portal_nav(Portal::Office, "/office/applications"),
        pending: app.status == desk.pending(),
        is_office: matches!(desk, Desk::Office(_)),
        d,
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

async fn decision(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let value = |k: &str| posted.value(k);
    let decision = match value("decision").as_str() {
        "pass" if !value("exception").is_empty() => {
            OfficeDecision::PassAsException(value("opinion"))
        }
        "pass" => OfficeDecision::Pass(value("opinion")),
        "return" => OfficeDecision::Return(
            if value("to") == "unit" {
                ReturnTo::Unit
            } else {
                ReturnTo::Applicant
            },
            posted.section_reasons(),
        ),
        "fail" => OfficeDecision::Fail(value("fail_reason")),
        _ => return Err(AppError::NotFound),
    };
    let actor = user.actor(&ip);
    let returned = matches!(decision, OfficeDecision::Return(..));
    match office_review::decide(&state.db, actor, id, &decision).await {
        Ok(_) if returned => {
            Ok(Redirect::to(&format!("/office/applications?returned={id}")).into_response())
        }
        Ok(_) => Ok(Redirect::to("/office/applications").into_response()),
        Err(e) => {
            let (errors, message) = shown_on_page(e)?;
            let mut page = render(&state, ctx, id, errors, message).await?;
            page.typed = posted;
            Ok(page.into_response())
        }
    }
}

/// A picture of a dossier addressed to this desk.
async fn file(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, file)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let desk = desk(&state, &ctx).await?;
    office_review::in_scope(&state.db, desk, id).await?;
    crate::routes::application_views::serve_file(&state, id, file).await
}

/// 发文确认并发证 of one dossier waiting for confirmation.
async fn issue(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let posted = Posted(fields);
    let outcome = zc_services::certificates::confirm_and_issue(
        &state.db,
        user.actor(&ip),
        id,
        &posted.value("doc_number"),
        &state.config.certificate_pattern,
        &state.signer,
    )
    .await;
    match outcome {
        Ok(_) => Ok(Redirect::to("/office/certificates").into_response()),
        Err(e) => {
            let (errors, message) = shown_on_page(e)?;
            let mut page = render(&state, ctx, id, errors, message).await?;
            page.typed = posted;
            Ok(page.into_response())
        }
    }
}
