//! Per-address request limits counted in the database: two servers on one database let
//! an address through no more often than one server would, even when asked at once.

use chrono::Duration;
use zc_db::{
    Db,
    address_hits::{Rate, sweep, take},
    test_support::TestDb,
};

/// One a minute with three at once: slow enough that the test's own run time refills
/// nothing.
const RATE: Rate = Rate {
    interval_ms: 60_000,
    burst: 3,
};

#[tokio::test]
async fn two_servers_share_one_address_s_burst_and_refill() {
    let t = TestDb::new().await;
    let other = Db::connect(&t.url, &t.another_server()).await.unwrap();
    let servers = [&t.db, &other, &t.db];
    for db in servers {
        assert_eq!(
            take(db, "lookups", "203.0.113.9", RATE).await.unwrap(),
            None
        );
    }
    let wait = take(&other, "lookups", "203.0.113.9", RATE)
        .await
        .unwrap()
        .expect("the fourth, on either server, waits");
    assert!((59_000..=60_000).contains(&wait), "about a minute: {wait}");
    // Another address and another limit have their own counts.
    assert_eq!(
        take(&other, "lookups", "203.0.113.10", RATE).await.unwrap(),
        None
    );
    assert_eq!(
        take(&other, "uploads", "203.0.113.9", RATE).await.unwrap(),
        None
    );

    // A minute later one more is let through, and only one.
    t.db.clock().advance(Duration::seconds(61));
    assert_eq!(
        take(&t.db, "lookups", "203.0.113.9", RATE).await.unwrap(),
        None
    );
    assert!(
        take(&other, "lookups", "203.0.113.9", RATE)
            .await
            .unwrap()
            .is_some()
    );

    // Once every limit has refilled the rows say nothing and are swept.
    t.db.clock().advance(Duration::minutes(10));
    assert_eq!(sweep(&t.db).await.unwrap(), 3);
    for _ in 0..3 {
        assert_eq!(
            take(&other, "lookups", "203.0.113.9", RATE).await.unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn requests_asked_at_once_on_two_servers_spend_the_burst_exactly_once() {
    let t = TestDb::new().await;
    let other = Db::connect(&t.url, &t.another_server()).await.unwrap();
    let asks = (0..24).map(|i| {
        let db = if i % 2 == 0 {
            t.db.clone()
        } else {
            other.clone()
        };
        tokio::spawn(async move { take(&db, "lookups", "198.51.100.7", RATE).await })
    });
    let mut let_through = 0;
    for ask in asks {
        if ask.await.unwrap().unwrap().is_none() {
            let_through += 1;
        }
    }
    assert_eq!(let_through, 3);
}
