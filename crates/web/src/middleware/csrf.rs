//! CSRF protection for every state-changing request.
//!
//! A random value lives in an HttpOnly, SameSite=Strict cookie; forms carry
//! HMAC(key, value) in `_csrf` (or the `X-CSRF-Token` header, for scripts). An attacker
//! who plants a cookie still cannot compute its token without the server's key. On top,
//! requests whose `Origin` or `Sec-Fetch-Site` say they come from another site are
//! refused outright.

use axum::{
    body::{Body, to_bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::{error::AppError, state::AppState};

/// Name of the cookie holding the CSRF seed. Over TLS the `__Host-` prefix makes browsers
/// refuse the cookie from subdomains or without `Secure`.
pub fn cookie_name(tls: bool) -> &'static str {
    if tls { "__Host-zc_csrf" } else { "zc_csrf" }
}
/// Name of the hidden form field.
pub const FIELD: &str = "_csrf";
/// Header scripts send instead of the field.
pub const HEADER: &str = "x-csrf-token";

/// The token forms on this page must send back.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

fn mac(key: &[u8; 32], seed: &str) -> Hmac<Sha256> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(seed.as_bytes());
    m
}

/// The token for a cookie seed.
pub fn token_for(key: &[u8; 32], seed: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(key, seed).finalize().into_bytes())
}

/// Constant-time check of a submitted token against the seed.
pub fn verify(key: &[u8; 32], seed: &str, token: &str) -> bool {
    match URL_SAFE_NO_PAD.decode(token) {
        Ok(bytes) => mac(key, seed).verify_slice(&bytes).is_ok(),
        Err(_) => false,
    }
}

fn cookie_value(req: &Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| Cookie::parse(c.trim().to_string()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

fn is_cross_site(req: &Request) -> bool {
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) else {
        return false;
    };
    // "null" origins (sandboxed frames, some redirects) are never same-site.
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin == "null" || origin_host != host
}

fn submitted_field(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FIELD)
        .map(|(_, v)| v)
}

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"))
}

fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"))
}

/// How much of an upload is read before its token must have appeared: the token is the
/// form's first field, so a few hundred bytes are enough.
const MULTIPART_TOKEN_WINDOW: usize = 8 * 1024;

/// The `_csrf` field of an upload form, which must be its first field, so that tokens stay
/// out of addresses (and so out of history, logs and Referer headers) without reading a
/// whole upload before checking it. The body is passed on unchanged: the bytes read so
/// far, then the rest as it streams in.
async fn multipart_field(req: Request) -> (Option<String>, Request) {
    use futures_util::StreamExt;
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    let mut failed = None;
    while head.len() < MULTIPART_TOKEN_WINDOW {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
    }
    let token = first_field(&parts.headers, &head).await;
    let rest = futures_util::stream::iter(failed.map(Err));
    let body = Body::from_stream(
        futures_util::stream::once(async move { Ok(axum::body::Bytes::from(head)) })
            .chain(rest)
            .chain(stream),
    );
    (token, Request::from_parts(parts, body))
}

/// Reads the first field of a multipart body's beginning; `Some` only when it is `_csrf`.
async fn first_field(headers: &axum::http::HeaderMap, head: &[u8]) -> Option<String> {
    use axum::extract::FromRequest;
    let mut probe = Request::new(Body::from(head.to_vec()));
    *probe.headers_mut() = headers.clone();
    probe.headers_mut().remove(header::CONTENT_LENGTH);
    let mut form = axum::extract::Multipart::from_request(probe, &())
        .await
        .ok()?;
    let field = form.next_field().await.ok()??;
    if field.name() != Some(FIELD) {
        return None;
    }
    field.text().await.ok()
}

/// Middleware: issues the seed cookie and token, and checks unsafe methods.
pub async fn protect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let key = &state.config.csrf_key;
    let name = cookie_name(state.config.tls);
    let existing = cookie_value(&req, name).filter(|s| s.len() >= 16);
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);

    let mut req = if unsafe_method {
        if is_cross_site(&req) {
            return AppError::CsrfRejected.into_response();
        }
        let Some(seed) = existing.as_deref() else {
            return AppError::CsrfRejected.into_response();
        };
        let header_token = req
            .headers()
            .get(HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (token, req) = match header_token {
            Some(t) => (Some(t), req),
            None if is_multipart(&req) => multipart_field(req).await,
            None if is_form(&req) => {
                let (parts, body) = req.into_parts();
                let Ok(bytes) = to_bytes(body, state.config.body_limit).await else {
                    return AppError::PayloadTooLarge.into_response();
                };
                let token = submitted_field(&bytes);
                (token, Request::from_parts(parts, Body::from(bytes)))
            }
            None => (None, req),
        };
        if !token.is_some_and(|t| verify(key, seed, &t)) {
            return AppError::CsrfRejected.into_response();
        }
        req
    } else {
        req
    };

    let (seed, fresh) = match existing {
        Some(s) => (s, false),
        None => (URL_SAFE_NO_PAD.encode(rand::random::<[u8; 18]>()), true),
    };
    req.extensions_mut()
        .insert(CsrfToken(token_for(key, &seed)));
    let mut res = next.run(req).await;
    if fresh && res.status() != StatusCode::NOT_MODIFIED {
        let cookie = Cookie::build((name, seed))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(state.config.tls)
            .build();
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::FromRequest;

    #[test]
    fn tokens_verify_only_for_their_seed_and_key() {
        let key = [7u8; 32];
        let t = token_for(&key, "seed-one-abcdefgh");
        assert!(verify(&key, "seed-one-abcdefgh", &t));
        assert!(!verify(&key, "seed-two-abcdefgh", &t));
        assert!(!verify(&[8u8; 32], "seed-one-abcdefgh", &t));
        assert!(!verify(&key, "seed-one-abcdefgh", "not base64 !!"));
    }

    fn upload(fields: &[(&str, &[u8])]) -> Request {
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--XyZ--\r\n");
        Request::builder()
            .method(Method::POST)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
            .body(Body::from(body))
            .unwrap()
    }

    #[tokio::test]
    async fn an_upload_carries_its_token_first_and_its_body_goes_on_whole() {
        let picture = vec![0xffu8; 100_000];
        let req = upload(&[("_csrf", b"tok-123"), ("files", &picture)]);
        let (token, req) = multipart_field(req).await;
        assert_eq!(token.as_deref(), Some("tok-123"));
        let mut form = axum::extract::Multipart::from_request(req, &())
            .await
            .unwrap();
        let mut seen = Vec::new();
        while let Some(f) = form.next_field().await.unwrap() {
            let name = f.name().unwrap_or_default().to_string();
            seen.push((name, f.bytes().await.unwrap().len()));
        }
        assert_eq!(
            seen,
            [("_csrf".to_string(), 7), ("files".to_string(), 100_000)]
        );

        let late = upload(&[("files", &picture), ("_csrf", b"tok-123")]);
        assert_eq!(
            multipart_field(late).await.0,
            None,
            "the token must come first"
        );
    }

    #[test]
    fn the_form_field_is_found_among_others() {
        assert_eq!(
            submitted_field(b"a=1&_csrf=abc&b=2").as_deref(),
            Some("abc")
        );
        assert_eq!(submitted_field(b"a=1"), None);
    }
}
