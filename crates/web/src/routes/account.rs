//! 我的账号 — `/account`: the owner's own identity in full, the avatar, and changing the
//! e-mail by a link to the new address.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::header,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use zc_services::{
    FieldErrors, ServiceError,
    profile::{self, EmailChangeRequest, OwnIdentity},
};
use zc_storage::images::MAX_UPLOAD_BYTES;

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    files,
    state::AppState,
    views::{Nav, portal_nav, public_nav},
};

/// Account routes; each handler checks who is signed in.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(overview))
        .route("/account/reveal", axum::routing::post(reveal))
        .route(
            "/account/avatar",
            get(avatar)
                .post(avatar_submit)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/account/email", get(email_form).post(email_submit))
        .route(
            "/account/email/confirm",
            get(confirm_form).post(confirm_submit),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "account/overview.html")]
struct OverviewPage {
    ctx: PageContext,
    nav: Nav,
    identity: Option<OwnIdentity>,
    unit: Option<String>,
    has_avatar: bool,
    avatar_error: Option<String>,
    saved: bool,
    errors: FieldErrors,
}

/// What the page shows beyond the defaults.
#[derive(Default)]
struct Shown {
    avatar_error: Option<String>,
    saved: bool,
    revealed: Option<OwnIdentity>,
    errors: FieldErrors,
}

async fn overview_page(state: &AppState, ctx: PageContext, shown: Shown) -> AppResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Ok(Redirect::to("/login?next=%2Faccount").into_response());
    };
    let identity = match shown.revealed {
        Some(full) => Some(full),
        None => profile::own_identity(&state.db, user.id).await?,
    };
    let unit = match zc_db::applicants::find(&state.db, user.id)
        .await?
        .and_then(|a| a.unit_id)
    {
        Some(id) => zc_db::units::find(&state.db, id).await?.map(|u| u.name),
        None => None,
    };
    let has_avatar = zc_db::accounts::avatar_key(&state.db, user.id)
        .await?
        .is_some();
    let page = OverviewPage {
        nav: portal_nav(user.role.portal(), "/account"),
        ctx,
        identity,
        unit,
        has_avatar,
        avatar_error: shown.avatar_error,
        saved: shown.saved,
        errors: shown.errors,
    };
    // The page holds the owner's full identifiers: never kept by a browser or proxy cache.
    Ok(([(header::CACHE_CONTROL, "no-store")], page).into_response())
}

#[derive(Debug, Deserialize)]
struct OverviewQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn overview(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<OverviewQuery>,
) -> AppResult<Response> {
    let shown = Shown {
        saved: q.saved.is_some(),
        ..Shown::default()
    };
    overview_page(&state, ctx, shown).await
}

/// The reveal form.
#[derive(Debug, Default, Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    pub current_password: String,
}

/// Shows the owner's full ID number and mobile after they type their password again.
async fn reveal(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<RevealForm>,
) -> AppResult<Response> {
    let shown = match profile::reveal_own_identity(
        &state.db,
        &state.vault,
        user.id,
        &f.current_password,
        &ip,
    )
    .await
    {
        Ok(full) => Shown {
            revealed: Some(full),
            ..Shown::default()
        },
        Err(ServiceError::Invalid(errors)) => Shown {
            errors,
            ..Shown::default()
        },
        Err(e) => return Err(e.into()),
    };
    overview_page(&state, ctx, shown).await
}

/// The signed-in person's own avatar; nobody else's can be asked for.
async fn avatar(State(state): State<AppState>, ctx: PageContext) -> AppResult<Response> {
    let user = ctx.user.ok_or(AppError::Forbidden)?;
    let key = zc_db::accounts::avatar_key(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = files::kept_bytes(&state.config.storage, &key).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        bytes,
    )
        .into_response())
}

async fn avatar_submit(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    mut multipart: Multipart,
) -> AppResult<Response> {
    // The last picture chosen counts, as the form has one file input.
    let upload = files::posted_files(&mut multipart, "avatar", usize::MAX)
        .await?
        .pop()
        .unwrap_or_default();
    let changed = zc_services::avatar::change(
        &state.db,
        &state.config.storage,
        user.id,
        user.role.code(),
        upload,
        &ip,
    )
    .await;
    match changed {
        Ok(()) => Ok(Redirect::to("/account?saved=avatar").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            let shown = Shown {
                avatar_error: errors.get("avatar").map(str::to_string),
                ..Shown::default()
            };
            overview_page(&state, ctx, shown).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/email.html")]
struct EmailPage {
    ctx: PageContext,
    nav: Nav,
    current: String,
    email: String,
    errors: FieldErrors,
    sent_to: Option<String>,
}

/// The change-of-e-mail form.
#[derive(Debug, Default, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub current_password: String,
}

async fn email_page(
    state: &AppState,
    ctx: PageContext,
    email: String,
    errors: FieldErrors,
    sent_to: Option<String>,
) -> AppResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Ok(Redirect::to("/my/login?next=%2Faccount%2Femail").into_response());
    };
    let current = zc_db::applicants::find(&state.db, user.id)
        .await?
        .ok_or(AppError::Forbidden)?
        .email;
    Ok(EmailPage {
        nav: portal_nav(user.role.portal(), "/account"),
        ctx,
        current,
        email,
        errors,
        sent_to,
    }
    .into_response())
}

async fn email_form(State(state): State<AppState>, ctx: PageContext) -> AppResult<Response> {
    email_page(&state, ctx, String::new(), FieldErrors::default(), None).await
}

async fn email_submit(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<EmailForm>,
) -> AppResult<Response> {
    let request = EmailChangeRequest {
        account_id: user.id,
        new_email: &f.email,
        current_password: &f.current_password,
        ip: &ip,
    };
    match profile::request_email_change(
        &state.db,
        &state.vault,
        state.mailer.as_ref(),
        &state.config.public_url,
        &request,
    )
    .await
    {
        Ok(()) => {
            let to = f.email.trim().to_string();
            email_page(&state, ctx, String::new(), FieldErrors::default(), Some(to)).await
        }
        Err(ServiceError::Invalid(errors)) => email_page(&state, ctx, f.email, errors, None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/email_confirm.html")]
struct ConfirmPage {
    ctx: PageContext,
    nav: Nav,
    token: String,
    new_email: Option<String>,
    problem: Option<String>,
    done: bool,
}

#[derive(Debug, Default, Deserialize)]
struct TokenParam {
    #[serde(default)]
    token: String,
}

fn confirm_page(
    ctx: PageContext,
    token: String,
    outcome: Result<Option<String>, String>,
) -> ConfirmPage {
    let (new_email, problem, done) = match outcome {
        Ok(Some(email)) => (Some(email), None, false),
        Ok(None) => (None, None, true),
        Err(problem) => (None, Some(problem), false),
    };
    ConfirmPage {
        nav: public_nav("/account/email/confirm"),
        ctx,
        token,
        new_email,
        problem,
        done,
    }
}

/// Opening the link only shows the address; a mail scanner following links cannot
/// confirm it, only the button does.
async fn confirm_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(q): Query<TokenParam>,
) -> AppResult<ConfirmPage> {
    let outcome = match profile::pending_email_change(&state.db, &state.vault, &q.token).await {
        Ok(email) => Ok(Some(email)),
        Err(ServiceError::Refused { message, .. }) => Err(message),
        Err(e) => return Err(e.into()),
    };
    Ok(confirm_page(ctx, q.token, outcome))
}

async fn confirm_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<TokenParam>,
) -> AppResult<ConfirmPage> {
    let outcome = match profile::confirm_email_change(
        &state.db,
        &state.vault,
        state.mailer.as_ref(),
        &f.token,
        &ip,
    )
    .await
    {
        Ok(()) => Ok(None),
        Err(ServiceError::Refused { message, .. }) => Err(message),
        Err(e) => return Err(e.into()),
    };
    Ok(confirm_page(ctx, String::new(), outcome))
}
