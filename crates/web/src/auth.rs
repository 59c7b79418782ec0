//! Who is logged in: the session keys, the absolute lifetime, and the portal guard.

use axum::{
    extract::{OriginalUri, Request, State},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::{Expiry, Session};
use zc_db::{accounts::Account, session_store::ACCOUNT_ID_KEY};
use zc_domain::{Portal, Role, role::ABSOLUTE_SESSION_LIFETIME};

use crate::{error::AppError, state::AppState};

pub(crate) const USER_KEY: &str = "user";
const LOGIN_AT_KEY: &str = "login_at";
/// Set when a staff or admin password is older than 90 days: only the change-password
/// page works until it is changed.
const MUST_CHANGE_PASSWORD_KEY: &str = "must_change_password";

/// A form posted after the session had expired, kept so that it can be sent again once
/// the person has signed in (only the application and archive forms qualify).
pub const KEPT_POST_KEY: &str = "kept_post";

/// A kept form: where it was going and what was typed (without the CSRF token).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct KeptPost {
    pub path: String,
    pub fields: Vec<(String, String)>,
}

/// Whether a form sent to `path` is worth keeping across a sign-in.
pub fn keepable(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["my", "applications", _, "parts", _]
            | ["my", "applications", _, "parts", _, "rows"]
            | ["my", "applications", _, "summary"]
            | ["my", "profile", "parts", _]
            | ["my", "profile", "parts", _, "rows"]
    )
}

/// The largest form kept across a sign-in; a larger one is not kept.
const KEPT_POST_MAX_BYTES: usize = 64 * 1024;

/// Where a person with an expired password is sent.
pub const CHANGE_PASSWORD_PATH: &str = "/account/password";

/// The logged-in person as kept in the session.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SessionUser {
    pub id: i64,
    pub display_name: String,
    pub role: Role,
}

impl SessionUser {
    /// The person as the actor of a service call (for its audit event).
    pub fn actor<'a>(&self, ip: &'a str) -> zc_services::accounts::Actor<'a> {
        zc_services::accounts::Actor {
            account_id: Some(self.id),
            role: Some(self.role),
            ip: Some(ip),
        }
    }
}

/// Starts an authenticated session: a new session id (against fixation), the person, the
/// login time for the absolute limit, and the role's idle timeout.
pub async fn start_session(
    session: &Session,
    account: &Account,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let role = Role::from_code(&account.role).ok_or_else(|| {
        anyhow::anyhow!("account {} has unknown role {}", account.id, account.role)
    })?;
    // A form kept from before the sign-in survives the new session.
    let kept: Option<KeptPost> = session.get(KEPT_POST_KEY).await.ok().flatten();
    session.cycle_id().await?;
    session.clear().await;
    if let Some(kept) = kept {
        session.insert(KEPT_POST_KEY, kept).await?;
    }
    session.insert(ACCOUNT_ID_KEY, account.id).await?;
    session
        .insert(
            USER_KEY,
            SessionUser {
                id: account.id,
                display_name: account.display_name.clone(),
                role,
            },
        )
        .await?;
    // The idle and absolute limits are judged on the platform's one clock; the store's own
    // expiry (system clock) is only the outer bound that removes abandoned records.
    session.insert(LOGIN_AT_KEY, now.timestamp()).await?;
    session
        .insert(
            crate::middleware::session_ready::TOUCHED_AT_KEY,
            now.timestamp(),
        )
        .await?;
    if account.initial_password
        || zc_domain::password::must_change(role, account.password_changed_at, now)
    {
        session.insert(MUST_CHANGE_PASSWORD_KEY, true).await?;
    }
    let idle = time::Duration::seconds(role.idle_timeout().as_secs() as i64);
    session.set_expiry(Some(Expiry::OnInactivity(idle)));
    Ok(())
}

/// The logged-in person at `now`, or `None`. A session past its absolute lifetime is
/// ended here.
pub async fn current_user(session: &Session, now: DateTime<Utc>) -> Option<SessionUser> {
    let user: SessionUser = session.get(USER_KEY).await.ok().flatten()?;
    let login_at: i64 = session.get(LOGIN_AT_KEY).await.ok().flatten()?;
    if now.timestamp() - login_at > ABSOLUTE_SESSION_LIFETIME.as_secs() as i64 {
        let _ = session.flush().await;
        return None;
    }
    Some(user)
}

/// Ends the session on the server.
pub async fn end_session(session: &Session) {
    let _ = session.flush().await;
}

/// A local path that is safe to redirect to after login (no open redirects). Browsers
/// drop tabs and newlines from a URL and read `\` as `/`, so `/%09/evil.example` would
/// become `//evil.example`, another site: a path is refused if it holds any control
/// character, whitespace or backslash, or starts with `//`, as given or decoded once more.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?;
    let local = |s: &str| {
        s.starts_with('/')
            && !s.starts_with("//")
            && !s
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    };
    let decoded = percent_encoding::percent_decode_str(n).decode_utf8_lossy();
    (n.len() <= 512 && local(n) && local(&decoded)).then(|| n.to_string())
}

/// Middleware for a portal's router: visitors go to the login page (and come back after),
/// people of another portal get 403.
pub async fn require_portal(
    State((state, portal)): State<(AppState, Portal)>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    match current_user(&session, state.db.now()).await {
        None if req.method() == axum::http::Method::POST => {
            let uri = req
                .extensions()
                .get::<OriginalUri>()
                .map(|o| o.0.clone())
                .unwrap_or_else(|| req.uri().clone());
            let path = uri.path().to_string();
            let form = req
                .headers()
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
            let login = if portal == Portal::My {
                "/my/login"
            } else {
                "/login"
            };
            // What is kept lives in a session row until sign-in: a form's worth (a 5,000
            // character summary is 45 KiB encoded), a few times a minute per address.
            let ip = req
                .extensions()
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip());
            // Only a form that would be kept spends the address's budget (and its count
            // in the database); a signed-out page view does not.
            let budget = match ip {
                Some(ip) if keepable(&path) && form => {
                    state.kept_posts.check(&state.db, ip).await.is_none()
                }
                _ => false,
            };
            if budget {
                let bytes = axum::body::to_bytes(req.into_body(), KEPT_POST_MAX_BYTES)
                    .await
                    .unwrap_or_default();
                let fields: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
                let fields = fields.into_iter().filter(|(k, _)| k != "_csrf").collect();
                let _ = session
                    .insert(KEPT_POST_KEY, KeptPost { path, fields })
                    .await;
                return Redirect::to(&format!("{login}?next=%2Fmy%2Fresume")).into_response();
            }
            Redirect::to(login).into_response()
        }
        None => {
            // Inside a nested router `req.uri()` has lost its prefix; the original has it.
            let uri = req
                .extensions()
                .get::<OriginalUri>()
                .map(|o| o.0.clone())
                .unwrap_or_else(|| req.uri().clone());
            let back = uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or(portal.path());
            // Applicants sign in on their own page (ID number, mobile or e-mail).
            let login = if portal == Portal::My {
                "/my/login"
            } else {
                "/login"
            };
            let target = format!("{login}?next={}", urlencode(back));
            Redirect::to(&target).into_response()
        }
        Some(_) if must_change_password(&session).await => {
            Redirect::to(CHANGE_PASSWORD_PATH).into_response()
        }
        Some(user) if user.role.portal() == portal => next.run(req).await,
        Some(_) => AppError::Forbidden.into_response(),
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_string())
        .unwrap_or_default()
}

/// Whether the signed-in person must change an expired password before anything else.
pub async fn must_change_password(session: &Session) -> bool {
    session
        .get::<bool>(MUST_CHANGE_PASSWORD_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/office?tab=1")).as_deref(),
            Some("/office?tab=1")
        );
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/a\r\nSet-Cookie: x")), None);
        assert_eq!(safe_next(None), None);
        // What browsers turn into another site.
        for evil in [
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            " //evil.example",
            "/\u{3000}/evil.example",
        ] {
            assert_eq!(safe_next(Some(evil)), None, "{evil:?}");
        }
        assert_eq!(
            safe_next(Some("/my/fees?item=%E8%AF%84%E5%AE%A1")).as_deref(),
            Some("/my/fees?item=%E8%AF%84%E5%AE%A1")
        );
    }

    #[test]
    fn return_addresses_are_url_encoded() {
        assert_eq!(urlencode("/unit?a=1&b=2"), "%2Funit%3Fa%3D1%26b%3D2");
    }
}
