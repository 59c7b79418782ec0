//! 评审结果公示 rows: the public list of passed results and the objections to them.

use chrono::NaiveDate;

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// Starts a dossier's publicity inside `tx`.
pub async fn insert(
    tx: &mut Tx,
    application_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    published_by: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO result_publicity (application_id, starts_on, ends_on, published_by, created_at) \
               VALUES ($1, $2, $3, $4, $5)";
    with_tx!(tx, c => sqlx::query(sql).bind(application_id).bind(starts_on).bind(ends_on)
        .bind(published_by).bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A result under publicity.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicLine {
    pub application_id: i64,
    pub committee_id: Option<i64>,
    pub applicant_name: String,
    pub unit_name: String,
    pub series_name: String,
    pub level_rank: i32,
    pub title_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
}

const LINES: &str = "SELECT r.application_id, a.committee_id, p.name AS applicant_name, u.name AS unit_name, \
    s.name AS series_name, a.level_rank, a.title_name, r.starts_on, r.ends_on, a.status \
    FROM result_publicity r JOIN application a ON a.id = r.application_id \
    JOIN applicant p ON p.account_id = a.applicant_id JOIN unit u ON u.id = a.unit_id \
    JOIN series s ON s.id = a.series_id";

/// The results under publicity now, paged.
pub async fn current(db: &Db, limit: i64, offset: i64) -> DbResult<Vec<PublicLine>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{LINES} WHERE a.status = 'in_publicity' ORDER BY r.starts_on DESC, r.application_id LIMIT CAST($1 AS BIGINT) OFFSET $2"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(limit).bind(offset).fetch_all(p).await)?)
}

/// How many results are under publicity now. Counted from the published results (a few
/// thousand a year), each looked up by key: a join let SQLite scan every application.
pub async fn current_count(db: &Db) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM result_publicity r WHERE EXISTS (SELECT 1 FROM application a \
               WHERE a.id = r.application_id AND a.status = 'in_publicity')";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).fetch_one(p).await)?)
}

/// One published result.
pub async fn find(db: &Db, application_id: i64) -> DbResult<Option<PublicLine>> {
    let sql = sqlx::AssertSqlSafe(format!("{LINES} WHERE r.application_id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(application_id).fetch_optional(p).await)?)
}

/// A committee's published results, newest first.
pub async fn of_committee(db: &Db, committee_id: i64) -> DbResult<Vec<PublicLine>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{LINES} WHERE a.committee_id = $1 ORDER BY r.starts_on DESC, r.application_id"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(committee_id).fetch_all(p).await)?)
}

/// The results of an office's dossiers under publicity now, oldest first (to post).
pub async fn in_publicity_of_office(db: &Db, office_id: i64) -> DbResult<Vec<PublicLine>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{LINES} WHERE a.office_id = $1 AND a.status = 'in_publicity' ORDER BY r.starts_on, r.application_id"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(office_id).fetch_all(p).await)?)
}

/// Records an objection; its id.
pub async fn insert_objection(
    db: &Db,
    application_id: i64,
    name: &str,
    phone_sealed: &str,
    body: &str,
) -> DbResult<i64> {
    let sql = "INSERT INTO objection (application_id, name, phone_sealed, body, status, created_at) \
               VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(application_id).bind(name).bind(phone_sealed)
        .bind(body).bind(db.now()).fetch_one(p).await)?,
    )
}

/// An objection.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ObjectionRow {
    pub id: i64,
    pub application_id: i64,
    pub name: String,
    pub body: String,
    pub status: String,
    pub resolution: Option<String>,
}

/// The objections to a committee's results, open ones first.
pub async fn objections_of_committee(db: &Db, committee_id: i64) -> DbResult<Vec<ObjectionRow>> {
    let sql = "SELECT o.id, o.application_id, o.name, o.body, o.status, o.resolution FROM objection o \
               JOIN application a ON a.id = o.application_id WHERE a.committee_id = $1 \
               ORDER BY CASE WHEN o.status = 'open' THEN 0 ELSE 1 END, o.id DESC";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(committee_id).fetch_all(p).await)?)
}

/// One objection.
pub async fn objection(db: &Db, id: i64) -> DbResult<Option<ObjectionRow>> {
    let sql =
        "SELECT id, application_id, name, body, status, resolution FROM objection WHERE id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// How many objections to a dossier are still open.
pub async fn open_objections(db: &Db, application_id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM objection WHERE application_id = $1 AND status = 'open'";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(application_id).fetch_one(p).await)?)
}

/// Resolves an open objection inside `tx`; false when it was not open.
pub async fn resolve(
    tx: &mut Tx,
    id: i64,
    status: &str,
    resolution: &str,
    by: i64,
) -> DbResult<bool> {
    let sql = "UPDATE objection SET status = $2, resolution = $3, resolved_by = $4, resolved_at = $5 \
               WHERE id = $1 AND status = 'open'";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(status).bind(resolution).bind(by)
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
