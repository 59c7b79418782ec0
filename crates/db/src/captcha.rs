//! Stored image captchas.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, with_pool};

/// Stores a captcha.
pub async fn insert(
    db: &Db,
    id: &str,
    answer: &str,
    png: &[u8],
    expires_at: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO captcha (id, answer, png, expires_at) VALUES ($1, $2, $3, $4)";
    with_pool!(db, p => sqlx::query(sql).bind(id).bind(answer).bind(png).bind(expires_at)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The image of a live captcha.
pub async fn png(db: &Db, id: &str) -> DbResult<Option<Vec<u8>>> {
    let sql = "SELECT png FROM captcha WHERE id = $1 AND expires_at > $2";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(id).bind(db.now()).fetch_optional(p).await)?,
    )
}

/// Removes a captcha and returns its answer if it had not expired: a captcha is checked once.
pub async fn take(db: &Db, id: &str) -> DbResult<Option<String>> {
    let sql = "DELETE FROM captcha WHERE id = $1 RETURNING answer, expires_at";
    let row: Option<(String, DateTime<Utc>)> =
        with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?;
    Ok(row.filter(|(_, exp)| *exp > db.now()).map(|(a, _)| a))
}

/// Deletes expired captchas.
pub async fn sweep(db: &Db) -> DbResult<u64> {
    let sql = "DELETE FROM captcha WHERE expires_at <= $1";
    Ok(
        with_pool!(db, p => sqlx::query(sql).bind(db.now()).execute(p).await.map(|r| r.rows_affected()))?,
    )
}
