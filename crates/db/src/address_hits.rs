//! 频率限制 — per-address request limits kept in the database, so that every server behind
//! the proxy counts the same requests. Each limit is the generic cell rate algorithm
//! (the one `governor` runs in memory): a row keeps the "theoretical arrival time" of the
//! address's next request, and one statement both decides and moves it, so two servers
//! answering the same address at once cannot both spend its last request.

use crate::{Db, DbResult, with_pool};

/// A limit's shape: one request per `interval_ms` on average, with up to `burst` at once.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub interval_ms: i64,
    pub burst: i64,
}

/// Takes one request from `address` under limit `bucket`: `None` when it may go on, or
/// the milliseconds to wait before the next one would be let through.
pub async fn take(db: &Db, bucket: &str, address: &str, rate: Rate) -> DbResult<Option<i64>> {
    let now = db.now().timestamp_millis();
    let tolerance = rate.interval_ms * (rate.burst.max(1) - 1);
    // $3 now, $4 interval, $5 tolerance. Let through while the kept arrival time is at
    // most `tolerance` ahead of now; the SET expressions all see the row as it was.
    let sql = "INSERT INTO address_hits (bucket, address, arrival_ms, allowed) \
         VALUES ($1, $2, CAST($3 AS BIGINT) + CAST($4 AS BIGINT), 1) \
         ON CONFLICT (bucket, address) DO UPDATE SET \
           allowed = CASE WHEN address_hits.arrival_ms <= CAST($3 AS BIGINT) + CAST($5 AS BIGINT) \
                     THEN 1 ELSE 0 END, \
           arrival_ms = CASE \
             WHEN address_hits.arrival_ms <= CAST($3 AS BIGINT) THEN CAST($3 AS BIGINT) + CAST($4 AS BIGINT) \
             WHEN address_hits.arrival_ms <= CAST($3 AS BIGINT) + CAST($5 AS BIGINT) \
               THEN address_hits.arrival_ms + CAST($4 AS BIGINT) \
             ELSE address_hits.arrival_ms END \
         RETURNING allowed, arrival_ms";
    let (allowed, arrival): (i32, i64) = with_pool!(db, p => sqlx::query_as(sql)
        .bind(bucket).bind(address).bind(now).bind(rate.interval_ms).bind(tolerance)
        .fetch_one(p).await)?;
    Ok((allowed == 0).then(|| (arrival - tolerance - now).max(1)))
}

/// Forgets addresses whose limits have fully refilled: their rows say nothing any more.
pub async fn sweep(db: &Db) -> DbResult<u64> {
    let sql = "DELETE FROM address_hits WHERE arrival_ms < $1";
    Ok(
        with_pool!(db, p => sqlx::query(sql).bind(db.now().timestamp_millis())
        .execute(p).await.map(|r| r.rows_affected()))?,
    )
}
