//! 动态口令 — the second sign-in step for staff: a TOTP code, or, on first sign-in where
//! the factor is required, enrolling an authenticator app.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::State,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use zc_db::accounts::{self, Account};
use zc_services::{FieldErrors, ServiceError, totp};

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::AppResult,
    routes::login::finish_login,
    state::AppState,
    views::{Nav, public_nav},
};

const PENDING_KEY: &str = "pending_second_factor";
const SETUP_SECRET_KEY: &str = "pending_totp_secret";
/// Minutes between the password step and the code.
const PENDING_MINUTES: i64 = 5;

/// `/login/totp` and `/login/totp/setup`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/totp", get(code_form).post(code_submit))
        .route("/login/totp/setup", get(setup_form).post(setup_submit))
}

#[derive(Debug, Serialize, Deserialize)]
struct Pending {
    account_id: i64,
    next: Option<String>,
    at: i64,
}

/// Records that the password step passed at `now`; nobody is signed in yet.
pub async fn begin(
    session: &Session,
    account_id: i64,
    next: Option<&str>,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    session.cycle_id().await?;
    session
        .insert(
            PENDING_KEY,
            Pending {
                account_id,
                next: next.map(str::to_string),
                at: now.timestamp(),
            },
        )
        .await?;
    Ok(())
}

async fn pending(
    state: &AppState,
    session: &Session,
) -> AppResult<Option<(Account, Option<String>)>> {
    let Some(p) = session.get::<Pending>(PENDING_KEY).await.ok().flatten() else {
        return Ok(None);
    };
    if state.db.now().timestamp() - p.at > PENDING_MINUTES * 60 {
        let _ = session.remove::<Pending>(PENDING_KEY).await;
        return Ok(None);
    }
    Ok(accounts::find(&state.db, p.account_id)
        .await?
        .filter(|a| !a.disabled)
        .map(|a| (a, p.next)))
}

fn expired() -> Response {
    Redirect::to("/login").into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "public/totp.html")]
struct CodePage {
    ctx: PageContext,
    nav: Nav,
    errors: FieldErrors,
    /// The pending sign-in ended after too many wrong codes: no form, a way back.
    locked: bool,
}

async fn code_form(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
) -> AppResult<Response> {
    if pending(&state, &session).await?.is_none() {
        return Ok(expired());
    }
    Ok(CodePage {
        ctx,
        nav: public_nav("/login"),
        errors: FieldErrors::default(),
        locked: false,
    }
    .into_response())
}

/// The code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
}

async fn code_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let Some((account, next)) = pending(&state, &session).await? else {
        return Ok(expired());
    };
    match totp::verify(&state.db, &state.vault, &account, &f.code).await {
        Ok(()) => {
            let _ = session.remove::<Pending>(PENDING_KEY).await;
            finish_login(&session, &account, next, state.db.now()).await
        }
        Err(ServiceError::Invalid(errors)) => Ok(CodePage {
            ctx,
            nav: public_nav("/login"),
            errors,
            locked: false,
        }
        .into_response()),
        // Too many wrong codes: the pending sign-in ends; the name is locked for a while.
        Err(ServiceError::Refused { message, .. }) => {
            let _ = session.remove::<Pending>(PENDING_KEY).await;
            let mut errors = FieldErrors::default();
            errors.add("code", message);
            Ok(CodePage {
                ctx,
                nav: public_nav("/login"),
                errors,
                locked: true,
            }
            .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "public/totp_setup.html")]
struct SetupPage {
    ctx: PageContext,
    nav: Nav,
    secret: String,
    url: String,
    errors: FieldErrors,
}

async fn setup_secret(session: &Session) -> anyhow::Result<String> {
    if let Some(s) = session.get::<String>(SETUP_SECRET_KEY).await? {
        return Ok(s);
    }
    let s = totp::new_secret();
    session.insert(SETUP_SECRET_KEY, &s).await?;
    Ok(s)
}

async fn setup_form(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
) -> AppResult<Response> {
    let Some((account, _)) = pending(&state, &session).await? else {
        return Ok(expired());
    };
    if account.totp_secret_sealed.is_some() {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    let secret = setup_secret(&session).await?;
    let url = totp::otpauth_url(&secret, &account.login_name)?;
    Ok(SetupPage {
        ctx,
        nav: public_nav("/login"),
        secret,
        url,
        errors: FieldErrors::default(),
    }
    .into_response())
}

async fn setup_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let Some((account, next)) = pending(&state, &session).await? else {
        return Ok(expired());
    };
    if account.totp_secret_sealed.is_some() {
        return Ok(Redirect::to("/login/totp").into_response());
    }
    let secret = setup_secret(&session).await?;
    match totp::enroll(&state.db, &state.vault, &account, &secret, &f.code, &ip).await {
        Ok(()) => {
            let _ = session.remove::<Pending>(PENDING_KEY).await;
            let _ = session.remove::<String>(SETUP_SECRET_KEY).await;
            finish_login(&session, &account, next, state.db.now()).await
        }
        Err(ServiceError::Invalid(errors)) => {
            let url = totp::otpauth_url(&secret, &account.login_name)?;
            Ok(SetupPage {
                ctx,
                nav: public_nav("/login"),
                secret,
                url,
                errors,
            }
            .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
