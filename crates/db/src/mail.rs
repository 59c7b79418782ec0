//! 邮件发件箱 and e-mail tokens.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// Records a sent message.
pub async fn insert_outbox(
    db: &Db,
    to: &str,
    subject: &str,
    body: &str,
    provider: &str,
    status: &str,
) -> DbResult<i64> {
    let sql = "INSERT INTO mail_outbox (to_address, subject, body, provider, status, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(to).bind(subject).bind(body).bind(provider)
        .bind(status).bind(db.now()).fetch_one(p).await)?,
    )
}

/// A message in the outbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailRow {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// The newest messages first.
pub async fn outbox_recent(db: &Db, limit: i64) -> DbResult<Vec<MailRow>> {
    let sql = "SELECT id, to_address, subject, body, created_at FROM mail_outbox ORDER BY id DESC LIMIT CAST($1 AS BIGINT)";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(limit).fetch_all(p).await)?)
}

/// Stores a token (its keyed hash).
pub async fn insert_token(
    db: &Db,
    account_id: i64,
    purpose: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO email_token (account_id, purpose, token_hash, expires_at, created_at) \
               VALUES ($1, $2, $3, $4, $5)";
    with_pool!(db, p => sqlx::query(sql).bind(account_id).bind(purpose).bind(token_hash).bind(expires_at)
        .bind(db.now()).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Tokens for `purpose` made for an account since `since`.
pub async fn tokens_since(
    db: &Db,
    account_id: i64,
    purpose: &str,
    since: DateTime<Utc>,
) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM email_token WHERE account_id = $1 AND purpose = $2 \
               AND created_at > $3";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(account_id).bind(purpose).bind(since)
        .fetch_one(p).await)?,
    )
}

/// The account of a live, unused token for `purpose`.
pub async fn token_account(db: &Db, purpose: &str, token_hash: &str) -> DbResult<Option<i64>> {
    let sql = "SELECT account_id FROM email_token WHERE token_hash = $1 AND purpose = $2 \
               AND used_at IS NULL AND expires_at > $3";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(token_hash).bind(purpose).bind(db.now())
        .fetch_optional(p).await)?,
    )
}

/// Uses a token up; false when it was already used or has expired (so it works once).
pub async fn use_token(db: &Db, purpose: &str, token_hash: &str) -> DbResult<bool> {
    let sql = "UPDATE email_token SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 \
               AND used_at IS NULL AND expires_at > $3";
    let n = with_pool!(db, p => sqlx::query(sql).bind(token_hash).bind(purpose).bind(db.now())
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Stores a change-of-e-mail token (its keyed hash) with the address it confirms.
pub async fn insert_email_change_token(
    db: &Db,
    account_id: i64,
    token_hash: &str,
    new_email: &str,
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO email_token (account_id, purpose, token_hash, expires_at, created_at, new_email) \
               VALUES ($1, 'email_change', $2, $3, $4, $5)";
    with_pool!(db, p => sqlx::query(sql).bind(account_id).bind(token_hash).bind(expires_at)
        .bind(db.now()).bind(new_email).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The account and new address of a live change-of-e-mail token.
pub async fn email_change_pending(db: &Db, token_hash: &str) -> DbResult<Option<(i64, String)>> {
    let sql = "SELECT account_id, new_email FROM email_token WHERE token_hash = $1 \
               AND purpose = 'email_change' AND used_at IS NULL AND expires_at > $2 \
               AND new_email IS NOT NULL";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(token_hash).bind(db.now())
        .fetch_optional(p).await)?,
    )
}

/// Uses up a change-of-e-mail token inside `tx`; its account and address, or `None` when
/// it was already used or has expired.
pub async fn take_email_change(tx: &mut Tx, token_hash: &str) -> DbResult<Option<(i64, String)>> {
    let sql = "UPDATE email_token SET used_at = $2 WHERE token_hash = $1 \
               AND purpose = 'email_change' AND used_at IS NULL AND expires_at > $2 \
               AND new_email IS NOT NULL RETURNING account_id, new_email";
    Ok(
        with_tx!(tx, c => sqlx::query_as(sql).bind(token_hash).bind(tx.clock.now())
        .fetch_optional(&mut **c).await)?,
    )
}
