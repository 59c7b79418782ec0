//! `/office/counter/phone` — 窗口更换手机号: a 职改办 staff member records a new mobile
//! for a person standing at the window with their ID card, so that they can reset their
//! password by SMS (a security question alone never resets one).

use askama::Template;
use askama_web::WebTemplate;
use axum::{Form, Router, extract::State, routing::get};
use serde::Deserialize;
use zc_domain::{Portal, Role};
use zc_services::{
    FieldErrors,
    counter::{self, CounterPhone},
};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::{AppError, AppResult, form_errors},
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/office` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new().route("/counter/phone", get(form).post(submit))
}

/// The form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    card_checked: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/counter_phone.html")]
struct Page {
    ctx: PageContext,
    nav: Nav,
    form: PhoneForm,
    errors: FieldErrors,
    done: Option<String>,
}

fn page(
    ctx: PageContext,
    form: PhoneForm,
    errors: FieldErrors,
    done: Option<String>,
) -> AppResult<Page> {
    // Department staff share the portal; the window is the 职改办's.
    if ctx.user.as_ref().map(|u| u.role) != Some(Role::OfficeStaff) {
        return Err(AppError::Forbidden);
    }
    Ok(Page {
        nav: portal_nav(Portal::Office, "/office/counter/phone"),
        ctx,
        form,
        errors,
        done,
    })
}

async fn form(ctx: PageContext) -> AppResult<Page> {
    page(ctx, PhoneForm::default(), FieldErrors::default(), None)
}

async fn submit(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<PhoneForm>,
) -> AppResult<Page> {
    let input = CounterPhone {
        id_number: &f.id_number,
        name: &f.name,
        phone: &f.phone,
        card_checked: f.card_checked == "1",
    };
    match counter::change_phone(state.sms_context(), user.actor(&ip), &input).await {
        Ok(masked) => {
            let done = format!(
                "已将 {} 的注册手机号更换为 {masked}。请告知本人：用新手机号和短信验证码即可找回密码。",
                f.name.trim()
            );
            page(
                ctx,
                PhoneForm::default(),
                FieldErrors::default(),
                Some(done),
            )
        }
        Err(e) => {
            let errors = form_errors("id_number", e)?;
            page(ctx, f, errors, None)
        }
    }
}
