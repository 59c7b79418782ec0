//! What an operator watches on a deadline day, read at each `/metrics` scrape: dossiers
//! per status (from the tallies the triggers keep, not by counting dossiers), jobs waiting,
//! running and failed, and SMS sent and failed in the last hour. Each query reads a small
//! table or an index range, so a scrape stays cheap at a million dossiers.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, with_pool};

/// The gauges, each as `(status, count)`.
#[derive(Debug, Clone, Default)]
pub struct OpsGauges {
    pub dossiers: Vec<(String, i64)>,
    pub jobs: Vec<(String, i64)>,
    pub sms_last_hour: Vec<(String, i64)>,
}

/// Reads the gauges as of `now`.
pub async fn read(db: &Db, now: DateTime<Utc>) -> DbResult<OpsGauges> {
    // Every dossier is in exactly one office's tally.
    let dossiers = "SELECT status, CAST(SUM(n) AS BIGINT) FROM queue_tally \
                    WHERE scope_kind = 'office' GROUP BY status HAVING SUM(n) <> 0 ORDER BY status";
    let jobs = "SELECT status, COUNT(*) FROM job WHERE status IN ('queued', 'running', 'failed') \
                GROUP BY status ORDER BY status";
    let sms = "SELECT status, COUNT(*) FROM sms_outbox WHERE created_at >= $1 \
               GROUP BY status ORDER BY status";
    let hour_ago = now - chrono::Duration::hours(1);
    Ok(OpsGauges {
        dossiers: with_pool!(db, p => sqlx::query_as(dossiers).fetch_all(p).await)?,
        jobs: with_pool!(db, p => sqlx::query_as(jobs).fetch_all(p).await)?,
        sms_last_hour: with_pool!(db, p => sqlx::query_as(sms).bind(hour_ago).fetch_all(p).await)?,
    })
}
