//! The router's own list of routes and methods, read back from the built router so that a
//! test can try every route a person could call, including one added tomorrow.
//!
//! axum keeps no public list of its routes; its `Debug` output carries each path (the
//! matcher's `paths` map) and each method router's `Allow` header. Reading that output is
//! the only way to see the routes *as built*, so that a route merged or nested anywhere is
//! found. If axum changes the format the catalogue comes back empty and the access matrix
//! fails loudly rather than testing nothing.

use std::collections::BTreeMap;

use axum::Router;

/// One routed path and the methods it answers (`GET`, `POST` …; `HEAD` left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEntry {
    pub path: String,
    pub methods: Vec<String>,
}

/// Every route of `router`, sorted by path.
pub fn routes(router: &Router) -> Vec<RouteEntry> {
    parse(&format!("{router:?}"))
}

fn parse(debug: &str) -> Vec<RouteEntry> {
    let Some(start) = debug.find("path_router: PathRouter { routes: {") else {
        return Vec::new();
    };
    let rest = &debug[start..];
    let Some(node_at) = rest.find("node: Node { paths: {") else {
        return Vec::new();
    };
    let methods = methods_by_route(&rest[..node_at]);
    let paths = paths_by_route(&rest[node_at + "node: Node { paths: {".len()..]);
    let mut out: Vec<RouteEntry> = paths
        .into_iter()
        .map(|(id, path)| RouteEntry {
            path,
            methods: methods.get(&id).cloned().unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `RouteId(n)` → the methods in its `allow_header`.
fn methods_by_route(routes: &str) -> BTreeMap<u32, Vec<String>> {
    let mut out = BTreeMap::new();
    for piece in routes.split("RouteId(").skip(1) {
        let Some((id, body)) = piece.split_once(')') else {
            continue;
        };
        let Ok(id) = id.parse::<u32>() else {
            continue;
        };
        let methods = body
            .split_once("allow_header: Bytes(b\"")
            .and_then(|(_, tail)| tail.split_once('"'))
            .map(|(list, _)| {
                list.split(',')
                    .filter(|m| !m.is_empty() && *m != "HEAD")
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        out.insert(id, methods);
    }
    out
}

/// `RouteId(n)` → its path, from the matcher's `paths` map.
fn paths_by_route(mut map: &str) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    loop {
        map = map.trim_start_matches([',', ' ']);
        let Some(after) = map.strip_prefix("RouteId(") else {
            break;
        };
        let Some((id, tail)) = after.split_once("): \"") else {
            break;
        };
        let Some((path, tail)) = tail.split_once('"') else {
            break;
        };
        if let Ok(id) = id.parse::<u32>() {
            out.insert(id, path.to_string());
        }
        map = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use axum::routing::{get, post};

    use super::*;

    #[test]
    fn nested_and_merged_routes_are_listed_with_their_methods() {
        let inner = Router::new()
            .route("/applications/{id}", get(|| async {}).post(|| async {}))
            .route("/fees/{id}/pay", post(|| async {}));
        let router: Router = Router::new()
            .route("/", get(|| async {}))
            .nest("/my", inner)
            .merge(Router::new().route("/verify", get(|| async {})))
            .fallback(|| async {});
        let found = routes(&router);
        let pairs: Vec<(&str, Vec<&str>)> = found
            .iter()
            .map(|r| {
                (
                    r.path.as_str(),
                    r.methods.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("/", vec!["GET"]),
                ("/my/applications/{id}", vec!["GET", "POST"]),
                ("/my/fees/{id}/pay", vec!["POST"]),
                ("/verify", vec!["GET"]),
            ]
        );
    }
}
