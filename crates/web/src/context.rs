//! [`PageContext`]: what every page's layout needs to know about the request.

use axum::{
    extract::{FromRequestParts, Request},
    http::{Extensions, HeaderMap, header, request::Parts},
};
use tower_sessions::Session;

use crate::{
    auth::{self, SessionUser},
    middleware::{csrf::CsrfToken, security_headers::CspNonce},
    state::AppState,
};

/// Name of the cookie that remembers 适老化 (large-text, high-contrast) mode.
pub const CARE_COOKIE: &str = "zc_care";

/// Request facts shared by every page template.
#[derive(Debug, Clone)]
pub struct PageContext {
    /// Nonce for inline scripts (CSP).
    pub nonce: String,
    /// Token for the forms on the page.
    pub csrf: String,
    /// 适老化 mode is on.
    pub care: bool,
    /// Shown on error pages so support can find the log lines.
    pub request_id: String,
    /// Current path, used as the return address of the mode switch.
    pub path: String,
    /// The logged-in person, if any.
    pub user: Option<SessionUser>,
    /// Unread messages of the signed-in person, for the header.
    pub unread: i64,
    pub demo: bool,
    /// The signed-in person's idle limit in seconds (0 when nobody is signed in).
    pub idle_limit: u64,
    pub css_url: String,
    pub js_url: String,
    pub icon_url: String,
}

fn care_from(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == format!("{CARE_COOKIE}=1"))
}

/// The hidden field that carries the CSRF token in every form, written by one piece of
/// code instead of by hand in each template: `{{ ctx.csrf_field() }}`.
pub struct CsrfField<'a>(&'a str);

impl std::fmt::Display for CsrfField<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is URL-safe base64; anything else is dropped rather than escaped, so
        // the field can be marked safe without trusting its contents.
        f.write_str(r#"<input type="hidden" name="_csrf" value=""#)?;
        for c in self
            .0
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        {
            write!(f, "{c}")?;
        }
        f.write_str(r#"">"#)
    }
}

impl askama::filters::HtmlSafe for CsrfField<'_> {}

impl PageContext {
    /// The form's hidden CSRF field.
    pub fn csrf_field(&self) -> CsrfField<'_> {
        CsrfField(&self.csrf)
    }

    fn basics(state: &AppState, headers: &HeaderMap, ext: &Extensions, path: &str) -> Self {
        Self {
            nonce: ext
                .get::<CspNonce>()
                .map(|n| n.0.clone())
                .unwrap_or_default(),
            csrf: ext
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            care: care_from(headers),
            request_id: headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_string(),
            path: path.to_string(),
            user: None,
            unread: 0,
            demo: state.config.demo,
            idle_limit: 0,
            css_url: state.assets.css_url(),
            js_url: state.assets.js_url(),
            icon_url: state.assets.icon_url(),
        }
    }

    /// The context without the session, for layers that render before a handler runs.
    pub fn from_request_basics(state: &AppState, req: &Request) -> Self {
        Self::basics(state, req.headers(), req.extensions(), req.uri().path())
    }

    /// Seconds of inactivity before the session ends, for the warning script.
    pub fn idle_seconds(&self) -> u64 {
        self.idle_limit
    }

    /// The signed-in person, or 403 for a page that needs one (handlers take
    /// [`crate::extract::SignedIn`] instead; this is for the helpers they call).
    pub fn signed_in(&self) -> Result<auth::SessionUser, crate::error::AppError> {
        self.user.clone().ok_or(crate::error::AppError::Forbidden)
    }

    /// The role's name for the header, if someone is logged in.
    pub fn user_role_name(&self) -> &'static str {
        self.user.as_ref().map(|u| u.role.name()).unwrap_or("")
    }
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let mut ctx = Self::basics(state, &parts.headers, &parts.extensions, parts.uri.path());
        if let Some(session) = parts.extensions.get::<Session>() {
            ctx.user = auth::current_user(session, state.db.now()).await;
            ctx.idle_limit = ctx
                .user
                .as_ref()
                .map_or(0, |u| state.config.idle_seconds(u.role).max(0) as u64);
            if let Some(user) = &ctx.user {
                ctx.unread = zc_db::messages::unread(&state.db, user.id)
                    .await
                    .unwrap_or(0);
            }
        }
        Ok(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::CsrfField;

    #[test]
    fn the_csrf_field_carries_only_token_characters() {
        assert_eq!(
            CsrfField("aZ09_-").to_string(),
            r#"<input type="hidden" name="_csrf" value="aZ09_-">"#
        );
        assert_eq!(
            CsrfField(r#"x"><script>"#).to_string(),
            r#"<input type="hidden" name="_csrf" value="xscript">"#
        );
    }
}
