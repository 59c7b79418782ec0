//! 频率限制 — per-address limits on endpoints that are cheap to abuse (certificate lookups,
//! publicity, uploads, sign-in and registration forms, recovery, exports). On PostgreSQL,
//! where several servers may run behind one proxy, each limit is counted in the database
//! ([`zc_db::address_hits`]), so two servers let an address through no more often than
//! one would. A per-server bucket of the same shape answers first: an address this server
//! alone has seen use up its burst is refused without a trip to the database, so a flood
//! costs the database nothing.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc};

use axum::{
    Extension,
    extract::{ConnectInfo, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};
use zc_db::{Db, address_hits::Rate};

/// The database every limit counts in, put in each request by the router so that limits
/// can be declared where their routes are.
#[derive(Clone)]
pub struct LimitCounter(pub Db);

/// A named per-address limit.
#[derive(Clone)]
pub struct AddressLimit {
    name: &'static str,
    rate: Rate,
    local: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl AddressLimit {
    /// Limit `name`: `per_minute` requests a minute from one address, with bursts up to
    /// `burst`.
    pub fn per_minute(name: &'static str, per_minute: u32, burst: u32) -> Self {
        let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            name,
            rate: Rate {
                interval_ms: 60_000 / i64::from(rate.get()),
                burst: i64::from(burst.get()),
            },
            local: Arc::new(RateLimiter::keyed(
                Quota::per_minute(rate).allow_burst(burst),
            )),
        }
    }

    /// Seconds `ip` must wait before it may ask again, or `None` when it may now. When
    /// the shared count cannot be read the request goes on: a limit that only blunts
    /// abuse must not take the service down with the database's hiccups.
    pub async fn check(&self, db: &Db, ip: IpAddr) -> Option<u64> {
        if let Err(not_until) = self.local.check_key(&ip) {
            let clock = governor::clock::DefaultClock::default();
            return Some(not_until.wait_time_from(clock.now()).as_secs().max(1));
        }
        // Only servers on PostgreSQL run side by side; a SQLite file has one server, whose
        // own bucket is the whole count, so its single writer is not spent on lookups.
        if db.backend() == zc_db::Backend::Sqlite {
            return None;
        }
        match zc_db::address_hits::take(db, self.name, &ip.to_string(), self.rate).await {
            Ok(None) => None,
            Ok(Some(wait_ms)) => Some(u64::try_from(wait_ms).unwrap_or(0).div_ceil(1000).max(1)),
            Err(e) => {
                tracing::warn!(limit = self.name, error = %e, "shared request limit not read");
                None
            }
        }
    }
}

/// Middleware: 429 with `Retry-After` (rendered as the Chinese error page) once the
/// address has used its limit.
pub async fn limit(
    State(bucket): State<AddressLimit>,
    Extension(LimitCounter(db)): Extension<LimitCounter>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    match bucket.check(&db, addr.ip()).await {
        None => next.run(req).await,
        Some(wait) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, wait.to_string())],
        )
            .into_response(),
    }
}

/// Middleware like [`limit`] that counts only requests that change something (POST and
/// the like), for routes whose form pages must stay free to read.
pub async fn limit_writes(
    State(bucket): State<AddressLimit>,
    counter: Extension<LimitCounter>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    ) {
        return next.run(req).await;
    }
    limit(State(bucket), counter, ConnectInfo(addr), req, next).await
}
