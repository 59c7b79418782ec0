//! 评审计划 rows: a committee's plan for a year.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub committee_id: i64,
    pub year: i32,
    pub apply_from: DateTime<Utc>,
    pub apply_until: DateTime<Utc>,
    pub specialties: String,
    pub charges_online: bool,
    /// Ranks accepted, comma-separated; empty for all of the committee's.
    pub levels: String,
}

const SELECT: &str = "SELECT id, committee_id, year, apply_from, apply_until, specialties, \
                      charges_online, levels FROM review_plan";

/// A committee's plans, newest year first.
pub async fn of_committee(db: &Db, committee_id: i64) -> DbResult<Vec<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE committee_id = $1 ORDER BY year DESC"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(committee_id).fetch_all(p).await)?)
}

/// The plan of a committee for a year.
pub async fn for_year(
    conn: impl Into<crate::Conn<'_>>,
    committee_id: i64,
    year: i32,
) -> DbResult<Option<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE committee_id = $1 AND year = $2"));
    Ok(
        crate::with_conn!(conn, p => sqlx::query_as(sql).bind(committee_id).bind(year).fetch_optional(p).await)?,
    )
}

/// A plan by id.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// A plan to save.
#[derive(Debug, Clone)]
pub struct PlanFields<'a> {
    pub committee_id: i64,
    pub year: i32,
    pub apply_from: DateTime<Utc>,
    pub apply_until: DateTime<Utc>,
    pub specialties: &'a str,
    pub charges_online: bool,
    pub levels: &'a str,
}

/// Creates or updates the committee's plan for the year inside `tx`; its id.
pub async fn upsert(tx: &mut Tx, f: &PlanFields<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO review_plan (committee_id, year, apply_from, apply_until, specialties, \
               charges_online, created_at, levels) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
               ON CONFLICT (committee_id, year) DO UPDATE SET apply_from = excluded.apply_from, \
               apply_until = excluded.apply_until, specialties = excluded.specialties, \
               charges_online = excluded.charges_online, levels = excluded.levels RETURNING id";
    let id = with_tx!(tx, c => sqlx::query_scalar(sql).bind(f.committee_id).bind(f.year)
        .bind(f.apply_from).bind(f.apply_until).bind(f.specialties).bind(f.charges_online)
        .bind(tx.clock.now()).bind(f.levels).fetch_one(&mut **c).await)?;
    // Every home showing a deadline of this window shows the new one.
    tx.forget_on_commit(crate::memo::Forget::Homes).await?;
    Ok(id)
}
