//! 客户端地址 — behind a load balancer every request comes from the proxy. When the
//! socket peer is one of the configured `trusted_proxies`, the client is the nearest
//! address in `X-Forwarded-For` that is not itself a trusted proxy (read from the right,
//! since a client can write anything on the left), else `X-Real-IP`. The request's
//! `ConnectInfo` is replaced, so rate limits, captcha triggers, SMS quotas and the audit
//! log all see the client. Headers from anyone else are ignored.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

use crate::state::AppState;

/// Parses a comma-separated list of CIDRs or single addresses (`10.0.0.0/8, ::1`).
pub fn parse_cidrs(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<IpNet>()
                .or_else(|_| t.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("“{t}”不是有效的地址或网段（例如 10.0.0.0/8）"))
        })
        .collect()
}

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|n| n.contains(&ip))
}

/// The client's address for a request from `peer`, or `None` to keep the peer.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> Option<IpAddr> {
    if !trusted(peer, proxies) {
        return None;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in forwarded.iter().rev() {
        // An entry that is not an address ends the trust: what is left of it is unknown.
        let ip = hop.parse::<IpAddr>().ok()?;
        if !trusted(ip, proxies) {
            return Some(ip);
        }
    }
    headers
        .get("x-real-ip")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .filter(|ip| !trusted(*ip, proxies))
}

/// Middleware, outside everything that reads the client's address.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if let Some(peer) = peer
        && let Some(ip) = client_ip(peer.ip(), req.headers(), &state.config.trusted_proxies)
    {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, peer.port())));
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxies = parse_cidrs("10.0.0.0/8, 192.168.1.5").unwrap();
        let lb: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_ip(lb, &h, &proxies), "203.0.113.9".parse().ok());
        assert_eq!(client_ip(stranger, &h, &proxies), None, "not from a proxy");
        assert_eq!(client_ip(lb, &h, &[]), None, "no proxies configured");
        // The client wrote a fake address on the left; our proxies appended the real one.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 192.168.1.5")]);
        assert_eq!(client_ip(lb, &h, &proxies), "203.0.113.9".parse().ok());
        let h = headers(&[("x-forwarded-for", "garbage, 10.0.0.3")]);
        assert_eq!(client_ip(lb, &h, &proxies), None);
        let h = headers(&[("x-real-ip", "203.0.113.10")]);
        assert_eq!(client_ip(lb, &h, &proxies), "203.0.113.10".parse().ok());
        assert!(parse_cidrs("10.0.0.0/33").is_err());
        assert_eq!(parse_cidrs("").unwrap(), vec![]);
        assert_eq!(parse_cidrs("::1").unwrap().len(), 1);
    }
}
