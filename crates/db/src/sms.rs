//! 短信验证码 and 短信发件箱 rows.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, with_pool};

/// A stored verification code.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SmsCodeRow {
    pub id: i64,
    pub code_hash: String,
    pub attempts: i32,
    pub expires_at: DateTime<Utc>,
    pub consumed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Stores a new code (only its keyed hash).
pub async fn insert_code(
    db: &Db,
    phone_index: &str,
    purpose: &str,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    ip: Option<&str>,
) -> DbResult<i64> {
    let sql = "INSERT INTO sms_code (phone_index, purpose, code_hash, attempts, expires_at, ip, \
               created_at) VALUES ($1, $2, $3, 0, $4, $5, $6) RETURNING id";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(phone_index).bind(purpose).bind(code_hash)
        .bind(expires_at).bind(ip).bind(db.now()).fetch_one(p).await)?,
    )
}

/// The newest code for a phone and purpose.
pub async fn latest_code(
    db: &Db,
    phone_index: &str,
    purpose: &str,
) -> DbResult<Option<SmsCodeRow>> {
    let sql = "SELECT id, code_hash, attempts, expires_at, consumed_at, created_at FROM sms_code \
               WHERE phone_index = $1 AND purpose = $2 ORDER BY created_at DESC, id DESC LIMIT 1";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(phone_index).bind(purpose)
        .fetch_optional(p).await)?,
    )
}

/// When the newest code of any purpose was sent to a phone (for the 60 s resend gap).
pub async fn last_sent_to(db: &Db, phone_index: &str) -> DbResult<Option<DateTime<Utc>>> {
    let sql = "SELECT MAX(created_at) FROM sms_code WHERE phone_index = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(phone_index).fetch_one(p).await)?)
}

/// Codes sent to a phone since `since`.
pub async fn sent_to_since(db: &Db, phone_index: &str, since: DateTime<Utc>) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM sms_code WHERE phone_index = $1 AND created_at > $2";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(phone_index).bind(since).fetch_one(p).await)?,
    )
}

/// Codes requested from an address since `since`.
pub async fn sent_from_since(db: &Db, ip: &str, since: DateTime<Utc>) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM sms_code WHERE ip = $1 AND created_at > $2";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(ip).bind(since).fetch_one(p).await)?)
}

/// Takes one try at a code before it is compared, so that tries sent at the same moment
/// cannot all be compared against the same count: the count after this try, or `None`
/// when `max` tries were already taken.
pub async fn take_attempt(db: &Db, id: i64, max: i32) -> DbResult<Option<i32>> {
    let sql = "UPDATE sms_code SET attempts = attempts + 1 WHERE id = $1 AND attempts < $2 \
               RETURNING attempts";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(id).bind(max).fetch_optional(p).await)?)
}

/// Marks a code used; false when it was already used (so a code works exactly once).
pub async fn consume(db: &Db, id: i64) -> DbResult<bool> {
    let sql = "UPDATE sms_code SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL";
    let n = with_pool!(db, p => sqlx::query(sql).bind(id).bind(db.now()).execute(p).await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A message in the outbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub phone_sealed: String,
    pub phone_masked: String,
    pub template: String,
    pub body: String,
    pub provider: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// A message to record in the outbox.
#[derive(Debug, Clone)]
pub struct NewOutbox<'a> {
    pub phone_sealed: &'a str,
    pub phone_masked: &'a str,
    pub template: &'a str,
    pub body: &'a str,
    pub provider: &'a str,
    pub status: &'a str,
}

/// Records a message.
pub async fn insert_outbox(db: &Db, m: &NewOutbox<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO sms_outbox (phone_sealed, phone_masked, template, body, provider, \
               status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(m.phone_sealed).bind(m.phone_masked)
        .bind(m.template).bind(m.body).bind(m.provider).bind(m.status).bind(db.now())
        .fetch_one(p).await)?,
    )
}

/// Number of messages in the outbox.
pub async fn outbox_count(db: &Db) -> DbResult<i64> {
    Ok(
        with_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM sms_outbox").fetch_one(p).await)?,
    )
}

/// One page of the outbox, newest first.
pub async fn outbox_page(db: &Db, limit: i64, offset: i64) -> DbResult<Vec<OutboxRow>> {
    let sql = "SELECT id, phone_sealed, phone_masked, template, body, provider, status, created_at \
               FROM sms_outbox ORDER BY created_at DESC, id DESC LIMIT CAST($1 AS BIGINT) OFFSET $2";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(limit).bind(offset).fetch_all(p).await)?)
}
