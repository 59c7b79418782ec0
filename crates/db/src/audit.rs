//! 审计日志 — append-only audit events.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// One audit event: who did what to which object, and how it ended.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent<'a> {
    pub actor_id: Option<i64>,
    pub actor_role: Option<&'a str>,
    /// Stable action code, e.g. `account.create`.
    pub action: &'a str,
    /// The object acted on, e.g. `account:12`.
    pub object: &'a str,
    /// `ok` or `refused`.
    pub result: &'a str,
    /// Free text for auditors; never holds passwords or unmasked identifiers.
    pub detail: &'a str,
    pub ip: Option<&'a str>,
}

/// A stored audit row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_role: Option<String>,
    pub action: String,
    pub object: String,
    pub result: String,
    pub detail: String,
    pub ip: Option<String>,
}

const INSERT: &str = "INSERT INTO audit_event (at, actor_id, actor_role, action, object, result, \
                      detail, ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Writes an event inside the transaction that made the change, so both land or neither.
pub async fn record_in(tx: &mut Tx, e: &AuditEvent<'_>) -> DbResult<()> {
    with_tx!(tx, c => sqlx::query(INSERT).bind(Utc::now()).bind(e.actor_id).bind(e.actor_role)
        .bind(e.action).bind(e.object).bind(e.result).bind(e.detail).bind(e.ip)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes an event on its own (for actions that change nothing else, such as a refusal).
pub async fn record(db: &Db, e: &AuditEvent<'_>) -> DbResult<()> {
    with_pool!(db, p => sqlx::query(INSERT).bind(Utc::now()).bind(e.actor_id).bind(e.actor_role)
        .bind(e.action).bind(e.object).bind(e.result).bind(e.detail).bind(e.ip)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The newest events first.
pub async fn recent(db: &Db, limit: i64) -> DbResult<Vec<AuditRow>> {
    let sql = "SELECT id, at, actor_id, actor_role, action, object, result, detail, ip \
               FROM audit_event ORDER BY at DESC, id DESC LIMIT $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(limit).fetch_all(p).await)?)
}

/// Number of events whose action starts with `action_prefix` (empty: all).
pub async fn count(db: &Db, action_prefix: &str) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM audit_event WHERE action LIKE $1";
    let pattern = format!("{action_prefix}%");
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(pattern).fetch_one(p).await)?)
}

/// One page of events, newest first, filtered by action prefix.
pub async fn page(
    db: &Db,
    action_prefix: &str,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<AuditRow>> {
    let sql = "SELECT id, at, actor_id, actor_role, action, object, result, detail, ip \
               FROM audit_event WHERE action LIKE $1 ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3";
    let pattern = format!("{action_prefix}%");
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(pattern).bind(limit).bind(offset)
        .fetch_all(p).await)?,
    )
}
