//! Conventions of the SQL written in this crate that a reviewer would not see break.

use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    out
}

#[test]
fn no_query_binds_its_limit_bare() {
    // SQLite re-prepares a statement whose LIMIT is a bare parameter on every new binding
    // (the planner reads the value); `LIMIT CAST($n AS BIGINT)` is planned once.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bare: Vec<String> = sources(&src)
        .into_iter()
        .flat_map(|(file, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| l.contains("LIMIT $"))
                .map(|(i, l)| format!("{file}:{}: {}", i + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        bare.is_empty(),
        "bare LIMIT parameters:\n{}",
        bare.join("\n")
    );
}

#[tokio::test]
async fn no_index_on_a_table_read_by_a_bound_status_is_partial() {
    // To see whether a partial index applies, SQLite compares a bound parameter
    // (`status = $2`) with the index's WHERE, and then compiles the statement again
    // every time that parameter is bound. On `application`, read with a bound status on
    // every queue page, count and move, that was 15 % of a queue page (migration 0038).
    let t = zc_db::test_support::TestDb::sqlite().await;
    let partial: Vec<String> = zc_db::with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %' \
         AND tbl_name IN ('application', 'payment_order', 'return_reason', 'queue_tally')")
        .fetch_all(p).await)
    .unwrap();
    assert!(partial.is_empty(), "partial indexes: {partial:?}");
}
