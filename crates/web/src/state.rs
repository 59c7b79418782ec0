//! Shared application state handed to every handler.

use std::sync::Arc;

use zc_db::Db;

use crate::{assets::Assets, metrics::Metrics};

/// Settings the web layer needs from the server's configuration.
#[derive(Clone)]
pub struct WebConfig {
    /// Demo mode: shows `/design` and demo hints.
    pub demo: bool,
    /// Served over TLS (directly or behind a proxy): cookies get `Secure`, HSTS is sent.
    pub tls: bool,
    /// Key for CSRF tokens (derived from the session key in `data/keys`).
    pub csrf_key: [u8; 32],
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("demo", &self.demo)
            .field("tls", &self.tls)
            .field("csrf_key", &"[redacted]")
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    pub assets: Arc<Assets>,
}

impl AppState {
    /// Builds the state for a database and configuration.
    pub fn new(db: Db, config: WebConfig) -> Self {
        Self {
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            assets: Arc::new(Assets::load()),
        }
    }
}
