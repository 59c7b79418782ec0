//! 个人用户 registration and sign-in: `/my/register`, `/my/login` (ID number, mobile or
//! e-mail plus password) and `/my/login/sms` (短信快速登录). Every form works without
//! JavaScript: 获取验证码 is a second submit button that re-renders the form with
//! everything typed still there.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;
use tower_sessions::Session;
use zc_domain::{id_card::DocumentKind, mask::mask_phone, phone::Phone};
use zc_services::{
    FieldErrors,
    accounts::{applicant_login_key, authenticate_resolved_applicant, login_by_sms},
    captcha::{captcha_required, check_captcha, new_captcha},
    registration::{RegistrationInput, SECURITY_QUESTIONS, register_applicant},
    sms::{CodePurpose, request_code},
};

use crate::extract::ClientIp;
use crate::{
    auth::{self, safe_next},
    context::PageContext,
    error::{AppError, AppResult, form_errors},
    routes::login::NextQuery,
    state::AppState,
    views::{Nav, public_nav},
};

/// Applicant sign-up and sign-in routes (outside the `/my` guard).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/my/register", get(register_page).post(register_submit))
        .route("/my/login", get(login_page).post(login_submit))
        .route("/my/login/sms", get(sms_page).post(sms_submit))
        .merge(
            Router::new()
                .route("/captcha/{id}", get(captcha_image))
                .route_layer(axum::middleware::from_fn_with_state(
                    crate::middleware::rate_limit::AddressLimit::per_minute(
                        "applicant_forms",
                        60,
                        20,
                    ),
                    crate::middleware::rate_limit::limit,
                )),
        )
}

/// The image of a live captcha; never cached.
async fn captcha_image(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> AppResult<Response> {
    let png = zc_db::captcha::png(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut res = png.into_response();
    let h = res.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("image/png"),
    );
    h.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

async fn signed_in(
    session: &Session,
    account: &zc_db::accounts::Account,
    next: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Response> {
    auth::start_session(session, account, now).await?;
    Ok(Redirect::to(next.as_deref().unwrap_or("/my")).into_response())
}

/// Query of the registration page.
#[derive(Debug, Deserialize)]
pub struct RegisterQuery {
    pub agree: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/register_notice.html")]
struct RegisterNotice {
    ctx: PageContext,
    nav: Nav,
}

/// The registration form, with everything typed (passwords are never echoed).
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub doc_kind: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub sms_code: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
    #[serde(default)]
    pub security_question: String,
    #[serde(default)]
    pub security_answer: String,
    /// `send_code` or `register`.
    #[serde(default)]
    pub action: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "my/register.html")]
struct RegisterPage {
    ctx: PageContext,
    nav: Nav,
    form: RegisterForm,
    errors: FieldErrors,
    sent: Option<String>,
    doc_kinds: Vec<(&'static str, &'static str)>,
    questions: [&'static str; 6],
}

impl RegisterPage {
    fn new(
        ctx: PageContext,
        form: RegisterForm,
        errors: FieldErrors,
        sent: Option<String>,
    ) -> Self {
        let doc_kinds = DocumentKind::ALL
            .iter()
            .map(|k| (k.code(), k.name()))
            .collect();
        Self {
            ctx,
            nav: public_nav("/my/register"),
            form,
            errors,
            sent,
            doc_kinds,
            questions: SECURITY_QUESTIONS,
        }
    }
}

async fn register_page(ctx: PageContext, Query(q): Query<RegisterQuery>) -> Response {
    if q.agree.as_deref() != Some("1") {
        let nav = public_nav("/my/register");
        return RegisterNotice { ctx, nav }.into_response();
    }
    let form = RegisterForm {
        doc_kind: DocumentKind::ResidentId.code().into(),
        ..Default::default()
    };
    RegisterPage::new(ctx, form, FieldErrors::default(), None).into_response()
}

async fn register_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(mut form): Form<RegisterForm>,
) -> AppResult<Response> {
    if form.action == "send_code" {
        let result =
            request_code(state.sms_context(), &form.phone, CodePurpose::Register, &ip).await;
        let (errors, sent) = match result {
            Ok(()) => {
                let masked = Phone::parse(&form.phone)
                    .map(|p| mask_phone(p.as_str()))
                    .unwrap_or_default();
                (
                    FieldErrors::default(),
                    Some(format!("验证码已发送至 {masked}，5分钟内有效。")),
                )
            }
            Err(e) => (form_errors("phone", e)?, None),
        };
        form.password.clear();
        form.password_confirm.clear();
        return Ok(RegisterPage::new(ctx, form, errors, sent).into_response());
    }
    let input = RegistrationInput {
        name: form.name.clone(),
        doc_kind: form.doc_kind.clone(),
        id_number: form.id_number.clone(),
        phone: form.phone.clone(),
        sms_code: form.sms_code.clone(),
        email: form.email.clone(),
        password: form.password.clone(),
        password_confirm: form.password_confirm.clone(),
        security_question: form.security_question.clone(),
        security_answer: form.security_answer.clone(),
    };
    match register_applicant(
        &state.db,
        &state.vault,
        &state.sms_policy,
        &input,
        &ip,
        state.db.today(),
    )
    .await
    {
        Ok(account_id) => {
            let account = zc_db::accounts::find(&state.db, account_id)
                .await?
                .ok_or(AppError::NotFound)?;
            signed_in(&session, &account, Some("/my".into()), state.db.now()).await
        }
        Err(e) => {
            let errors = form_errors("id_number", e)?;
            form.password.clear();
            form.password_confirm.clear();
            Ok(RegisterPage::new(ctx, form, errors, None).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/login.html")]
struct LoginPage {
    ctx: PageContext,
    nav: Nav,
    identifier: String,
    next: String,
    errors: FieldErrors,
    /// A captcha to answer, when one is required.
    captcha: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    ctx: PageContext,
    ClientIp(ip): ClientIp,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if let Some(user) = &ctx.user {
        return Ok(Redirect::to(user.role.portal().path()).into_response());
    }
    let next = safe_next(q.next.as_deref()).unwrap_or_default();
    let captcha = if captcha_required(&state.db, state.config.captcha_always, None, &ip).await? {
        Some(new_captcha(&state.db).await?)
    } else {
        None
    };
    let nav = public_nav("/my/login");
    Ok(LoginPage {
        ctx,
        nav,
        identifier: String::new(),
        next,
        errors: FieldErrors::default(),
        captcha,
    }
    .into_response())
}

/// The applicant login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub captcha_id: String,
    #[serde(default)]
    pub captcha: String,
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
    if form.identifier.trim().is_empty() {
        errors.add("identifier", "请填写证件号码、手机号或电子邮箱");
    }
    if form.password.is_empty() {
        errors.add("password", "请填写密码");
    }
    // Resolved once: the key decides the captcha, the account is then checked.
    let resolved = if form.identifier.trim().is_empty() {
        None
    } else {
        Some(applicant_login_key(&state.db, &state.vault, &form.identifier).await?)
    };
    let key = resolved.as_ref().map(|(k, _)| k.as_str());
    let needs_captcha = captcha_required(&state.db, state.config.captcha_always, key, &ip).await?;
    if needs_captcha && errors.is_empty() {
        if form.captcha_id.is_empty() {
            errors.add(
                "captcha",
                "请输入图片中的字符；看不清可以改用短信验证码登录",
            );
        } else if !check_captcha(&state.db, &form.captcha_id, &form.captcha).await? {
            errors.add("captcha", "图片验证码不正确，请重新输入");
        }
    }
    if let Some(resolved) = resolved.filter(|_| errors.is_empty()) {
        match authenticate_resolved_applicant(&state.db, resolved, &form.password, Some(&ip)).await
        {
            Ok(account) => return signed_in(&session, &account, next, state.db.now()).await,
            Err(e) => errors = form_errors("password", e)?,
        }
    }
    // After any failure the next try asks for a captcha.
    let captcha = Some(new_captcha(&state.db).await?);
    let page = LoginPage {
        ctx,
        nav: public_nav("/my/login"),
        identifier: form.identifier.trim().to_string(),
        next: next.unwrap_or_default(),
        errors,
        captcha,
    };
    Ok(page.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "my/login_sms.html")]
struct SmsPage {
    ctx: PageContext,
    nav: Nav,
    phone: String,
    next: String,
    errors: FieldErrors,
    sent: Option<String>,
}

async fn sms_page(ctx: PageContext, Query(q): Query<NextQuery>) -> SmsPage {
    let next = safe_next(q.next.as_deref()).unwrap_or_default();
    SmsPage {
        ctx,
        nav: public_nav("/my/login"),
        phone: String::new(),
        next,
        errors: FieldErrors::default(),
        sent: None,
    }
}

/// The SMS login form.
#[derive(Debug, Deserialize)]
pub struct SmsForm {
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub sms_code: String,
    #[serde(default)]
    pub action: String,
    pub next: Option<String>,
}

async fn sms_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    session: Session,
    ClientIp(ip): ClientIp,
    Form(form): Form<SmsForm>,
) -> AppResult<Response> {
    let next = safe_next(form.next.as_deref());
    let (errors, sent) = if form.action == "send_code" {
        match request_code(state.sms_context(), &form.phone, CodePurpose::Login, &ip).await {
            // The same words whether or not the number has an account.
            Ok(()) => (
                FieldErrors::default(),
                Some("如果该手机号已注册，验证码已发送，5分钟内有效。".to_string()),
            ),
            Err(e) => (form_errors("phone", e)?, None),
        }
    } else {
        match login_by_sms(
            &state.db,
            &state.vault,
            &state.sms_policy,
            &form.phone,
            &form.sms_code,
            Some(&ip),
        )
        .await
        {
            Ok(account) => return signed_in(&session, &account, next, state.db.now()).await,
            Err(e) => (form_errors("sms_code", e)?, None),
        }
    };
    let page = SmsPage {
        ctx,
        nav: public_nav("/my/login"),
        phone: form.phone.trim().to_string(),
        next: next.unwrap_or_default(),
        errors,
        sent,
    };
    Ok(page.into_response())
}
