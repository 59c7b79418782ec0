//! 忘记密码 — `/my/forgot`: choose a method, then reset by SMS code or by an e-mailed
//! link. Forms keep what was typed (never passwords) and explain refusals.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use zc_services::{
    FieldErrors,
    recovery::{NewPassword, reset_by_sms},
    sms::{CodePurpose, request_code},
};

use crate::extract::ClientIp;
use crate::{
    context::PageContext,
    error::{AppResult, form_errors},
    state::AppState,
    views::{Nav, public_nav},
};

/// Recovery routes (outside the `/my` guard).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/forgot", get(choose))
        .route("/my/forgot/sms", get(sms_form).post(sms_submit))
        // A form still open from before gets the explanation, never a reset.
        .route(
            "/my/forgot/question",
            get(question_page).post(question_page),
        )
        .merge(
            // Each request may send an e-mail: a mail bomb is cheap without a limit.
            Router::new()
                .route("/my/forgot/email", get(email_form).post(email_submit))
                .route_layer(axum::middleware::from_fn_with_state(
                    crate::middleware::rate_limit::AddressLimit::per_minute("recovery", 5, 5),
                    crate::middleware::rate_limit::limit_writes,
                )),
        )
        .route("/my/reset", get(reset_form).post(reset_submit))
}

#[derive(Template, WebTemplate)]
#[template(path = "my/forgot.html")]
struct ChoosePage {
    ctx: PageContext,
    nav: Nav,
}

async fn choose(ctx: PageContext) -> ChoosePage {
    ChoosePage {
        ctx,
        nav: public_nav("/my/forgot"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/reset_done.html")]
struct DonePage {
    ctx: PageContext,
    nav: Nav,
}

/// The SMS method's form.
#[derive(Debug, Default, Deserialize)]
pub struct SmsResetForm {
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub sms_code: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
    #[serde(default)]
    pub action: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/forgot_sms.html")]
struct SmsPage {
    ctx: PageContext,
    nav: Nav,
    phone: String,
    errors: FieldErrors,
    sent: Option<String>,
}

async fn sms_form(ctx: PageContext) -> SmsPage {
    SmsPage {
        ctx,
        nav: public_nav("/my/forgot"),
        phone: String::new(),
        errors: FieldErrors::default(),
        sent: None,
    }
}

async fn sms_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<SmsResetForm>,
) -> AppResult<Response> {
    let (errors, sent) = if f.action == "send_code" {
        match request_code(state.sms_context(), &f.phone, CodePurpose::Reset, &ip).await {
            Ok(()) => (
                FieldErrors::default(),
                Some("如果该手机号已注册，验证码已发送，5分钟内有效。".to_string()),
            ),
            Err(e) => (form_errors("phone", e)?, None),
        }
    } else {
        let new = NewPassword {
            password: f.password,
            password_confirm: f.password_confirm,
        };
        match reset_by_sms(state.sms_context(), &f.phone, &f.sms_code, &new, &ip).await {
            Ok(()) => {
                return Ok(DonePage {
                    ctx,
                    nav: public_nav("/my/forgot"),
                }
                .into_response());
            }
            Err(e) => (form_errors("sms_code", e)?, None),
        }
    };
    let page = SmsPage {
        ctx,
        nav: public_nav("/my/forgot"),
        phone: f.phone.trim().to_string(),
        errors,
        sent,
    };
    Ok(page.into_response())
}

/// `/my/forgot/question`: a security question alone never resets a password (ID numbers
/// and names are widely leaked and answers like a birthday have few values; ASVS 6.4.2),
/// so the page explains the ways that do and where to get help without phone or e-mail.
#[derive(Template, WebTemplate)]
#[template(path = "my/forgot_question.html")]
struct QuestionPage {
    ctx: PageContext,
    nav: Nav,
}

async fn question_page(ctx: PageContext) -> QuestionPage {
    QuestionPage {
        ctx,
        nav: public_nav("/my/forgot"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/forgot_email.html")]
struct EmailPage {
    ctx: PageContext,
    nav: Nav,
    email: String,
    errors: FieldErrors,
    sent: bool,
}

async fn email_form(ctx: PageContext) -> EmailPage {
    EmailPage {
        ctx,
        nav: public_nav("/my/forgot"),
        email: String::new(),
        errors: FieldErrors::default(),
        sent: false,
    }
}

/// The e-mail method's form.
#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    pub email: String,
}

async fn email_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    Form(f): Form<EmailForm>,
) -> AppResult<Response> {
    let result = zc_services::recovery::request_email_reset(
        &state.db,
        &state.vault,
        state.mailer.as_ref(),
        &f.email,
        &state.config.public_url,
    )
    .await;
    let (errors, sent) = match result {
        Ok(()) => (FieldErrors::default(), true),
        Err(e) => (form_errors("email", e)?, false),
    };
    Ok(EmailPage {
        ctx,
        nav: public_nav("/my/forgot"),
        email: f.email.trim().to_string(),
        errors,
        sent,
    }
    .into_response())
}

/// The token in a reset link.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/reset.html")]
struct ResetPage {
    ctx: PageContext,
    nav: Nav,
    token: String,
    live: bool,
    errors: FieldErrors,
}

async fn reset_form(
    State(state): State<AppState>,
    ctx: PageContext,
    axum::extract::Query(q): axum::extract::Query<TokenQuery>,
) -> AppResult<ResetPage> {
    let live =
        zc_services::recovery::email_token_is_live(&state.db, &state.vault, &q.token).await?;
    Ok(ResetPage {
        ctx,
        nav: public_nav("/my/forgot"),
        token: q.token,
        live,
        errors: FieldErrors::default(),
    })
}

/// The reset form behind the link.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

async fn reset_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Form(f): Form<ResetForm>,
) -> AppResult<Response> {
    let new = NewPassword {
        password: f.password,
        password_confirm: f.password_confirm,
    };
    match zc_services::recovery::reset_by_email_token(
        &state.db,
        &state.vault,
        state.sms.as_ref(),
        &f.token,
        &new,
        &ip,
    )
    .await
    {
        Ok(()) => Ok(DonePage {
            ctx,
            nav: public_nav("/my/forgot"),
        }
        .into_response()),
        Err(e) => {
            let errors = form_errors("password", e)?;
            let live =
                zc_services::recovery::email_token_is_live(&state.db, &state.vault, &f.token)
                    .await?;
            Ok(ResetPage {
                ctx,
                nav: public_nav("/my/forgot"),
                token: f.token,
                live,
                errors,
            }
            .into_response())
        }
    }
}
