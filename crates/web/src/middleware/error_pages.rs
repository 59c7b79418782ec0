//! Turns error responses into full Chinese pages: handler errors ([`ErrorPage`]) and the
//! bare statuses that layers and extractors produce (404, 405, 413, panics …).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{
    context::PageContext,
    error::{ErrorPage, page_for_status},
    state::AppState,
    views::{Nav, public_nav},
};

/// The error page.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorView {
    pub ctx: PageContext,
    pub nav: Nav,
    pub status: u16,
    pub title: &'static str,
    pub message: String,
}

/// Paths whose error answers are meant for machines and stay as they are.
fn is_machine_path(path: &str) -> bool {
    ["/healthz", "/readyz", "/metrics", "/api/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Middleware: renders error pages.
pub async fn render(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let ctx = PageContext::from_request_basics(&state, &req);
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_machine_path(&path) {
        return res;
    }
    let page = match res.extensions().get::<ErrorPage>() {
        Some(p) => p.clone(),
        None => {
            let is_html = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("text/html"));
            let is_json = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("application/json"));
            if is_html || is_json {
                // A page that renders its own error (a form with messages), or an answer
                // to the page's script, stays as is.
                return res;
            }
            page_for_status(status)
        }
    };
    let mut out = ErrorView {
        ctx,
        nav: public_nav(""),
        status: status.as_u16(),
        title: page.title,
        message: page.message,
    }
    .into_response();
    *out.status_mut() = status;
    if status == axum::http::StatusCode::SERVICE_UNAVAILABLE
        && !res.headers().contains_key(header::RETRY_AFTER)
    {
        out.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(crate::error::RETRY_AFTER_SECONDS),
        );
    }
    for name in [header::RETRY_AFTER, header::SET_COOKIE, header::LOCATION] {
        for v in res.headers().get_all(&name) {
            out.headers_mut().append(name.clone(), v.clone());
        }
    }
    out
}
