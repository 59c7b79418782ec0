//! Loads the person's session before any handler reads it. A session store that cannot
//! answer in time (the database busy) gets 503 "系统繁忙" with `Retry-After`: reading the
//! session must never look like being signed out.

use axum::{
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions::{Session, session};
use zc_db::session_store::ACCOUNT_ID_KEY;

use crate::error::AppError;

/// Middleware inside the session layer: the first read loads the record, so every later
/// read in the request is served from memory.
pub async fn load(req: Request, next: Next) -> Response {
    if let Some(session) = req.extensions().get::<Session>().cloned()
        && let Err(session::Error::Store(e)) = session.get::<i64>(ACCOUNT_ID_KEY).await
    {
        tracing::warn!(error = %e, "session store unavailable");
        return AppError::Busy.into_response();
    }
    next.run(req).await
}
