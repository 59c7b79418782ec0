//! 离线查验 — the published certificate-sealing keys, and a page that checks a sealed text
//! in the browser with those keys embedded, so a checker needs the server only to load it.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{
    context::PageContext,
    state::AppState,
    views::{Nav, public_nav},
};

/// `/.well-known/zhicheng/keys.json` and `/verify/offline`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/zhicheng/keys.json", get(keys))
        .route("/verify/offline", get(page))
}

/// Every public key that ever sealed a certificate, retired ones with their date.
async fn keys(State(state): State<AppState>) -> Response {
    let mut res = state.signer.ring().to_json().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    // Offline checkers may fetch it from other origins, and it changes only on rotation.
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    res
}

#[derive(Template, WebTemplate)]
#[template(path = "public/verify_offline.html")]
struct OfflinePage {
    ctx: PageContext,
    nav: Nav,
    /// The key ring as JSON, read by the page's script.
    keys_json: String,
    script_url: String,
}

async fn page(State(state): State<AppState>, ctx: PageContext) -> OfflinePage {
    let nav = public_nav("/verify");
    OfflinePage {
        ctx,
        nav,
        // `<` is escaped so no key text can close the script element.
        keys_json: state.signer.ring().to_json().replace('<', "\\u003c"),
        script_url: state.assets.offline_js_url(),
    }
}
