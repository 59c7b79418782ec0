//! 密码已过期 — a person whose password has expired reaches nothing but the page that
//! changes it (and sign-out and the stylesheets it needs), whatever the route: the portal
//! guards are not the only way in (`/exports`, `/messages`, `/account/*` sit outside them).

use axum::{
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use crate::auth::{CHANGE_PASSWORD_PATH, must_change_password};

/// What an expired password may still reach.
fn allowed(path: &str) -> bool {
    path == CHANGE_PASSWORD_PATH
        || path == "/logout"
        || path.starts_with("/static/")
        || path == "/favicon.ico"
}

/// Middleware inside the session layer.
pub async fn enforce(req: Request, next: Next) -> Response {
    if allowed(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    if must_change_password(&session).await {
        return Redirect::to(CHANGE_PASSWORD_PATH).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn only_the_change_page_sign_out_and_assets_stay_open() {
        assert!(allowed("/account/password"));
        assert!(allowed("/logout"));
        assert!(allowed("/static/app.css"));
        for path in [
            "/exports",
            "/messages",
            "/account",
            "/account/email",
            "/my",
            "/office",
        ] {
            assert!(!allowed(path), "{path}");
        }
    }
}
