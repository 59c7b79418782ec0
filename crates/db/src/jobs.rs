//! 后台任务 — a job queue in the database, run by in-process workers.
//!
//! A job is claimed by one atomic `UPDATE … RETURNING`; on PostgreSQL the inner select
//! uses `FOR UPDATE SKIP LOCKED`, so workers on several servers never take the same job.
//! A failed job is retried with exponential backoff until `max_attempts`, then parked as
//! `failed`. Handlers must be idempotent: a server that dies mid-job leaves the job
//! `running`, and [`requeue_stale`] hands it out again once its lease has expired.

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;

use crate::{Db, DbResult, with_pool};

/// Job status stored in `job.status`.
pub mod status {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const DONE: &str = "done";
    pub const FAILED: &str = "failed";
}

/// A claimed job, handed to its handler.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: Json<Value>,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Adds a job to run as soon as a worker is free. Returns its id.
pub async fn enqueue(db: &Db, kind: &str, payload: Value, max_attempts: i32) -> DbResult<i64> {
    enqueue_at(db, kind, payload, max_attempts, db.now()).await
}

/// Adds a job inside `tx`, so it exists only if the change that asked for it commits.
pub async fn enqueue_in(
    tx: &mut crate::Tx,
    kind: &str,
    payload: Value,
    max_attempts: i32,
) -> DbResult<i64> {
    let sql = "INSERT INTO job (kind, payload, status, attempts, max_attempts, run_at, created_at) \
               VALUES ($1, $2, $3, 0, $4, $5, $5) RETURNING id";
    let id = crate::with_tx!(tx, c => sqlx::query_scalar(sql).bind(kind).bind(Json(payload))
        .bind(status::QUEUED).bind(max_attempts.max(1)).bind(tx.clock.now())
        .fetch_one(&mut **c).await)?;
    Ok(id)
}

/// Adds a job that becomes runnable at `run_at`.
pub async fn enqueue_at(
    db: &Db,
    kind: &str,
    payload: Value,
    max_attempts: i32,
    run_at: DateTime<Utc>,
) -> DbResult<i64> {
    let sql = "INSERT INTO job (kind, payload, status, attempts, max_attempts, run_at, created_at) \
               VALUES ($1, $2, $3, 0, $4, $5, $6) RETURNING id";
    let id = with_pool!(db, p => sqlx::query_scalar(sql).bind(kind).bind(Json(payload))
        .bind(status::QUEUED).bind(max_attempts.max(1)).bind(run_at).bind(db.now())
        .fetch_one(p).await)?;
    Ok(id)
}

/// Takes the oldest runnable job for `worker`, if any.
pub async fn claim(db: &Db, worker: &str) -> DbResult<Option<Job>> {
    let now = db.now();
    crate::held_transactions::assert_none_held();
    let job = match db {
        // SQLite serialises writers, so the single UPDATE is already exclusive.
        Db::Sqlite(p, ..) => {
            sqlx::query_as(
                "UPDATE job SET status = 'running', attempts = attempts + 1, locked_by = $1, \
                 locked_at = $2 WHERE id = (SELECT id FROM job WHERE status = 'queued' \
                 AND run_at <= $2 ORDER BY run_at, id LIMIT 1) \
                 RETURNING id, kind, payload, attempts, max_attempts",
            )
            .bind(worker)
            .bind(now)
            .fetch_optional(p)
            .await?
        }
        Db::Postgres(p, ..) => {
            sqlx::query_as(
                "UPDATE job SET status = 'running', attempts = attempts + 1, locked_by = $1, \
                 locked_at = $2 WHERE id = (SELECT id FROM job WHERE status = 'queued' \
                 AND run_at <= $2 ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, kind, payload, attempts, max_attempts",
            )
            .bind(worker)
            .bind(now)
            .fetch_optional(p)
            .await?
        }
    };
    Ok(job)
}

/// Marks a job finished.
pub async fn complete(db: &Db, job: &Job) -> DbResult<()> {
    let sql = "UPDATE job SET status = 'done', finished_at = $2, locked_by = NULL, \
               locked_at = NULL, last_error = NULL WHERE id = $1";
    with_pool!(db, p => sqlx::query(sql).bind(job.id).bind(db.now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Delay before retry number `attempts` (1-based): 2, 4, 8 … seconds, capped at one hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(1, 12) as u32;
    Duration::from_secs((1u64 << exp).min(3600))
}

/// Records a failure: the job is queued again after [`backoff`] or, when its attempts
/// are used up, parked as `failed` with the error kept for staff.
pub async fn fail(db: &Db, job: &Job, error: &str) -> DbResult<()> {
    let now = db.now();
    if job.attempts >= job.max_attempts {
        let sql = "UPDATE job SET status = 'failed', finished_at = $2, last_error = $3, \
                   locked_by = NULL, locked_at = NULL WHERE id = $1";
        with_pool!(db, p => sqlx::query(sql).bind(job.id).bind(now).bind(error)
            .execute(p).await.map(|r| r.rows_affected()))?;
    } else {
        let run_at = now + backoff(job.attempts);
        let sql = "UPDATE job SET status = 'queued', run_at = $2, last_error = $3, \
                   locked_by = NULL, locked_at = NULL WHERE id = $1";
        with_pool!(db, p => sqlx::query(sql).bind(job.id).bind(run_at).bind(error)
            .execute(p).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Queues again the jobs whose worker has held them longer than `lease` (the worker
/// died or lost its connection). Returns how many were released.
pub async fn requeue_stale(db: &Db, lease: Duration) -> DbResult<u64> {
    let cutoff = db.now() - lease;
    let sql = "UPDATE job SET status = 'queued', locked_by = NULL, locked_at = NULL \
               WHERE status = 'running' AND locked_at < $1";
    let n = with_pool!(db, p => sqlx::query(sql).bind(cutoff).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(n)
}

/// Current status and attempt count of one job (for tests and the admin page).
pub async fn status_of(db: &Db, id: i64) -> DbResult<Option<(String, i32)>> {
    let sql = "SELECT status, attempts FROM job WHERE id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// Work done for one job kind.
#[async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// Runs the job; an `Err` schedules a retry.
    async fn run(&self, db: &Db, job: &Job) -> anyhow::Result<()>;
}

/// Runs jobs of the registered kinds until told to stop.
#[derive(Clone)]
pub struct Worker {
    db: Db,
    name: String,
    handlers: Arc<HashMap<String, Arc<dyn JobHandler>>>,
    poll_interval: Duration,
    lease: Duration,
}

impl Worker {
    /// A worker named `name` (shown in `job.locked_by`).
    pub fn new(db: Db, name: impl Into<String>) -> Self {
        Self {
            db,
            name: name.into(),
            handlers: Arc::new(HashMap::new()),
            poll_interval: Duration::from_millis(500),
            lease: Duration::from_secs(600),
        }
    }

    /// Registers the handler for one job kind.
    pub fn handle(mut self, kind: &str, handler: Arc<dyn JobHandler>) -> Self {
        Arc::make_mut(&mut self.handlers).insert(kind.to_string(), handler);
        self
    }

    /// How long to sleep when the queue is empty.
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.poll_interval = d;
        self
    }

    /// Claims and runs one job. Returns false when nothing was runnable.
    pub async fn run_once(&self) -> DbResult<bool> {
        let Some(job) = claim(&self.db, &self.name).await? else {
            return Ok(false);
        };
        let outcome = match self.handlers.get(&job.kind) {
            Some(h) => h.run(&self.db, &job).await,
            None => Err(anyhow::anyhow!("no handler for job kind `{}`", job.kind)),
        };
        match outcome {
            Ok(()) => complete(&self.db, &job).await?,
            Err(e) => {
                tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts,
                    error = %e, "job failed");
                fail(&self.db, &job, &format!("{e:#}")).await?;
            }
        }
        Ok(true)
    }

    /// Loops until `shutdown` turns true: runs ready jobs, sleeps when idle, and now and
    /// then releases jobs whose worker vanished. A job in progress is always finished
    /// before the loop returns.
    pub async fn run(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        let mut since_sweep = Duration::ZERO;
        loop {
            if *shutdown.borrow() {
                return;
            }
            let busy = match self.run_once().await {
                Ok(busy) => busy,
                Err(e) => {
                    tracing::error!(error = %e, "job worker could not reach the database");
                    false
                }
            };
            if busy {
                continue;
            }
            since_sweep += self.poll_interval;
            if since_sweep >= self.lease / 4 {
                since_sweep = Duration::ZERO;
                if let Err(e) = requeue_stale(&self.db, self.lease).await {
                    tracing::error!(error = %e, "could not release stale jobs");
                }
            }
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = tokio::time::sleep(self.poll_interval) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(2));
        assert_eq!(backoff(2), Duration::from_secs(4));
        assert_eq!(backoff(5), Duration::from_secs(32));
        assert_eq!(backoff(40), Duration::from_secs(3600));
    }
}
