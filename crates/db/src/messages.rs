//! 消息中心 rows.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, memo::Forget, with_pool, with_tx};

/// Adds a message inside `tx`.
pub async fn insert_in(
    tx: &mut Tx,
    account_id: i64,
    title: &str,
    body: &str,
    link: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO message (account_id, title, body, link, created_at) VALUES ($1, $2, $3, $4, $5)";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(title).bind(body).bind(link)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    tx.forget_on_commit(Forget::Unread(account_id)).await
}

/// A message as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub link: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A person's messages, newest first, paged.
pub async fn page(db: &Db, account_id: i64, limit: i64, offset: i64) -> DbResult<Vec<MessageRow>> {
    let sql = "SELECT id, title, body, link, read_at, created_at FROM message WHERE account_id = $1 \
               ORDER BY id DESC LIMIT CAST($2 AS BIGINT) OFFSET $3";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(account_id).bind(limit).bind(offset)
        .fetch_all(p).await)?,
    )
}

/// How many messages a person has.
pub async fn count(db: &Db, account_id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM message WHERE account_id = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(account_id).fetch_one(p).await)?)
}

/// How many are unread; shown on every signed-in page, so served from the server's memory
/// when it holds the count (every change to it announces itself).
pub async fn unread(db: &Db, account_id: i64) -> DbResult<i64> {
    let memo = db.memo();
    if let Some(n) = memo.unread(account_id) {
        return Ok(n);
    }
    let ticket = memo.ticket();
    let sql = "SELECT COUNT(*) FROM message WHERE account_id = $1 AND read_at IS NULL";
    let n = with_pool!(db, p => sqlx::query_scalar(sql).bind(account_id).fetch_one(p).await)?;
    if let Some(ticket) = ticket {
        memo.keep_unread(ticket, account_id, n);
    }
    Ok(n)
}

/// Marks every message of a person read.
pub async fn mark_all_read(db: &Db, account_id: i64) -> DbResult<()> {
    let sql = "UPDATE message SET read_at = $2 WHERE account_id = $1 AND read_at IS NULL";
    with_pool!(db, p => sqlx::query(sql).bind(account_id).bind(db.now()).execute(p).await
        .map(|r| r.rows_affected()))?;
    db.announce(Forget::Unread(account_id)).await
}

/// Active staff accounts of an organisation with one of `roles`.
pub async fn staff_of(
    conn: impl Into<crate::Conn<'_>>,
    org_kind: &str,
    org_id: i64,
    roles: &[&str],
) -> DbResult<Vec<i64>> {
    let sql = "SELECT id, role FROM account WHERE org_kind = $1 AND org_id = $2 AND NOT disabled";
    let rows: Vec<(i64, String)> = crate::with_conn!(conn, p => sqlx::query_as(sql).bind(org_kind).bind(org_id).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .filter(|(_, r)| roles.contains(&r.as_str()))
        .map(|(id, _)| id)
        .collect())
}
