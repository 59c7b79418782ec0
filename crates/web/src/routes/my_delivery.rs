//! `/my/certificates/{id}/delivery` — 邮寄 (seed "邮寄"): the holder chooses 现场领取 or
//! 邮寄证书 with the address, where the issuing 职改办 mails; and 领取证书 once a mailed
//! certificate has arrived.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form, Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;
use zc_db::{certificates::CertificateRow, deliveries::Mailing};
use zc_domain::{
    Portal,
    delivery::{Address, DeliveryState, PROVINCES},
    payment::Fen,
};
use zc_services::{FieldErrors, ServiceError, delivery};

use crate::{
    context::PageContext,
    error::AppResult,
    extract::SignedIn,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/certificates/{id}/delivery",
            get(delivery_page).post(choose),
        )
        .route("/certificates/{id}/received", post(received))
}

/// How a certificate reaches its holder, as their list shows it.
pub struct DeliveryView {
    /// 待领取, 待缴邮费, 已寄出 … (empty when nothing was chosen).
    pub label: String,
    /// EMS's tracking number, once sent.
    pub tracking_no: Option<String>,
    /// The issuing office mails and the holder may still choose.
    pub may_choose: bool,
    /// The certificate was sent: 领取证书 confirms it arrived.
    pub may_confirm: bool,
}

impl DeliveryView {
    /// The view of a certificate of the holder's.
    pub async fn of(state: &AppState, cert: &CertificateRow) -> AppResult<DeliveryView> {
        let d = zc_db::deliveries::of_certificate(&state.db, cert.id).await?;
        let mailing = zc_db::deliveries::mailing(&state.db, cert.office_id).await?;
        let s = d.as_ref().map(delivery::state_of);
        Ok(DeliveryView {
            label: s.map(|s| s.label().to_string()).unwrap_or_default(),
            tracking_no: d.and_then(|d| d.tracking_no),
            may_choose: mailing.enabled
                && cert.status.is_valid()
                && s.is_none_or(DeliveryState::may_change),
            may_confirm: s == Some(DeliveryState::Sent),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "my/delivery.html")]
struct DeliveryPage {
    ctx: PageContext,
    nav: Nav,
    id: i64,
    number: String,
    mailing: Mailing,
    postage: String,
    current: Option<String>,
    typed: Posted,
    provinces: &'static [&'static str],
    errors: FieldErrors,
}

/// The form as posted (and shown again when refused).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Posted {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub postcode: String,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    holder_id: i64,
    id: i64,
    typed: Option<Posted>,
    errors: FieldErrors,
) -> AppResult<Response> {
    let (cert, current, mailing) = delivery::of_holder(&state.db, holder_id, id).await?;
    // What was chosen before, as the form's values.
    let before = current.as_ref().map(|d| Posted {
        method: d.method.code().to_string(),
        recipient: d.recipient.clone(),
        province: d.province.clone(),
        city: d.city.clone(),
        address: d.address.clone(),
        phone: d.phone.clone(),
        postcode: d.postcode.clone(),
    });
    Ok(DeliveryPage {
        nav: portal_nav(Portal::My, "/my/certificates"),
        ctx,
        id,
        number: cert.number,
        postage: Fen(mailing.postage_fen).to_string(),
        mailing,
        current: current
            .as_ref()
            .map(|d| delivery::state_of(d).label().to_string()),
        typed: typed.or(before).unwrap_or_default(),
        provinces: PROVINCES,
        errors,
    }
    .into_response())
}

async fn delivery_page(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render(&state, ctx, user.id, id, None, FieldErrors::default()).await
}

async fn choose(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<Posted>,
) -> AppResult<Response> {
    let choice = delivery::Choice {
        method: f.method.clone(),
        address: Address {
            recipient: f.recipient.clone(),
            province: f.province.clone(),
            city: f.city.clone(),
            address: f.address.clone(),
            phone: f.phone.clone(),
            postcode: f.postcode.clone(),
        },
    };
    match delivery::choose(&state.db, user.id, id, &choice).await {
        Ok(DeliveryState::AwaitingPostage) => Ok(Redirect::to("/my/fees").into_response()),
        Ok(_) => Ok(Redirect::to("/my/certificates").into_response()),
        Err(ServiceError::Invalid(errors)) => {
            render(&state, ctx, user.id, id, Some(f), errors).await
        }
        Err(ServiceError::Refused { message, .. }) => {
            let mut errors = FieldErrors::default();
            errors.add("method", message);
            render(&state, ctx, user.id, id, Some(f), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn received(
    State(state): State<AppState>,
    SignedIn { user, .. }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    delivery::received(&state.db, user.id, id).await?;
    Ok(Redirect::to("/my/certificates").into_response())
}
