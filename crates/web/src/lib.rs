//! zc-web — the HTTP face of zhicheng.
//!
//! Server-rendered pages (askama) that work without JavaScript, one router per portal,
//! and the cross-cutting layers every request passes: request ids, tracing, metrics,
//! security headers with a per-request CSP nonce, CSRF checks, sessions, body limits and
//! Chinese error pages.

pub mod assets;
pub mod auth;
pub mod bar_chart;
pub mod context;
pub mod error;
pub mod extract;
pub mod files;
pub mod fresh;
pub mod metrics;
pub mod middleware;
pub mod pager;
pub mod route_catalogue;
pub mod router;
pub mod routes;
pub mod state;
pub mod today;
pub mod views;

pub use router::router;
pub use state::{AppState, WebConfig};
