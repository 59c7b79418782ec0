//! `POST /pay/alipay/notify` — the gateway's notify. It comes from Alipay's servers, not
//! a browser: no session and no CSRF token, so it sits outside those layers; what makes
//! it trusted is its RSA2 signature, checked in the service. The answer is the exact text
//! the gateway waits for.

use std::collections::BTreeMap;

use axum::{Router, body::Bytes, extract::State, response::IntoResponse, routing::post};
use zc_services::payments::notify;

use crate::{error::AppResult, state::AppState};

/// The notify route.
pub fn router() -> Router<AppState> {
    Router::new().route("/pay/alipay/notify", post(receive))
}

async fn receive(State(state): State<AppState>, body: Bytes) -> AppResult<impl IntoResponse> {
    let raw = String::from_utf8_lossy(&body).into_owned();
    let params: BTreeMap<String, String> =
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
            .unwrap_or_default()
            .into_iter()
            .collect();
    let answer = notify::handle(&state.db, state.payments.as_ref(), &raw, &params).await?;
    Ok(answer)
}
