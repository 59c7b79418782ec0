//! 账号设置 — `/account/password` for every signed-in person, and the session keep-alive
//! behind the idle-timeout warning.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use tower_sessions::Session;
use zc_services::{FieldErrors, ServiceError, recovery::NewPassword, settings::change_password};

use crate::extract::ClientIp;
use crate::{
    auth,
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, portal_nav},
};

/// Settings routes; each handler checks that someone is signed in.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/account/password",
            get(password_form).post(password_submit),
        )
        .route(
            "/account/security-question",
            get(question_form).post(question_submit),
        )
        .route("/account/phone", get(phone_form).post(phone_submit))
        .route("/session/keepalive", get(keepalive))
}

/// Touches the session so that its idle timer starts again (the session layer saves it
/// on every request); 401 when the session has already ended.
async fn keepalive(ctx: PageContext) -> StatusCode {
    if ctx.user.is_some() {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::UNAUTHORIZED
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/password.html")]
struct PasswordPage {
    ctx: PageContext,
    nav: Nav,
    errors: FieldErrors,
    saved: bool,
    /// Why the password must be changed before anything else, if it must.
    must_change: Option<&'static str>,
}

/// Why the signed-in person must change their password first, if they must.
async fn must_change_reason(
    state: &AppState,
    session: &Session,
    account_id: i64,
) -> AppResult<Option<&'static str>> {
    if !auth::must_change_password(session).await {
        return Ok(None);
    }
    let initial = zc_db::accounts::find(&state.db, account_id)
        .await?
        .is_some_and(|a| a.initial_password);
    Ok(Some(if initial {
        "这是管理员为您设置的初始密码。为保障账号安全，请先设置只有您本人知道的新密码，再继续办理业务。"
    } else {
        "您的密码已超过90天未修改。为保障账号安全，请先修改密码，再继续办理业务。"
    }))
}

fn page(
    ctx: PageContext,
    errors: FieldErrors,
    saved: bool,
    must_change: Option<&'static str>,
) -> AppResult<PasswordPage> {
    let user = ctx.signed_in()?;
    let nav = portal_nav(user.role.portal(), "/account/password");
    Ok(PasswordPage {
        ctx,
        nav,
        errors,
        saved,
        must_change,
    })
}

async fn password_form(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
) -> AppResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Ok(Redirect::to("/login?next=%2Faccount%2Fpassword").into_response());
    };
    let why = must_change_reason(&state, &session, user.id).await?;
    Ok(page(ctx, FieldErrors::default(), false, why)?.into_response())
}

/// The change-password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

async fn password_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Err(AppError::Forbidden);
    };
    let new = NewPassword {
        password: f.password,
        password_confirm: f.password_confirm,
    };
    match change_password(
        &state.db,
        &state.vault,
        user.id,
        &f.current_password,
        &new,
        &ip,
    )
    .await
    {
        Ok(()) => {
            // Every session ended; this device continues in a fresh one.
            let account = zc_db::accounts::find(&state.db, user.id)
                .await?
                .ok_or(AppError::Forbidden)?;
            auth::start_session(&session, &account, state.db.now()).await?;
            Ok(page(ctx, FieldErrors::default(), true, None)?.into_response())
        }
        Err(ServiceError::Invalid(errors)) => {
            let why = must_change_reason(&state, &session, user.id).await?;
            Ok(page(ctx, errors, false, why)?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/security_question.html")]
struct QuestionPage {
    ctx: PageContext,
    nav: Nav,
    questions: [&'static str; 6],
    question: String,
    errors: FieldErrors,
    saved: bool,
}

fn question_page(
    ctx: PageContext,
    question: String,
    errors: FieldErrors,
    saved: bool,
) -> AppResult<QuestionPage> {
    let user = ctx
        .user
        .clone()
        .filter(|u| u.role == zc_domain::Role::Applicant)
        .ok_or(AppError::Forbidden)?;
    let nav = portal_nav(user.role.portal(), "/account/security-question");
    Ok(QuestionPage {
        ctx,
        nav,
        questions: zc_services::registration::SECURITY_QUESTIONS,
        question,
        errors,
        saved,
    })
}

async fn question_form(State(state): State<AppState>, ctx: PageContext) -> AppResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Ok(Redirect::to("/my/login?next=%2Faccount%2Fsecurity-question").into_response());
    };
    let current = zc_db::applicants::find(&state.db, user.id)
        .await?
        .map(|a| a.security_question)
        .unwrap_or_default();
    Ok(question_page(ctx, current, FieldErrors::default(), false)?.into_response())
}

/// The security-question form.
#[derive(Debug, Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub security_question: String,
    #[serde(default)]
    pub security_answer: String,
}

async fn question_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<QuestionForm>,
) -> AppResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Err(AppError::Forbidden);
    };
    let result = zc_services::settings::change_security_question(
        &state.db,
        user.id,
        &f.current_password,
        &f.security_question,
        &f.security_answer,
        &ip,
    )
    .await;
    match result {
        Ok(()) => Ok(
            question_page(ctx, f.security_question, FieldErrors::default(), true)?.into_response(),
        ),
        Err(ServiceError::Invalid(errors)) => {
            Ok(question_page(ctx, f.security_question, errors, false)?.into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "account/phone.html")]
struct PhonePage {
    ctx: PageContext,
    nav: Nav,
    /// The owner's own number, shown in full on their own page.
    current: String,
    phone: String,
    errors: FieldErrors,
    sent: Option<String>,
    saved: bool,
}

async fn phone_page(
    state: &AppState,
    ctx: PageContext,
    phone: String,
    errors: FieldErrors,
    sent: Option<String>,
    saved: bool,
) -> AppResult<PhonePage> {
    let user = ctx
        .user
        .clone()
        .filter(|u| u.role == zc_domain::Role::Applicant)
        .ok_or(AppError::Forbidden)?;
    let row = zc_db::applicants::find(&state.db, user.id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let current = state.vault.open(&row.phone_sealed)?;
    let nav = portal_nav(user.role.portal(), "/account/phone");
    Ok(PhonePage {
        ctx,
        nav,
        current,
        phone,
        errors,
        sent,
        saved,
    })
}

async fn phone_form(State(state): State<AppState>, ctx: PageContext) -> AppResult<Response> {
    if ctx.user.is_none() {
        return Ok(Redirect::to("/my/login?next=%2Faccount%2Fphone").into_response());
    }
    Ok(phone_page(
        &state,
        ctx,
        String::new(),
        FieldErrors::default(),
        None,
        false,
    )
    .await?
    .into_response())
}

/// The change-mobile form.
#[derive(Debug, Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub sms_code: String,
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub action: String,
}

async fn phone_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<PhoneForm>,
) -> AppResult<Response> {
    let Some(user) = ctx.user.clone() else {
        return Err(AppError::Forbidden);
    };
    if f.action == "send_code" {
        let sent = zc_services::sms::request_code(
            state.sms_context(),
            &f.phone,
            zc_services::sms::CodePurpose::ChangePhone,
            &ip,
        )
        .await;
        let (errors, sent) = match sent {
            Ok(()) => (
                FieldErrors::default(),
                Some("验证码已发送至新手机号，5分钟内有效。".to_string()),
            ),
            Err(e) => (crate::error::form_errors("phone", e)?, None),
        };
        return Ok(
            phone_page(&state, ctx, f.phone.trim().to_string(), errors, sent, false)
                .await?
                .into_response(),
        );
    }
    let result = zc_services::settings::change_phone(
        state.sms_context(),
        user.id,
        &f.phone,
        &f.sms_code,
        &f.current_password,
        &ip,
    )
    .await;
    match result {
        Ok(()) => Ok(phone_page(
            &state,
            ctx,
            String::new(),
            FieldErrors::default(),
            None,
            true,
        )
        .await?
        .into_response()),
        Err(e) => {
            let errors = crate::error::form_errors("sms_code", e)?;
            Ok(
                phone_page(&state, ctx, f.phone.trim().to_string(), errors, None, false)
                    .await?
                    .into_response(),
            )
        }
    }
}
