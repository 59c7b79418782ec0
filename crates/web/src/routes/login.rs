//! Password login and logout for every role. Applicant registration, captcha and SMS
//! login are added by the accounts issue on top of this.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use tower_sessions::Session;
use zc_domain::Role;
use zc_services::{FieldErrors, ServiceError, accounts::authenticate};

use crate::extract::ClientIp;
use crate::{
    auth::{self, safe_next},
    context::PageContext,
    error::{AppError, AppResult},
    routes::second_factor,
    state::AppState,
    views::{Nav, public_nav},
};

/// `/login`, `/logout`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login_submit))
        .route("/logout", post(logout))
}

#[derive(Template, WebTemplate)]
#[template(path = "public/login.html")]
struct LoginPage {
    ctx: PageContext,
    nav: Nav,
    login_name: String,
    next: String,
    errors: FieldErrors,
}

/// Query of the login page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

async fn login_form(ctx: PageContext, Query(q): Query<NextQuery>) -> Response {
    if let Some(user) = &ctx.user {
        return Redirect::to(user.role.portal().path()).into_response();
    }
    let next = safe_next(q.next.as_deref()).unwrap_or_default();
    let nav = public_nav("/login");
    LoginPage {
        ctx,
        nav,
        login_name: String::new(),
        next,
        errors: FieldErrors::default(),
    }
    .into_response()
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub login_name: String,
    #[serde(default)]
    pub password: String,
    pub next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let mut errors = FieldErrors::default();
    if form.login_name.trim().is_empty() {
        errors.add("login_name", "请填写账号");
    }
    if form.password.is_empty() {
        errors.add("password", "请填写密码");
    }
    if errors.is_empty() {
        match authenticate(&state.db, &form.login_name, &form.password, Some(&ip)).await {
            Ok(account) => {
                let is_staff = Role::from_code(&account.role).is_some_and(Role::is_staff);
                if is_staff
                    && (account.totp_secret_sealed.is_some() || state.config.staff_totp_required)
                {
                    // The password was right; the second factor comes next.
                    second_factor::begin(&session, account.id, next.as_deref(), state.db.now())
                        .await?;
                    let step = if account.totp_secret_sealed.is_some() {
                        "/login/totp"
                    } else {
                        "/login/totp/setup"
                    };
                    return Ok(Redirect::to(step).into_response());
                }
                return finish_login(&session, &account, next, state.db.now()).await;
            }
            Err(ServiceError::Refused { message, .. }) => errors.add("password", message),
            Err(e) => return Err(AppError::from(e)),
        }
    }
    let nav = public_nav("/login");
    let page = LoginPage {
        ctx,
        nav,
        login_name: form.login_name.trim().to_string(),
        next: next.unwrap_or_default(),
        errors,
    };
    Ok(page.into_response())
}

/// Starts the session and goes to where the person was heading (or their portal).
pub async fn finish_login(
    session: &Session,
    account: &zc_db::accounts::Account,
    next: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Response> {
    auth::start_session(session, account, now).await?;
    let home = Role::from_code(&account.role)
        .map(|r| r.portal().path())
        .unwrap_or("/");
    Ok(Redirect::to(next.as_deref().unwrap_or(home)).into_response())
}

async fn logout(session: Session) -> Response {
    auth::end_session(&session).await;
    let mut res = Redirect::to("/").into_response();
    // The session is gone on the server; also drop anything the browser cached or stored.
    res.headers_mut().insert(
        "clear-site-data",
        HeaderValue::from_static("\"cache\", \"storage\""),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
