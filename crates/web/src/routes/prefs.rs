//! 适老化 — the large-text, high-contrast switch. With JavaScript the page switches at
//! once and sets the cookie itself; without it, this form post does the same.

use axum::{
    Form, Router,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

use crate::{auth::safe_next, context::CARE_COOKIE, state::AppState};

/// `/prefs/care-mode`.
pub fn router() -> Router<AppState> {
    Router::new().route("/prefs/care-mode", post(toggle))
}

/// The switch form.
#[derive(Debug, Deserialize)]
pub struct CareForm {
    /// "1" to turn the mode on, anything else to turn it off.
    pub on: Option<String>,
    pub next: Option<String>,
}

async fn toggle(State(state): State<AppState>, Form(form): Form<CareForm>) -> Response {
    let on = form.on.as_deref() == Some("1");
    let cookie = Cookie::build((CARE_COOKIE, if on { "1" } else { "0" }))
        .path("/")
        .max_age(time::Duration::days(365))
        .same_site(SameSite::Lax)
        .secure(state.config.tls)
        .build();
    let target = safe_next(form.next.as_deref()).unwrap_or_else(|| "/".into());
    let mut res = Redirect::to(&target).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
