//! Our own CSS and scripts, embedded in the binary and served under content-hashed names
//! so browsers may cache them for a year.

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use crate::state::AppState;

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const ICON: &str = include_str!("../static/favicon.svg");
const OFFLINE_JS: &str = include_str!("../static/verify_offline.js");

/// One embedded file and the hashed name it is served under.
#[derive(Debug, Clone)]
pub struct Asset {
    pub name: String,
    pub body: &'static str,
    pub content_type: &'static str,
}

/// The embedded assets.
#[derive(Debug, Clone)]
pub struct Assets {
    pub css: Asset,
    pub js: Asset,
    pub icon: Asset,
    /// The offline certificate check, loaded only by `/verify/offline`.
    pub offline_js: Asset,
}

fn hashed(stem: &str, ext: &str, body: &'static str, content_type: &'static str) -> Asset {
    let digest = Sha256::digest(body.as_bytes());
    let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    Asset {
        name: format!("{stem}.{short}.{ext}"),
        body,
        content_type,
    }
}

impl Assets {
    /// Hashes the embedded files.
    pub fn load() -> Self {
        Self {
            css: hashed("app", "css", CSS, "text/css; charset=utf-8"),
            js: hashed("app", "js", JS, "text/javascript; charset=utf-8"),
            icon: hashed("favicon", "svg", ICON, "image/svg+xml"),
            offline_js: hashed(
                "verify_offline",
                "js",
                OFFLINE_JS,
                "text/javascript; charset=utf-8",
            ),
        }
    }

    /// URL of the stylesheet.
    pub fn css_url(&self) -> String {
        format!("/static/{}", self.css.name)
    }

    /// URL of the site icon.
    pub fn icon_url(&self) -> String {
        format!("/static/{}", self.icon.name)
    }

    /// URL of the offline check's script.
    pub fn offline_js_url(&self) -> String {
        format!("/static/{}", self.offline_js.name)
    }

    /// URL of the script.
    pub fn js_url(&self) -> String {
        format!("/static/{}", self.js.name)
    }
}

/// `GET /static/{file}`: the current file under its hashed name, cached for a year.
pub async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let assets = &state.assets;
    let Some(asset) = [&assets.css, &assets.js, &assets.icon, &assets.offline_js]
        .into_iter()
        .find(|a| a.name == file)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut res = asset.body.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}
