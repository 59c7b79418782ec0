//! 附件 rows: the configured upload slots and the files of an application.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A configured upload slot.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SlotRow {
    pub code: String,
    pub section: String,
    pub label: String,
    pub required: bool,
    pub min_count: i32,
    pub max_count: i32,
    pub max_kb: i32,
    pub max_px: i32,
    /// The shorter side a picture needs at least (0: no minimum).
    pub min_px: i32,
    pub photo: bool,
    pub committee_id: Option<i64>,
}

/// The slots of an application type, a committee's own slots replacing the general
/// ones with the same code.
pub async fn slots(db: &Db, kind: &str, committee_id: Option<i64>) -> DbResult<Vec<SlotRow>> {
    let sql = "SELECT code, section, label, required, min_count, max_count, max_kb, max_px, min_px, photo, \
               committee_id FROM upload_slot WHERE kind = $1 AND (committee_id IS NULL OR committee_id = $2) \
               ORDER BY sort_order, id";
    let rows: Vec<SlotRow> = with_pool!(db, p => sqlx::query_as(sql).bind(kind)
        .bind(committee_id.unwrap_or(0)).fetch_all(p).await)?;
    let mut out: Vec<SlotRow> = Vec::new();
    for row in rows {
        match out.iter_mut().find(|s| s.code == row.code) {
            Some(existing) if row.committee_id.is_some() => *existing = row,
            Some(_) => {}
            None => out.push(row),
        }
    }
    Ok(out)
}

/// A stored file.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileRow {
    pub id: i64,
    pub application_id: i64,
    pub slot: String,
    pub file_key: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub confirmed: bool,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, application_id, slot, file_key, width, height, bytes, confirmed, created_at";

/// Every file of an application, by slot then upload order.
pub async fn for_application(db: &Db, application_id: i64) -> DbResult<Vec<FileRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM application_file WHERE application_id = $1 ORDER BY slot, id"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(application_id).fetch_all(p).await)?)
}

/// One file of an application.
pub async fn find(db: &Db, application_id: i64, id: i64) -> DbResult<Option<FileRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM application_file WHERE application_id = $1 AND id = $2"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(application_id).bind(id).fetch_optional(p).await)?,
    )
}

/// Files in a slot, counted inside `tx` (so two uploads at once cannot pass the limit).
pub async fn count_in(tx: &mut Tx, application_id: i64, slot: &str) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM application_file WHERE application_id = $1 AND slot = $2";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(application_id).bind(slot)
        .fetch_one(&mut **c).await)?,
    )
}

/// A new file.
#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub application_id: i64,
    pub slot: &'a str,
    pub file_key: &'a str,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub confirmed: bool,
}

/// Adds a file inside `tx`.
pub async fn insert(tx: &mut Tx, f: &NewFile<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO application_file (application_id, slot, file_key, width, height, bytes, \
               confirmed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(f.application_id).bind(f.slot)
        .bind(f.file_key).bind(f.width).bind(f.height).bind(f.bytes).bind(f.confirmed)
        .bind(tx.clock.now()).fetch_one(&mut **c).await)?,
    )
}

/// Removes a file row inside `tx`; its key, for removing the file itself.
pub async fn delete(tx: &mut Tx, application_id: i64, id: i64) -> DbResult<Option<String>> {
    let sql =
        "DELETE FROM application_file WHERE application_id = $1 AND id = $2 RETURNING file_key";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(application_id).bind(id)
        .fetch_optional(&mut **c).await)?,
    )
}

/// Replaces a pending photo with its cropped version inside `tx`.
pub async fn confirm_photo(
    tx: &mut Tx,
    application_id: i64,
    id: i64,
    file_key: &str,
    bytes: i64,
) -> DbResult<Option<String>> {
    let old_sql = "SELECT file_key FROM application_file WHERE application_id = $1 AND id = $2 AND NOT confirmed";
    let old: Option<String> = with_tx!(tx, c => sqlx::query_scalar(old_sql).bind(application_id)
        .bind(id).fetch_optional(&mut **c).await)?;
    if old.is_some() {
        let sql = "UPDATE application_file SET file_key = $3, width = 413, height = 579, bytes = $4, \
                   confirmed = TRUE WHERE application_id = $1 AND id = $2";
        with_tx!(tx, c => sqlx::query(sql).bind(application_id).bind(id).bind(file_key).bind(bytes)
            .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    }
    Ok(old)
}
