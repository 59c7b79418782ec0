//! 评审专家库 rows.

use chrono::NaiveDate;

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A new membership of the pool.
#[derive(Debug, Clone)]
pub struct NewExpert<'a> {
    pub account_id: i64,
    pub series_id: i64,
    pub specialty: &'a str,
    pub title_name: &'a str,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
    pub granted_by: Option<i64>,
}

/// Grants (or renews) membership inside `tx`.
pub async fn upsert(tx: &mut Tx, e: &NewExpert<'_>) -> DbResult<()> {
    let sql = "INSERT INTO expert (account_id, series_id, specialty, title_name, term_start, \
               term_end, granted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
               ON CONFLICT (account_id) DO UPDATE SET series_id = excluded.series_id, \
               specialty = excluded.specialty, title_name = excluded.title_name, \
               term_start = excluded.term_start, term_end = excluded.term_end, \
               granted_by = excluded.granted_by";
    with_tx!(tx, c => sqlx::query(sql).bind(e.account_id).bind(e.series_id).bind(e.specialty)
        .bind(e.title_name).bind(e.term_start).bind(e.term_end).bind(e.granted_by).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    // The home page names the person's membership.
    tx.forget_on_commit(crate::memo::Forget::Home(e.account_id))
        .await
}

/// A member of the pool as they see themselves.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExpertRow {
    pub account_id: i64,
    pub series_name: String,
    pub specialty: String,
    pub title_name: String,
    pub term_start: NaiveDate,
    pub term_end: NaiveDate,
}

/// The membership of `account_id`, current or not.
pub async fn find(db: &Db, account_id: i64) -> DbResult<Option<ExpertRow>> {
    let sql = "SELECT e.account_id, s.name AS series_name, e.specialty, e.title_name, \
               e.term_start, e.term_end FROM expert e JOIN series s ON s.id = e.series_id \
               WHERE e.account_id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(account_id).fetch_optional(p).await)?)
}
