//! 短信包 — `/account/sms`: an applicant chooses whether notices also come by SMS (the
//! header's 短信包 opens it, as in the seed).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, portal_nav},
};

/// The 短信包 route; applicants only (staff receive no SMS notices).
pub fn router() -> Router<AppState> {
    Router::new().route("/account/sms", get(page).post(save))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/sms.html")]
struct SmsPage {
    ctx: PageContext,
    nav: Nav,
    on: bool,
    phone_masked: String,
    saved: bool,
}

/// `?saved=1` after a change.
#[derive(Debug, Default, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Query(q): Query<SavedQuery>,
) -> AppResult<SmsPage> {
    let me = zc_db::applicants::find(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(SmsPage {
        nav: portal_nav(user.role.portal(), "/account"),
        ctx,
        on: me.sms_notices,
        phone_masked: me.phone_masked,
        saved: q.saved.is_some(),
    })
}

/// The setting as posted: the checkbox is absent when unticked.
#[derive(Debug, Deserialize)]
struct SmsForm {
    #[serde(default)]
    sms_notices: Option<String>,
}

async fn save(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<SmsForm>,
) -> AppResult<Response> {
    zc_services::settings::set_sms_notices(&state.db, user.id, f.sms_notices.is_some(), &ip)
        .await?;
    Ok(Redirect::to("/account/sms?saved=1").into_response())
}
