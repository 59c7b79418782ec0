//! Loads the person's session before any handler reads it, and keeps a signed-in session
//! alive without writing it on every request.
//!
//! A session store that cannot answer in time (the database busy) gets 503 "系统繁忙" with
//! `Retry-After`: reading the session must never look like being signed out. A session
//! that nothing changed is written back at most once a minute, only to move its idle
//! deadline: every signed-in page would otherwise be a write, and on SQLite all writes
//! take turns.

use axum::{
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use chrono::Utc;
use tower_sessions::{Session, session};
use zc_db::session_store::ACCOUNT_ID_KEY;

use crate::error::AppError;

/// When the idle deadline was last moved (Unix seconds).
const TOUCHED_AT_KEY: &str = "touched_at";
/// The idle deadline moves at most this often; it may end up to this much early.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// Middleware inside the session layer: the first read loads the record, so every later
/// read in the request is served from memory.
pub async fn load(req: Request, next: Next) -> Response {
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    let signed_in = match session.get::<i64>(ACCOUNT_ID_KEY).await {
        Ok(account) => account.is_some(),
        Err(session::Error::Store(e)) => {
            tracing::warn!(error = %e, "session store unavailable");
            return AppError::Busy.into_response();
        }
        Err(_) => false,
    };
    let res = next.run(req).await;
    if signed_in && !session.is_modified() {
        let now = Utc::now().timestamp();
        let touched = session
            .get::<i64>(TOUCHED_AT_KEY)
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        if now - touched >= TOUCH_EVERY_SECONDS {
            // Marks the session modified, so the session layer saves it with a new deadline.
            let _ = session.insert(TOUCHED_AT_KEY, now).await;
        }
    }
    res
}
