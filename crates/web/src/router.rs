//! The whole application router with its layers, outermost first:
//! request id → tracing → compression → client address → metrics → security headers →
//! error pages →
//! panic catcher → body limit → CSRF → sessions → expired passwords → handlers.

use std::time::Duration;

use axum::{
    Router,
    body::Body,
    extract::DefaultBodyLimit,
    http::{HeaderName, Request, Response, StatusCode},
    middleware,
    response::IntoResponse,
    routing::get,
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};
use zc_db::session_store::DbSessionStore;
use zc_domain::Portal;

use crate::{
    assets,
    error::AppError,
    metrics,
    middleware::{
        client_addr, csrf, error_pages, password_expiry, rate_limit::LimitCounter,
        security_headers, session_ready,
    },
    routes,
    state::AppState,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest any request may take before it is answered 503.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// Builds the application.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(if state.config.tls {
            "__Host-zc_session"
        } else {
            "zc_session"
        })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.tls)
        // Sliding idle expiry: `session_ready` moves the deadline at most once a minute.
        .with_always_save(false)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(30)));

    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
        let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
    });

    let mut app = Router::new()
        .merge(routes::public::router())
        .merge(routes::verify_offline::routes())
        .merge(routes::login::router())
        .merge(routes::second_factor::router())
        .merge(routes::applicant_auth::router())
        .merge(routes::recovery::router())
        .merge(routes::settings::router())
        .merge(routes::account::router())
        .merge(routes::sms_notices::router())
        .merge(routes::guide::router())
        .merge(routes::messages::router())
        .merge(routes::exports::router())
        .merge(routes::unit_registration::router())
        .merge(routes::prefs::router())
        .merge(routes::portals::router(state.clone()))
        .nest(Portal::Admin.path(), routes::admin::router(state.clone()))
        .route("/static/{file}", get(assets::serve));
    if state.config.demo {
        app = app.merge(routes::design::router());
    }
    let app = app
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn(password_expiry::enforce))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session_ready::load,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(state.clone(), csrf::protect))
        // Extractors enforce the limit, so upload routes can raise it for themselves.
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(CatchPanicLayer::custom(panic_response))
        // Inside the error pages, so a request that ran out of time gets the "系统繁忙"
        // page; every wait for the database is bounded well under this limit.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            error_pages::render,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers::apply,
        ));

    Router::new()
        .merge(routes::health::router())
        .merge(routes::payment_notify::router())
        .merge(app)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::Extension(LimitCounter(state.db.clone())))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_addr::resolve,
        ))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}
