//! 邮寄 and 领取证书 rows: each office's mailing setting, and how each certificate reaches
//! its holder.

use chrono::{DateTime, Utc};
use zc_domain::delivery::{Address, DeliveryMethod};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// An office's 邮寄 setting.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mailing {
    pub enabled: bool,
    pub postage_fen: i64,
}

/// The office's setting; off when never set.
pub async fn mailing(conn: impl Into<crate::Conn<'_>>, office_id: i64) -> DbResult<Mailing> {
    let sql = "SELECT enabled, postage_fen FROM office_mailing WHERE office_id = $1";
    let found: Option<Mailing> = crate::with_conn!(conn, p => sqlx::query_as(sql).bind(office_id)
        .fetch_optional(p).await)?;
    Ok(found.unwrap_or(Mailing {
        enabled: false,
        postage_fen: 0,
    }))
}

/// Switches an office's mailing on or off inside `tx`.
pub async fn set_mailing(tx: &mut Tx, office_id: i64, m: &Mailing) -> DbResult<()> {
    let sql = "INSERT INTO office_mailing (office_id, enabled, postage_fen, updated_at) \
               VALUES ($1, $2, $3, $4) ON CONFLICT (office_id) DO UPDATE \
               SET enabled = $2, postage_fen = $3, updated_at = $4";
    with_tx!(tx, c => sqlx::query(sql).bind(office_id).bind(m.enabled).bind(m.postage_fen)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A delivery.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub certificate_id: i64,
    pub office_id: i64,
    #[sqlx(try_from = "String")]
    pub method: DeliveryMethod,
    pub recipient: String,
    pub province: String,
    pub city: String,
    pub address: String,
    pub phone: String,
    pub postcode: String,
    pub order_id: Option<i64>,
    /// The postage order's status code, when there is one.
    pub order_status: Option<String>,
    pub tracking_no: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub collected_by: Option<String>,
    pub collected_at: Option<DateTime<Utc>>,
    /// The certificate's number and holder, for the office's lists.
    pub number: String,
    pub holder_name: String,
}

const SELECT: &str = "SELECT d.id, d.certificate_id, d.office_id, d.method, d.recipient, d.province, \
    d.city, d.address, d.phone, d.postcode, d.order_id, o.status AS order_status, d.tracking_no, \
    d.sent_at, d.collected_by, d.collected_at, c.number, c.holder_name \
    FROM certificate_delivery d JOIN certificate c ON c.id = d.certificate_id \
    LEFT JOIN payment_order o ON o.id = d.order_id";

/// How a certificate reaches its holder, once chosen.
pub async fn of_certificate(
    conn: impl Into<crate::Conn<'_>>,
    certificate_id: i64,
) -> DbResult<Option<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE d.certificate_id = $1"));
    Ok(
        crate::with_conn!(conn, p => sqlx::query_as(sql).bind(certificate_id).fetch_optional(p).await)?,
    )
}

/// One delivery of an office.
pub async fn of_office(db: &Db, office_id: i64, id: i64) -> DbResult<Option<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE d.id = $1 AND d.office_id = $2"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).bind(office_id).fetch_optional(p).await)?)
}

/// An office's certificates to mail, newest first, paged.
pub async fn mail_list(
    db: &Db,
    office_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE d.office_id = $1 AND d.method = 'mail' ORDER BY d.id DESC \
         LIMIT CAST($2 AS BIGINT) OFFSET $3"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// How many certificates an office mails.
pub async fn mail_count(db: &Db, office_id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM certificate_delivery WHERE office_id = $1 AND method = 'mail'";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(office_id).fetch_one(p).await)?)
}

/// A choice to record.
#[derive(Debug, Clone)]
pub struct Chosen<'a> {
    pub certificate_id: i64,
    pub office_id: i64,
    pub method: DeliveryMethod,
    pub address: &'a Address,
    pub order_id: Option<i64>,
}

/// Records (or changes) how a certificate reaches its holder, inside `tx`.
pub async fn choose(tx: &mut Tx, c: &Chosen<'_>) -> DbResult<()> {
    let sql = "INSERT INTO certificate_delivery (certificate_id, office_id, method, recipient, \
               province, city, address, phone, postcode, order_id, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
               ON CONFLICT (certificate_id) DO UPDATE SET method = $3, recipient = $4, \
               province = $5, city = $6, address = $7, phone = $8, postcode = $9, order_id = $10, \
               updated_at = $11";
    let a = c.address;
    with_tx!(tx, conn => sqlx::query(sql).bind(c.certificate_id).bind(c.office_id)
        .bind(c.method.code()).bind(&a.recipient).bind(&a.province).bind(&a.city)
        .bind(&a.address).bind(&a.phone).bind(&a.postcode).bind(c.order_id)
        .bind(tx.clock.now()).execute(&mut **conn).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records EMS's tracking number inside `tx`; false when it was sent already.
pub async fn mark_sent(tx: &mut Tx, id: i64, tracking_no: &str) -> DbResult<bool> {
    let sql = "UPDATE certificate_delivery SET tracking_no = $2, sent_at = $3, updated_at = $3 \
               WHERE id = $1 AND sent_at IS NULL";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(tracking_no).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records who collected the certificate inside `tx` (the row is made when the holder
/// never chose: 现场领取 is the default); false when it was collected already.
pub async fn mark_collected(
    tx: &mut Tx,
    certificate_id: i64,
    office_id: i64,
    collected_by: &str,
) -> DbResult<bool> {
    let now = tx.clock.now();
    let insert = "INSERT INTO certificate_delivery (certificate_id, office_id, method, created_at, \
                  updated_at) VALUES ($1, $2, 'collect', $3, $3) ON CONFLICT (certificate_id) DO NOTHING";
    with_tx!(tx, c => sqlx::query(insert).bind(certificate_id).bind(office_id).bind(now)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    let sql = "UPDATE certificate_delivery SET collected_by = $2, collected_at = $3, updated_at = $3 \
               WHERE certificate_id = $1 AND collected_at IS NULL AND sent_at IS NULL";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(certificate_id).bind(collected_by).bind(now)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
