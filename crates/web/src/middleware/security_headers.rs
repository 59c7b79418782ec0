//! Security headers, with a fresh CSP nonce for every request.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::state::AppState;

/// The nonce that inline `<script>` tags of this response must carry.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// A response extension: the one page that posts to the payment gateway's cashier names
/// the gateway's origin, which its `form-action` then allows (every other page posts to
/// this site only).
#[derive(Debug, Clone)]
pub struct FormActionOrigin(pub String);

fn content_security_policy(nonce: &str, form_origin: Option<&str>) -> String {
    let extra = form_origin
        .filter(|o| !o.contains([';', ',', '\'', ' ']))
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'{extra}"
    )
}

fn set_default(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

/// Middleware: adds CSP, nosniff, framing, referrer and (over TLS) HSTS headers; pages
/// are `no-store` unless a handler chose a cache policy (static files do).
pub async fn apply(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let nonce = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let form_origin = res
        .extensions()
        .get::<FormActionOrigin>()
        .map(|o| o.0.clone());
    let h = res.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce, form_origin.as_deref()))
    {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    set_default(h, header::CACHE_CONTROL, "no-store");
    if state.config.tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}
