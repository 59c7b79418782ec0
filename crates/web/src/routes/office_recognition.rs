//! `/office/recognition`: a 职改办's 认定 and 重新确认 window this year and the fee it
//! charges online after its 初审通过.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::State,
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use zc_domain::{Portal, payment::Fen};
use zc_services::{
    FieldErrors, ServiceError,
    recognition_fee::{FeeInput, set},
};

use crate::extract::{ClientIp, SignedIn};
use crate::{
    context::PageContext,
    error::AppResult,
    state::AppState,
    views::{Nav, format_time, portal_nav},
};

/// Routes of the page.
pub fn routes() -> Router<AppState> {
    Router::new().route("/recognition", get(page).post(save))
}

/// The fee form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct FeeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub pay_until: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "office/recognition.html")]
struct RecognitionPage {
    ctx: PageContext,
    nav: Nav,
    year: i32,
    /// 受理时间, when the office has a window this year.
    window: Option<String>,
    form: FeeForm,
    errors: FieldErrors,
    saved: bool,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    typed: Option<FeeForm>,
    errors: FieldErrors,
    saved: bool,
) -> AppResult<RecognitionPage> {
    let office = crate::extract::office_desk(state, &ctx).await?;
    let year = chrono::Datelike::year(&state.db.today());
    let current = zc_db::recognition::window_of(&state.db, office, year).await?;
    let form = typed.unwrap_or_else(|| match &current {
        Some(w) if w.fee_fen > 0 => FeeForm {
            name: w.fee_name.clone(),
            amount: Fen(w.fee_fen).yuan(),
            pay_until: w.pay_until.map(|d| d.to_string()).unwrap_or_default(),
        },
        _ => FeeForm::default(),
    });
    Ok(RecognitionPage {
        nav: portal_nav(Portal::Office, "/office/recognition"),
        window: current.map(|w| {
            format!(
                "{} 至 {}",
                format_time(w.apply_from),
                format_time(w.apply_until)
            )
        }),
        ctx,
        year,
        form,
        errors,
        saved,
    })
}

async fn page(State(state): State<AppState>, ctx: PageContext) -> AppResult<RecognitionPage> {
    render(&state, ctx, None, FieldErrors::default(), false).await
}

async fn save(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    ClientIp(ip): ClientIp,
    Form(f): Form<FeeForm>,
) -> AppResult<Response> {
    let input = FeeInput {
        name: f.name.clone(),
        amount: f.amount.clone(),
        pay_until: f.pay_until.clone(),
    };
    match set(&state.db, user.actor(&ip), &input, state.db.today()).await {
        Ok(()) => Ok(render(&state, ctx, None, FieldErrors::default(), true)
            .await?
            .into_response()),
        Err(ServiceError::Invalid(errors)) => Ok(render(&state, ctx, Some(f), errors, false)
            .await?
            .into_response()),
        Err(e) => Err(e.into()),
    }
}
