//! 频率限制 — per-address limits on endpoints that are cheap to abuse (captcha images,
//! certificate lookups, suggestions). Login, SMS and e-mail have their own limits in the
//! database, shared by every server; these in-memory buckets are per server and only
//! blunt floods.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};

/// A named per-address bucket.
#[derive(Clone)]
pub struct AddressLimit {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl AddressLimit {
    /// `per_minute` requests a minute from one address, with bursts up to `burst`.
    pub fn per_minute(per_minute: u32, burst: u32) -> Self {
        let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: Arc::new(RateLimiter::keyed(
                Quota::per_minute(rate).allow_burst(burst),
            )),
        }
    }

    /// Seconds to wait before `ip` may ask again, or `None` when it may now.
    pub fn check(&self, ip: IpAddr) -> Option<u64> {
        self.limiter.check_key(&ip).err().map(|not_until| {
            let clock = governor::clock::DefaultClock::default();
            not_until.wait_time_from(clock.now()).as_secs().max(1)
        })
    }
}

/// Middleware: 429 with `Retry-After` (rendered as the Chinese error page) once the
/// address has used its bucket.
pub async fn limit(
    State(bucket): State<AddressLimit>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    match bucket.check(addr.ip()) {
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
    limit(State(bucket), ConnectInfo(addr), req, next).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_burst_then_waits_and_others_are_unaffected() {
        let bucket = AddressLimit::per_minute(6, 3);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(bucket.check(a), None);
        }
        let wait = bucket.check(a).expect("the fourth request waits");
        assert!((1..=10).contains(&wait), "{wait}");
        assert_eq!(bucket.check(b), None);
    }
}
