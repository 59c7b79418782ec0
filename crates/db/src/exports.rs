//! 导出文件 rows: exports staff asked for, written later by the job queue.

use chrono::{DateTime, Utc};

use zc_domain::export_status::ExportStatus;

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// An export as listed to the person who asked for it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    pub title: String,
    pub request: String,
    #[sqlx(try_from = "String")]
    pub status: ExportStatus,
    pub row_count: Option<i64>,
    pub file_key: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, account_id, kind, title, request, status, row_count, file_key, \
                       error, created_at, finished_at, expires_at";

/// Records a requested export inside `tx`; its id.
pub async fn insert(
    tx: &mut Tx,
    account_id: i64,
    kind: &str,
    title: &str,
    request: &str,
    expires_at: DateTime<Utc>,
) -> DbResult<i64> {
    let sql = "INSERT INTO export_file (account_id, kind, title, request, status, created_at, expires_at) \
               VALUES ($1, $2, $3, $4, 'pending', $5, $6) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(account_id).bind(kind).bind(title)
        .bind(request).bind(tx.clock.now()).bind(expires_at).fetch_one(&mut **c).await)?,
    )
}

/// One export.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<ExportRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM export_file WHERE id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// A person's exports, newest first.
pub async fn for_account(db: &Db, account_id: i64, limit: i64) -> DbResult<Vec<ExportRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM export_file WHERE account_id = $1 ORDER BY id DESC LIMIT CAST($2 AS BIGINT)"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(account_id).bind(limit).fetch_all(p).await)?)
}

/// Marks an export written.
pub async fn mark_ready(db: &Db, id: i64, file_key: &str, rows: i64) -> DbResult<()> {
    let sql = "UPDATE export_file SET status = 'ready', file_key = $2, row_count = $3, \
               finished_at = $4 WHERE id = $1";
    with_pool!(db, p => sqlx::query(sql).bind(id).bind(file_key).bind(rows).bind(db.now())
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks an export failed, with the reason shown to the person.
pub async fn mark_failed(db: &Db, id: i64, error: &str) -> DbResult<()> {
    let sql =
        "UPDATE export_file SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1";
    with_pool!(db, p => sqlx::query(sql).bind(id).bind(error).bind(db.now()).execute(p).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
