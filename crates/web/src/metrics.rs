//! Prometheus metrics: request counts and latency by route, and the business gauges an
//! operator watches on a deadline day (dossiers per status, jobs waiting and failed, SMS
//! sent and failed, submissions, storage write failures). README has the alert rules.

use std::time::Instant;

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use crate::state::AppState;

/// Labels of the request counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

/// Labels of the latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
    ])
}

/// A status label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: String,
}

/// The registry and the metric families we record.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    dossiers: Family<StatusLabel, Gauge>,
    jobs: Family<StatusLabel, Gauge>,
    sms_last_hour: Family<StatusLabel, Gauge>,
    submissions: Counter,
    storage_failures: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers the metric families.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("zhicheng");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            latency.clone(),
        );
        let dossiers = Family::<StatusLabel, Gauge>::default();
        registry.register(
            "dossiers",
            "Dossiers by status, province-wide (from the kept tallies)",
            dossiers.clone(),
        );
        let jobs = Family::<StatusLabel, Gauge>::default();
        registry.register(
            "jobs",
            "Background jobs queued, running and failed (failed ones wait for staff)",
            jobs.clone(),
        );
        let sms_last_hour = Family::<StatusLabel, Gauge>::default();
        registry.register(
            "sms_last_hour",
            "SMS handed to the provider in the last hour, sent or failed",
            sms_last_hour.clone(),
        );
        let submissions = Counter::default();
        registry.register(
            "submissions",
            "Dossiers submitted (同意并报送) through this server",
            submissions.clone(),
        );
        let storage_failures = Gauge::default();
        registry.register(
            "storage_failures",
            "Storage reads and writes (local folder or S3) that failed on this server since it started",
            storage_failures.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            dossiers,
            jobs,
            sms_last_hour,
            submissions,
            storage_failures,
        }
    }

    /// Counts one submission (同意并报送 that sent the dossier now).
    pub fn submitted(&self) {
        self.submissions.inc();
    }

    /// Sets the business gauges from a fresh reading; a status that is gone drops out.
    pub fn refresh(&self, g: &zc_db::ops_gauges::OpsGauges) {
        for (family, rows) in [
            (&self.dossiers, &g.dossiers),
            (&self.jobs, &g.jobs),
            (&self.sms_last_hour, &g.sms_last_hour),
        ] {
            family.clear();
            for (status, n) in rows {
                family
                    .get_or_create(&StatusLabel {
                        status: status.clone(),
                    })
                    .set(*n);
            }
        }
        self.storage_failures
            .set(i64::try_from(zc_storage::store::failures()).unwrap_or(i64::MAX));
    }

    /// Records one answered request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let (method, route) = (method.to_string(), route.to_string());
        self.requests
            .get_or_create(&RequestLabels {
                method: method.clone(),
                route: route.clone(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { method, route })
            .observe(seconds);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}

/// Middleware: times every request and labels it with its route pattern (never the raw
/// path, which would carry ids and blow up the label space).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let res = next.run(req).await;
    state.metrics.observe(
        &method,
        &route,
        res.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    res
}

/// `/metrics`, for the configured addresses (loopback by default) or with the bearer
/// token: request counts and timings tell an outsider how busy the office is, and when.
pub async fn expose(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Response {
    let token = &state.config.metrics_token;
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let by_token = !token.is_empty()
        && bearer.is_some_and(|b| {
            use subtle::ConstantTimeEq;
            b.as_bytes().ct_eq(token.as_bytes()).into()
        });
    let by_address = state
        .config
        .metrics_allow
        .iter()
        .any(|n| n.contains(&addr.ip()));
    if !(by_token || by_address) {
        return crate::error::AppError::NotFound.into_response();
    }
    // A scrape that cannot read the database still answers with the request metrics;
    // the failure itself is what the operator needs to see, in the log.
    match zc_db::ops_gauges::read(&state.db, state.db.now()).await {
        Ok(g) => state.metrics.refresh(&g),
        Err(e) => tracing::warn!(error = %e, "business gauges not read"),
    }
    let mut res = state.metrics.render().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    res
}
