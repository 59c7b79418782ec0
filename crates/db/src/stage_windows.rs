//! 阶段时间 rows: the windows of a plan's review stages and the dossiers reopened past them.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// The window of a stage for the plan of a committee and year, if one is set.
pub async fn window(
    db: &Db,
    committee_id: i64,
    year: i32,
    stage: &str,
) -> DbResult<Option<(DateTime<Utc>, DateTime<Utc>)>> {
    let sql = "SELECT w.opens_at, w.closes_at FROM stage_window w \
               JOIN review_plan p ON p.id = w.plan_id \
               WHERE p.committee_id = $1 AND p.year = $2 AND w.stage = $3";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(committee_id).bind(year).bind(stage)
        .fetch_optional(p).await)?,
    )
}

/// A plan of an office's committees, with its stage windows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlanWindow {
    pub plan_id: i64,
    pub committee_name: String,
    pub year: i32,
    pub stage: Option<String>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

/// The plans of the committees an office runs, each with its windows (one line per window,
/// or one line without a window).
pub async fn plans_of_office(db: &Db, office_id: i64) -> DbResult<Vec<PlanWindow>> {
    let sql = "SELECT p.id AS plan_id, c.name AS committee_name, p.year, w.stage, w.opens_at, w.closes_at \
               FROM review_plan p JOIN committee c ON c.id = p.committee_id \
               LEFT JOIN stage_window w ON w.plan_id = p.id \
               WHERE c.office_id = $1 ORDER BY p.year DESC, c.id, w.stage";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(office_id).fetch_all(p).await)?)
}

/// Whether a plan belongs to a committee of this office.
pub async fn plan_of_office(db: &Db, plan_id: i64, office_id: i64) -> DbResult<bool> {
    let sql = "SELECT COUNT(*) FROM review_plan p JOIN committee c ON c.id = p.committee_id \
               WHERE p.id = $1 AND c.office_id = $2";
    let n: i64 = with_pool!(db, p => sqlx::query_scalar(sql).bind(plan_id).bind(office_id).fetch_one(p).await)?;
    Ok(n > 0)
}

/// Sets (or moves) a stage window inside `tx`.
pub async fn put_window(
    tx: &mut Tx,
    plan_id: i64,
    stage: &str,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
) -> DbResult<()> {
    let sql = "INSERT INTO stage_window (plan_id, stage, opens_at, closes_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (plan_id, stage) DO UPDATE SET opens_at = excluded.opens_at, \
               closes_at = excluded.closes_at";
    with_tx!(tx, c => sqlx::query(sql).bind(plan_id).bind(stage).bind(opens_at).bind(closes_at)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a reopening inside `tx`.
pub async fn insert_reopening(
    tx: &mut Tx,
    application_id: i64,
    stage: &str,
    reason: &str,
    until_at: DateTime<Utc>,
    reopened_by: i64,
) -> DbResult<()> {
    let sql = "INSERT INTO stage_reopening (application_id, stage, reason, until_at, reopened_by, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6)";
    with_tx!(tx, c => sqlx::query(sql).bind(application_id).bind(stage).bind(reason)
        .bind(until_at).bind(reopened_by).bind(tx.clock.now()).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The latest end of a reopening of this dossier's stage.
pub async fn reopened_until(
    db: &Db,
    application_id: i64,
    stage: &str,
) -> DbResult<Option<DateTime<Utc>>> {
    let sql = "SELECT until_at FROM stage_reopening WHERE application_id = $1 AND stage = $2 \
               ORDER BY until_at DESC LIMIT 1";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(application_id).bind(stage)
        .fetch_optional(p).await)?,
    )
}

/// A reopening as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReopeningRow {
    pub application_id: i64,
    pub stage: String,
    pub reason: String,
    pub until_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// The latest reopenings of dossiers addressed to an office.
pub async fn reopenings_of_office(
    db: &Db,
    office_id: i64,
    limit: i64,
) -> DbResult<Vec<ReopeningRow>> {
    let sql = "SELECT r.application_id, r.stage, r.reason, r.until_at, r.created_at \
               FROM stage_reopening r JOIN application a ON a.id = r.application_id \
               WHERE a.office_id = $1 ORDER BY r.id DESC LIMIT CAST($2 AS BIGINT)";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(limit).fetch_all(p).await)?)
}
