//! 无记名投票 — what the database holds of a secret vote: while it is open, only sealed
//! choices (unreadable, equal choices unalike) and nothing in `ballot`; when it closes, the
//! box emptied and every ballot written by one transaction (on PostgreSQL the same xmin; on
//! SQLite nothing existed in `ballot` before it), in shuffled order.

use crate::helpers::TestApp;

/// While the vote of `meeting` is open: `expected` sealed choices and no ballot row.
pub(crate) async fn sealed_while_voting(app: &TestApp, meeting: i64, expected: usize) {
    let in_ballot: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM ballot WHERE meeting_id = $1").bind(meeting).fetch_one(p).await)
    .unwrap();
    assert_eq!(in_ballot, 0, "no choice is written while the vote is open");
    let sealed: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT sealed FROM sealed_ballot WHERE meeting_id = $1").bind(meeting).fetch_all(p).await)
    .unwrap();
    assert_eq!(sealed.len(), expected);
    assert!(
        sealed
            .iter()
            .all(|s| !s.contains("agree") && !s.contains("abstain")),
        "sealed choices are unreadable"
    );
    let distinct: std::collections::BTreeSet<&String> = sealed.iter().collect();
    assert_eq!(distinct.len(), sealed.len(), "equal choices look different");
}

/// After 结束表决: the box is empty and one transaction wrote every ballot.
pub(crate) async fn opened_in_one_transaction(app: &TestApp, meeting: i64) {
    let left: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM sealed_ballot WHERE meeting_id = $1").bind(meeting).fetch_one(p).await)
    .unwrap();
    assert_eq!(left, 0);
    if let zc_db::Db::Postgres(p, ..) = &app.db {
        let writers: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT xmin::text) FROM ballot WHERE meeting_id = $1",
        )
        .bind(meeting)
        .fetch_one(p)
        .await
        .unwrap();
        assert_eq!(writers, 1, "one transaction wrote every ballot");
    }
}
