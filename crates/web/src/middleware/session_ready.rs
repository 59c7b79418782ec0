//! Loads the person's session before any handler reads it, and keeps a signed-in session
//! alive without writing it on every request.
//!
//! A session store that cannot answer in time (the database busy) gets 503 "系统繁忙" with
//! `Retry-After`: reading the session must never look like being signed out. A session
//! that nothing changed is written back at most once a minute, only to move its idle
//! deadline: every signed-in page would otherwise be a write, and on SQLite all writes
//! take turns. Each role's idle limit (staff 15 minutes, applicants 30) is enforced here.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions::{Expiry, Session, session};
use zc_db::session_store::ACCOUNT_ID_KEY;

use crate::{auth::SessionUser, error::AppError, state::AppState};

/// When the person was last seen (Unix seconds); written at most every
/// [`touch_every`] seconds, and at sign-in.
pub const TOUCHED_AT_KEY: &str = "touched_at";

/// How often the last-seen time moves for an idle limit: once a minute, or more often for
/// a short limit. The session may end up to this much early.
fn touch_every(idle_seconds: i64) -> i64 {
    (idle_seconds / 10).clamp(0, 60)
}

/// Middleware inside the session layer: the first read loads the record, so every later
/// read in the request is served from memory. A session idle past its role's limit is
/// ended here, on every request (the session layer's own expiry is one default for all).
pub async fn load(State(state): State<AppState>, req: Request, next: Next) -> Response {
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
    let now = state.db.now().timestamp();
    let mut idle_limit = 0;
    let touched = session
        .get::<i64>(TOUCHED_AT_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    if signed_in {
        let user: Option<SessionUser> = session.get(crate::auth::USER_KEY).await.ok().flatten();
        idle_limit = user.map_or(0, |u| state.config.idle_seconds(u.role));
        if now - touched > idle_limit {
            let _ = session.flush().await;
            return next.run(req).await;
        }
    }
    let res = next.run(req).await;
    if signed_in && !session.is_modified() && now - touched >= touch_every(idle_limit) {
        // Marks the session modified, so the session layer saves it with a deadline of the
        // role's own limit.
        let _ = session.insert(TOUCHED_AT_KEY, now).await;
        session.set_expiry(Some(Expiry::OnInactivity(time::Duration::seconds(
            idle_limit,
        ))));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::touch_every;

    #[test]
    fn the_last_seen_time_moves_often_enough_for_the_limit() {
        assert_eq!(touch_every(900), 60);
        assert_eq!(touch_every(1800), 60);
        assert_eq!(touch_every(120), 12);
        assert_eq!(touch_every(2), 0);
    }
}
