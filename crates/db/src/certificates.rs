//! 证书 rows: numbering, the certificates themselves and their public verification.

use chrono::{DateTime, NaiveDate, Utc};

use zc_domain::certificate::{CertificateSource, CertificateStatus};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// Takes the next sequence number of an office and year inside `tx`. The upsert takes the
/// row lock (PostgreSQL) or the write lock (SQLite), so two issuances at the same moment
/// get different numbers, and a number once taken is never handed out again.
pub async fn next_seq(tx: &mut Tx, office_id: i64, year: i32) -> DbResult<i64> {
    let sql = "INSERT INTO certificate_sequence (office_id, year, next_seq) VALUES ($1, $2, 1) \
               ON CONFLICT (office_id, year) DO UPDATE SET next_seq = certificate_sequence.next_seq + 1 \
               RETURNING next_seq";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(office_id).bind(year)
        .fetch_one(&mut **c).await)?,
    )
}

/// A certificate to write.
#[derive(Debug, Clone)]
pub struct NewCertificate<'a> {
    pub number: &'a str,
    pub office_id: i64,
    pub year: i32,
    pub seq: i64,
    pub application_id: Option<i64>,
    pub holder_id: i64,
    pub holder_name: &'a str,
    pub id_number_masked: &'a str,
    pub unit_name: &'a str,
    pub series_name: &'a str,
    pub level_rank: i32,
    pub title_name: &'a str,
    pub committee_name: &'a str,
    pub way: &'a str,
    pub doc_number: &'a str,
    pub issued_on: NaiveDate,
    pub token: &'a str,
    /// 重新确认: the certificate issued elsewhere that this one confirms.
    pub original_ref: Option<&'a str>,
    pub source: CertificateSource,
    /// 证书签章 — the signed text for offline checks (`None` leaves it to the start-up sweep).
    pub seal: Option<&'a str>,
}

/// Writes a certificate inside `tx`; its id.
pub async fn insert(tx: &mut Tx, c: &NewCertificate<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO certificate (number, office_id, year, seq, application_id, holder_id, \
               holder_name, id_number_masked, unit_name, series_name, level_rank, title_name, \
               committee_name, way, doc_number, issued_on, status, token, view_count, created_at, \
               original_ref, source, seal) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
               'valid', $17, 0, $18, $19, $20, $21) RETURNING id";
    Ok(
        with_tx!(tx, c2 => sqlx::query_scalar(sql).bind(c.number).bind(c.office_id).bind(c.year)
        .bind(c.seq).bind(c.application_id).bind(c.holder_id).bind(c.holder_name)
        .bind(c.id_number_masked).bind(c.unit_name).bind(c.series_name).bind(c.level_rank)
        .bind(c.title_name).bind(c.committee_name).bind(c.way).bind(c.doc_number)
        .bind(c.issued_on).bind(c.token).bind(tx.clock.now()).bind(c.original_ref).bind(c.source.code()).bind(c.seal)
        .fetch_one(&mut **c2).await)?,
    )
}

/// A certificate.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CertificateRow {
    pub id: i64,
    pub number: String,
    pub office_id: i64,
    pub application_id: Option<i64>,
    pub holder_id: i64,
    pub holder_name: String,
    pub id_number_masked: String,
    pub unit_name: String,
    pub series_name: String,
    pub level_rank: i32,
    pub title_name: String,
    pub committee_name: String,
    pub way: String,
    pub doc_number: String,
    pub issued_on: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: CertificateStatus,
    pub token: String,
    pub view_count: i64,
    /// 重新确认: the certificate issued elsewhere that this one confirms.
    pub original_ref: Option<String>,
    /// 遗失补办: the number of the certificate that replaced this voided one.
    pub replaced_by: Option<String>,
    /// 新发 or 审验归集.
    #[sqlx(try_from = "String")]
    pub source: CertificateSource,
    /// 证书签章 — `None` only between the migration and the next start.
    pub seal: Option<String>,
}

const COLUMNS: &str = "id, number, office_id, application_id, holder_id, holder_name, \
    id_number_masked, unit_name, series_name, level_rank, title_name, committee_name, way, \
    doc_number, issued_on, status, token, view_count, original_ref, replaced_by, source, seal";

/// One certificate by id.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<CertificateRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM certificate WHERE id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// The certificate with this number and holder name (both must match).
pub async fn by_number_and_name(
    db: &Db,
    number: &str,
    name: &str,
) -> DbResult<Option<CertificateRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificate WHERE number = $1 AND holder_name = $2"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(number).bind(name).fetch_optional(p).await)?)
}

/// The certificate with this number, read inside `tx` (遗失补办 voids it there).
pub async fn by_number_in(tx: &mut Tx, number: &str) -> DbResult<Option<CertificateRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificate WHERE number = $1"
    ));
    Ok(with_tx!(tx, c => sqlx::query_as(sql).bind(number).fetch_optional(&mut **c).await)?)
}

/// The certificate with this number.
pub async fn by_number(db: &Db, number: &str) -> DbResult<Option<CertificateRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificate WHERE number = $1"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(number).fetch_optional(p).await)?)
}

/// Records inside `tx` the certificate that replaced a voided one.
pub async fn set_replaced_by(tx: &mut Tx, id: i64, number: &str) -> DbResult<()> {
    with_tx!(tx, c => sqlx::query("UPDATE certificate SET replaced_by = $2 WHERE id = $1")
        .bind(id).bind(number).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The certificate a QR token points to.
pub async fn by_token(db: &Db, token: &str) -> DbResult<Option<CertificateRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificate WHERE token = $1"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(token).fetch_optional(p).await)?)
}

/// A holder's certificates, newest first.
pub async fn of_holder(db: &Db, holder_id: i64) -> DbResult<Vec<CertificateRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificate WHERE holder_id = $1 ORDER BY issued_on DESC, id DESC"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(holder_id).fetch_all(p).await)?)
}

/// Counts one public view inside `tx`.
pub async fn record_view(tx: &mut Tx, id: i64, channel: &str) -> DbResult<()> {
    with_tx!(tx, c => sqlx::query("UPDATE certificate SET view_count = view_count + 1 WHERE id = $1")
        .bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    with_tx!(tx, c => sqlx::query("INSERT INTO certificate_view (certificate_id, channel, viewed_at) VALUES ($1, $2, $3)")
        .bind(id).bind(channel).bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The latest views of a certificate.
pub async fn views(db: &Db, id: i64, limit: i64) -> DbResult<Vec<(String, DateTime<Utc>)>> {
    let sql = "SELECT channel, viewed_at FROM certificate_view WHERE certificate_id = $1 \
               ORDER BY id DESC LIMIT CAST($2 AS BIGINT)";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).bind(limit).fetch_all(p).await)?)
}

/// Sets a certificate's status inside `tx` (作废 or 撤销); false when it was not valid.
pub async fn set_status(tx: &mut Tx, id: i64, to: CertificateStatus) -> DbResult<bool> {
    let n = with_tx!(tx, c => sqlx::query("UPDATE certificate SET status = $2 WHERE id = $1 AND status = 'valid'")
        .bind(id).bind(to.code()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The certificates an office issued, newest first, paged.
pub async fn of_office(
    db: &Db,
    office_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<CertificateRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificate WHERE office_id = $1 ORDER BY id DESC LIMIT CAST($2 AS BIGINT) OFFSET $3"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// How many certificates an office issued.
pub async fn count_of_office(db: &Db, office_id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM certificate WHERE office_id = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(office_id).fetch_one(p).await)?)
}

/// Certificates not yet sealed (issued before sealing existed), with their office's name.
pub async fn unsealed(db: &Db, limit: i64) -> DbResult<Vec<(CertificateRow, String)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM certificate WHERE seal IS NULL ORDER BY id LIMIT CAST($1 AS BIGINT)"
    ));
    let rows: Vec<CertificateRow> =
        with_pool!(db, p => sqlx::query_as(sql).bind(limit).fetch_all(p).await)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let office = crate::reference::org_name(db, "office", r.office_id)
            .await?
            .unwrap_or_default();
        out.push((r, office));
    }
    Ok(out)
}

/// Stores the seal of a certificate that had none inside `tx`.
pub async fn set_seal(tx: &mut Tx, id: i64, seal: &str) -> DbResult<()> {
    with_tx!(tx, c => sqlx::query("UPDATE certificate SET seal = $2 WHERE id = $1 AND seal IS NULL")
        .bind(id).bind(seal).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
