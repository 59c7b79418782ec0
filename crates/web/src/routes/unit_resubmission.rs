//! `/unit/registration` — the administrator of a returned unit corrects its registration
//! and submits it again.

use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use zc_domain::Portal;
use zc_services::{FieldErrors, ServiceError, accounts::Actor, unit_resubmission};
use zc_storage::images::MAX_UPLOAD_BYTES;

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::AppResult,
    routes::unit_registration::{page_for, read_posted_unit},
    state::AppState,
    views::portal_nav,
};

/// Routes under `/unit` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/registration",
        get(form)
            .post(submit)
            .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 256 * 1024)),
    )
}

async fn form(State(state): State<AppState>, ctx: PageContext) -> AppResult<Response> {
    let user = ctx.signed_in()?;
    let (unit, form) = unit_resubmission::correction_form(&state.db, &state.vault, user.id).await?;
    let nav = portal_nav(Portal::Unit, "/unit");
    Ok(page_for(
        &state,
        ctx,
        nav,
        form,
        FieldErrors::default(),
        Some(unit.review_note),
    )
    .await?
    .into_response())
}

async fn submit(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    multipart: Multipart,
) -> AppResult<Response> {
    // The reason shown again on a refused form; also refuses a unit that was not returned.
    let (unit, _) = unit_resubmission::correction_form(&state.db, &state.vault, user.id).await?;
    let posted = read_posted_unit(&state, multipart).await?;
    let actor = Actor {
        account_id: Some(user.id),
        role: Some(user.role),
        ip: Some(&ip),
    };
    match unit_resubmission::resubmit_unit(
        &state.db,
        &state.vault,
        actor,
        &posted.form,
        posted.licence.key(),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/unit").into_response()),
        Err(ServiceError::Invalid(mut errors)) => {
            posted.settle_errors(&state, &mut errors, false).await;
            let nav = portal_nav(Portal::Unit, "/unit");
            Ok(page_for(
                &state,
                ctx,
                nav,
                posted.form,
                errors,
                Some(unit.review_note),
            )
            .await?
            .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
