//! 意见建议 rows: what people tell an office, and the office's replies.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A piece of feedback as listed and read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedbackRow {
    pub id: i64,
    pub account_id: i64,
    pub office_id: i64,
    pub office_name: String,
    pub author_name: String,
    pub category: String,
    pub body: String,
    pub contact_sealed: Option<String>,
    pub contact_masked: String,
    pub picture_key: Option<String>,
    pub status: String,
    pub reply: String,
    pub replied_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "f.id, f.account_id, f.office_id, o.name AS office_name, \
    a.display_name AS author_name, f.category, f.body, f.contact_sealed, f.contact_masked, \
    f.picture_key, f.status, f.reply, f.replied_at, f.created_at \
    FROM feedback f JOIN office o ON o.id = f.office_id JOIN account a ON a.id = f.account_id";

/// New feedback.
#[derive(Debug, Clone)]
pub struct NewFeedback<'a> {
    pub account_id: i64,
    pub office_id: i64,
    pub category: &'a str,
    pub body: &'a str,
    pub contact_sealed: Option<String>,
    pub contact_masked: String,
    pub picture_key: Option<&'a str>,
}

/// Stores new feedback (待回复) inside `tx`; its id.
pub async fn insert(tx: &mut Tx, f: &NewFeedback<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO feedback (account_id, office_id, category, body, contact_sealed, \
               contact_masked, picture_key, status, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(f.account_id).bind(f.office_id)
        .bind(f.category).bind(f.body).bind(&f.contact_sealed).bind(&f.contact_masked)
        .bind(f.picture_key).bind(tx.clock.now()).fetch_one(&mut **c).await)?,
    )
}

/// One piece of feedback.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<FeedbackRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} WHERE f.id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// A person's own feedback, newest first.
pub async fn of_account(
    db: &Db,
    account_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<FeedbackRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE f.account_id = $1 ORDER BY f.id DESC LIMIT CAST($2 AS BIGINT) OFFSET $3"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(account_id).bind(limit).bind(offset)
        .fetch_all(p).await)?,
    )
}

/// How many pieces of feedback a person sent.
pub async fn count_of_account(db: &Db, account_id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM feedback WHERE account_id = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(account_id).fetch_one(p).await)?)
}

/// An office's feedback, oldest open first when `status` is `open`, otherwise newest
/// first; `status` and `category` empty mean all.
pub async fn of_office(
    db: &Db,
    office_id: i64,
    status: &str,
    category: &str,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<FeedbackRow>> {
    let order = if status == "open" { "ASC" } else { "DESC" };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} WHERE f.office_id = $1 AND ($2 = '' OR f.status = $2) \
         AND ($3 = '' OR f.category = $3) ORDER BY f.id {order} LIMIT CAST($4 AS BIGINT) OFFSET $5"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(status).bind(category)
        .bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// How many pieces of feedback an office holds under the same filter.
pub async fn count_of_office(
    db: &Db,
    office_id: i64,
    status: &str,
    category: &str,
) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM feedback WHERE office_id = $1 AND ($2 = '' OR status = $2) \
               AND ($3 = '' OR category = $3)";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(office_id).bind(status).bind(category)
        .fetch_one(p).await)?,
    )
}

/// Records the office's reply inside `tx`, if the feedback is the office's and still
/// open; whether it was.
pub async fn reply(tx: &mut Tx, id: i64, office_id: i64, reply: &str, by: i64) -> DbResult<bool> {
    let sql = "UPDATE feedback SET status = 'answered', reply = $3, replied_by = $4, \
               replied_at = $5 WHERE id = $1 AND office_id = $2 AND status = 'open'";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(office_id).bind(reply).bind(by)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// How many pieces of feedback a person sent since `since` (the daily limit).
pub async fn count_since(db: &Db, account_id: i64, since: DateTime<Utc>) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM feedback WHERE account_id = $1 AND created_at >= $2";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(account_id).bind(since).fetch_one(p).await)?,
    )
}
