//! The applicant's own moves on a dossier: 审核报送 (the missing items, the pledge, a
//! 报送说明 after a return), 撤回 with its confirmation page, and 删除.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_domain::{
    Portal,
    application::{ApplicationKind, Event, Party, sections::Missing},
};
use zc_services::{FieldErrors, ServiceError, application_submission::Submitted, applications};

use crate::extract::SignedIn;
use crate::{
    context::PageContext,
    error::AppResult,
    routes::application_card::Card,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applications/{id}/submit", get(submit_page).post(submit))
        .route(
            "/applications/{id}/withdraw",
            get(withdraw_page).post(withdraw),
        )
        .route("/applications/{id}/delete", post(delete))
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
    /// Returned sections the draft leaves unchanged (报送 then asks for a 报送说明).
    unanswered: Vec<&'static str>,
    /// The form as sent, when it was refused.
    typed: SubmitForm,
    /// 填报说明 of the dossier's office and year, with its series' policy links.
    guide: zc_services::filing_guide::Guide,
    note_max: usize,
}

async fn render_submit(
    state: &AppState,
    ctx: PageContext,
    id: i64,
    errors: FieldErrors,
    typed: SubmitForm,
) -> AppResult<SubmitPage> {
    let user = ctx.signed_in()?;
    let app = applications::mine(&state.db, user.id, id).await?;
    let missing = zc_services::application_submission::missing_items(&state.db, id)
        .await?
        .into_iter()
        .map(|m| {
            let title = zc_domain::application::sections::section_in(app.kind, m.section)
                .map_or("", |s| s.title);
            (m, title)
        })
        .collect();
    let unanswered = if app.status.is_editable() {
        zc_services::application_returns::unanswered(&state.db, &app).await?
    } else {
        Vec::new()
    };
    Ok(SubmitPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        card: Card::of(&app).with_return(state, &app).await?,
        unanswered,
        typed,
        guide: zc_services::filing_guide::for_reader(
            &state.db,
            app.office_id,
            app.year,
            Some(app.series_id),
        )
        .await?,
        note_max: zc_services::application_submission::NOTE_MAX,
        missing,
        pledge: match app.kind {
            ApplicationKind::Recognition | ApplicationKind::Reconfirmation => {
                zc_domain::application::recognition::PLEDGE
            }
            ApplicationKind::Replacement => zc_domain::application::replacement::PLEDGE,
            ApplicationKind::Verification => zc_domain::application::verification::PLEDGE,
            ApplicationKind::Evaluation => zc_domain::application::sections::PLEDGE,
        },
        token: format!("{:032x}", rand::random::<u128>()),
        errors,
    })
}

async fn submit_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> AppResult<SubmitPage> {
    render_submit(
        &state,
        ctx,
        id,
        FieldErrors::default(),
        SubmitForm::default(),
    )
    .await
}

/// 同意并报送.
#[derive(Debug, Default, Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    pub pledge: Option<String>,
    #[serde(default)]
    pub token: String,
    /// 报送说明, e.g. why a returned section needed no change.
    #[serde(default)]
    pub note: String,
}

async fn submit(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<SubmitForm>,
) -> AppResult<Response> {
    match zc_services::application_submission::submit(
        &state.db,
        user.id,
        id,
        f.pledge.is_some(),
        &f.token,
        &f.note,
    )
    .await
    {
        Ok(done) => {
            if done == Submitted::Now {
                state.metrics.submitted();
            }
            Ok(
                Redirect::to(&format!("/my/applications/{id}/progress?submitted=1"))
                    .into_response(),
            )
        }
        Err(ServiceError::Invalid(errors)) => Ok(render_submit(&state, ctx, id, errors, f)
            .await?
            .into_response()),
        Err(ServiceError::Refused {
            code: "incomplete",
            message,
        }) => {
            let mut errors = FieldErrors::default();
            errors.add("missing", message);
            Ok(render_submit(&state, ctx, id, errors, f)
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// 撤回's confirmation, a page so that it works without script: the seed's "是否撤回申报?",
/// or, once the unit has acted, the seed's refusal in its place.
#[derive(Template, WebTemplate)]
#[template(path = "my/application_withdraw.html")]
struct WithdrawPage {
    ctx: PageContext,
    nav: Nav,
    card: Card,
    refusal: Option<String>,
}

async fn withdraw_page(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<WithdrawPage> {
    let app = applications::mine(&state.db, user.id, id).await?;
    let card = Card::of(&app);
    let refusal = (!card.may.withdraw).then(|| {
        zc_domain::application::next_status(app.kind, app.status, Event::Withdraw, Party::Applicant)
            .err()
            .map_or_else(
                || format!("该申报当前状态为“{}”，无需撤回", app.status.label()),
                |r| r.to_string(),
            )
    });
    Ok(WithdrawPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        card,
        refusal,
    })
}

async fn withdraw(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    applications::withdraw(&state.db, user.id, id).await?;
    Ok(Redirect::to(&format!("/my/applications?withdrawn={id}")).into_response())
}

async fn delete(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    applications::delete(&state.db, user.id, id).await?;
    Ok(Redirect::to("/my/applications").into_response())
}
