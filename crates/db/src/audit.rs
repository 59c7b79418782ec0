//! 审计日志 — append-only audit events.

use chrono::{DateTime, SubsecRound, Utc};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::{AuditKey, Db, DbResult, Tx, TxInner, with_pool, with_tx};

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
                      detail, ip, prev_hash, hash, keyed) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE)";

/// The fields of an event as the chain reads them: length-prefixed, so no two events
/// share an encoding. Times at microsecond precision, which both databases store exactly.
fn chain_parts<'a>(
    prev: &'a str,
    at: &'a str,
    e: &'a AuditFields<'a>,
    actor_id: &'a str,
) -> [&'a str; 9] {
    [
        prev,
        at,
        actor_id,
        e.actor_role.unwrap_or(""),
        e.action,
        e.object,
        e.result,
        e.detail,
        e.ip.unwrap_or(""),
    ]
}

/// The keyed link of an event to its predecessor (HMAC-SHA256 under the audit key).
pub fn chain_mac(key: &AuditKey, prev: &str, at: DateTime<Utc>, e: &AuditFields<'_>) -> String {
    let at = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let actor = e.actor_id.map(|i| i.to_string()).unwrap_or_default();
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key.bytes()).expect("any key length");
    for part in chain_parts(prev, &at, e, &actor) {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    hex::encode(mac.finalize().into_bytes())
}

/// The unkeyed link of events written before the chain had a key (plain SHA-256).
pub fn chain_hash(prev: &str, at: DateTime<Utc>, e: &AuditFields<'_>) -> String {
    let at = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let actor = e.actor_id.map(|i| i.to_string()).unwrap_or_default();
    let mut h = Sha256::new();
    for part in chain_parts(prev, &at, e, &actor) {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hashed fields of an event (borrowed from a new event or a stored row).
pub struct AuditFields<'a> {
    pub actor_id: Option<i64>,
    pub actor_role: Option<&'a str>,
    pub action: &'a str,
    pub object: &'a str,
    pub result: &'a str,
    pub detail: &'a str,
    pub ip: Option<&'a str>,
}

impl<'a> From<&'a AuditEvent<'a>> for AuditFields<'a> {
    fn from(e: &'a AuditEvent<'a>) -> Self {
        AuditFields {
            actor_id: e.actor_id,
            actor_role: e.actor_role,
            action: e.action,
            object: e.object,
            result: e.result,
            detail: e.detail,
            ip: e.ip,
        }
    }
}

/// Writes an event inside the transaction that made the change, so both land or neither.
/// The chain head is locked for the rest of the transaction, so events never fork.
pub async fn record_in(tx: &mut Tx, e: &AuditEvent<'_>) -> DbResult<()> {
    let prev: String = match &mut tx.inner {
        TxInner::Sqlite(c) => {
            sqlx::query_scalar("SELECT hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut **c)
                .await?
        }
        TxInner::Postgres(c) => {
            sqlx::query_scalar("SELECT hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .fetch_one(&mut **c)
                .await?
        }
    };
    let at = tx.clock.now().trunc_subsecs(6);
    let hash = chain_mac(&tx.audit_key, &prev, at, &AuditFields::from(e));
    with_tx!(tx, c => sqlx::query(INSERT).bind(at).bind(e.actor_id).bind(e.actor_role)
        .bind(e.action).bind(e.object).bind(e.result).bind(e.detail).bind(e.ip).bind(&prev)
        .bind(&hash).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    with_tx!(tx, c => sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes an event on its own (for actions that change nothing else, such as a refusal).
pub async fn record(db: &Db, e: &AuditEvent<'_>) -> DbResult<()> {
    let mut tx = db.begin_write().await?;
    record_in(&mut tx, e).await?;
    tx.commit().await
}

/// The newest events first.
pub async fn recent(db: &Db, limit: i64) -> DbResult<Vec<AuditRow>> {
    let sql = "SELECT id, at, actor_id, actor_role, action, object, result, detail, ip \
               FROM audit_event ORDER BY at DESC, id DESC LIMIT CAST($1 AS BIGINT)";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(limit).fetch_all(p).await)?)
}

/// What a chain check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every row hashes correctly and the head matches the last row.
    Intact { rows: u64 },
    /// The row with this id was changed, or a row before it was removed.
    Broken { id: i64, reason: &'static str },
    /// Rows at the end were removed (the head points past the last row).
    Truncated,
}

/// The chain's head as written to an anchor outside the database: the last event's id
/// and its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub id: i64,
    pub hash: String,
}

/// The newest event's id and link (none while the log is empty).
pub async fn head(db: &Db) -> DbResult<Option<Anchor>> {
    let sql = "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1";
    let row: Option<(i64, String)> =
        with_pool!(db, p => sqlx::query_as(sql).fetch_optional(p).await)?;
    Ok(row.map(|(id, hash)| Anchor { id, hash }))
}

/// Recomputes the whole chain, in pages, oldest first, and checks it against the anchors
/// kept outside the database: an anchored event must still be there with the same link,
/// so a chain rewritten from the start (even with the key) or cut short is caught.
pub async fn verify_chain(db: &Db, anchors: &[Anchor]) -> DbResult<ChainCheck> {
    let key = db.audit_key();
    let mut prev = String::new();
    let mut after = 0i64;
    let mut rows = 0u64;
    let mut keyed_seen = false;
    let mut anchored = 0;
    loop {
        let sql = "SELECT id, at, actor_id, actor_role, action, object, result, detail, ip, prev_hash, \
                   hash, keyed FROM audit_event WHERE id > $1 ORDER BY id LIMIT 1000";
        let page: Vec<ChainRow> =
            with_pool!(db, p => sqlx::query_as(sql).bind(after).fetch_all(p).await)?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            if r.prev_hash != prev {
                return Ok(ChainCheck::Broken {
                    id: r.id,
                    reason: "前一条记录被删除或修改",
                });
            }
            let fields = AuditFields {
                actor_id: r.actor_id,
                actor_role: r.actor_role.as_deref(),
                action: &r.action,
                object: &r.object,
                result: &r.result,
                detail: &r.detail,
                ip: r.ip.as_deref(),
            };
            // Unkeyed links are only believed before the first keyed one.
            if !r.keyed && keyed_seen {
                return Ok(ChainCheck::Broken {
                    id: r.id,
                    reason: "记录未用审计密钥签名",
                });
            }
            keyed_seen |= r.keyed;
            let expected = if r.keyed {
                chain_mac(key, &prev, r.at, &fields)
            } else {
                chain_hash(&prev, r.at, &fields)
            };
            if expected != r.hash {
                return Ok(ChainCheck::Broken {
                    id: r.id,
                    reason: "记录内容被修改",
                });
            }
            if let Some(a) = anchors.iter().find(|a| a.id == r.id) {
                if a.hash != r.hash {
                    return Ok(ChainCheck::Broken {
                        id: r.id,
                        reason: "与库外锚点记录的链值不符（日志被整体重写）",
                    });
                }
                anchored += 1;
            }
            prev = r.hash.clone();
            after = r.id;
            rows += 1;
        }
    }
    let head: String = with_pool!(db, p => sqlx::query_scalar("SELECT hash FROM audit_head WHERE id = 1").fetch_one(p).await)?;
    // An anchor past the last event means events at the end were removed.
    let distinct: std::collections::BTreeSet<i64> = anchors.iter().map(|a| a.id).collect();
    Ok(if head != prev || anchored < distinct.len() {
        ChainCheck::Truncated
    } else {
        ChainCheck::Intact { rows }
    })
}

#[derive(sqlx::FromRow)]
struct ChainRow {
    id: i64,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor_role: Option<String>,
    action: String,
    object: String,
    result: String,
    detail: String,
    ip: Option<String>,
    prev_hash: String,
    hash: String,
    keyed: bool,
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
               FROM audit_event WHERE action LIKE $1 ORDER BY at DESC, id DESC LIMIT CAST($2 AS BIGINT) OFFSET $3";
    let pattern = format!("{action_prefix}%");
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(pattern).bind(limit).bind(offset)
        .fetch_all(p).await)?,
    )
}
