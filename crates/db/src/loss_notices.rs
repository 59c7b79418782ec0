//! 遗失公示 rows: the public notices that declare lost certificates void (遗失补办).

use chrono::NaiveDate;

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A notice to publish.
#[derive(Debug, Clone)]
pub struct NewNotice<'a> {
    pub application_id: i64,
    pub holder_masked: &'a str,
    pub cert_number: &'a str,
    pub title_name: &'a str,
    pub issuer: &'a str,
    pub obtained: &'a str,
    pub certificate_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Publishes a notice inside `tx`; false when the application already has one (a second
/// confirmation changes nothing).
pub async fn insert(tx: &mut Tx, n: &NewNotice<'_>) -> DbResult<bool> {
    let sql = "INSERT INTO loss_notice (application_id, holder_masked, cert_number, title_name, \
               issuer, obtained, certificate_id, starts_on, ends_on, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
               ON CONFLICT (application_id) DO NOTHING";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(n.application_id).bind(n.holder_masked)
        .bind(n.cert_number).bind(n.title_name).bind(n.issuer).bind(n.obtained)
        .bind(n.certificate_id).bind(n.starts_on).bind(n.ends_on).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A published notice.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub application_id: i64,
    /// The holder's name, masked as every public page masks it.
    pub holder_masked: String,
    pub cert_number: String,
    pub title_name: String,
    pub issuer: String,
    pub obtained: String,
    pub certificate_id: Option<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

const COLUMNS: &str = "id, application_id, holder_masked, cert_number, title_name, issuer, \
    obtained, certificate_id, starts_on, ends_on";

/// The notice of an application, if it was confirmed.
pub async fn of_application(db: &Db, application_id: i64) -> DbResult<Option<NoticeRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM loss_notice WHERE application_id = $1"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(application_id).fetch_optional(p).await)?)
}

/// The notices running on `today`, newest first, paged.
pub async fn running(
    db: &Db,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<NoticeRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM loss_notice WHERE ends_on >= $1 AND starts_on <= $1 \
         ORDER BY starts_on DESC, id DESC LIMIT CAST($2 AS BIGINT) OFFSET $3"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(today).bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// How many notices run on `today`.
pub async fn running_count(db: &Db, today: NaiveDate) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM loss_notice WHERE ends_on >= $1 AND starts_on <= $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(today).fetch_one(p).await)?)
}

/// The notice that voided a certificate of ours, if any.
pub async fn of_certificate(db: &Db, certificate_id: i64) -> DbResult<Option<NoticeRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM loss_notice WHERE certificate_id = $1 ORDER BY id DESC LIMIT 1"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(certificate_id).fetch_optional(p).await)?)
}
