//! axe-core in the browser suite: every page a journey reaches by a click, and every page
//! of the 360 px list, is checked for serious or critical WCAG 2.1 A/AA violations. The
//! script comes from the npm registry at test time (`.ci/setup` fetches it into
//! `target/axe/`; `AXE_CORE_JS` names another copy); it is never committed.

use std::sync::LazyLock;

use fantoccini::Client;
use serde_json::Value;

/// axe-core's source, when it is installed.
static AXE: LazyLock<Option<String>> = LazyLock::new(|| {
    let path = std::env::var("AXE_CORE_JS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/axe/axe.min.js").to_string()
    });
    match std::fs::read_to_string(&path) {
        Ok(src) => Some(src),
        Err(_) => {
            zc_db::test_support::skip_or_fail_under_ci(&format!(
                "accessibility checks need axe-core at {path} (.ci/setup fetches it from the npm registry)"
            ));
            None
        }
    }
});

/// The rules that count: WCAG 2.0 and 2.1, levels A and AA.
const RUN: &str = "var done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations']
}).then(function (r) {
  done(r.violations
    .filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
    .map(function (v) {
      return v.id + ' (' + v.impact + '): ' + v.help + ' at ' +
        v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', ');
    }));
}, function (e) { done(['axe failed: ' + e]); });";

/// Fails with the page's address and each violation when the page has a serious or
/// critical one.
pub(crate) async fn assert_accessible(client: &Client) {
    let Some(violations) = violations(client).await else {
        return;
    };
    if !violations.is_empty() {
        let url = client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        panic!("accessibility violations on {url}: {violations:#?}");
    }
}

/// The page's serious and critical violations; `None` when axe-core is not installed.
async fn violations(client: &Client) -> Option<Vec<String>> {
    let src = AXE.as_ref()?;
    let loaded = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .unwrap_or(Value::Bool(false));
    if loaded != Value::Bool(true) {
        client.execute(src, vec![]).await.expect("axe-core loads");
    }
    let found = client.execute_async(RUN, vec![]).await.expect("axe runs");
    Some(match found {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        other => vec![format!("unexpected answer from axe: {other}")],
    })
}

#[tokio::test]
async fn the_check_sees_a_form_field_without_a_label() {
    let Some(driver) = crate::browser::start_driver().await else {
        return;
    };
    let client = crate::browser::open_browser(&driver, 360).await;
    client
        .goto("data:text/html;charset=utf-8,<!doctype html><html lang=zh-CN><title>t</title><main><input id=x></main></html>")
        .await
        .unwrap();
    if let Some(found) = violations(&client).await {
        assert!(
            found.iter().any(|v| v.starts_with("label (critical)")),
            "an unlabelled input is reported: {found:?}"
        );
    }
    client.close().await.unwrap();
}
