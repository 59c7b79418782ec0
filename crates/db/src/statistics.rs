//! 统计报表 reads for one 职改办 and year: the kept queue tallies (status × series ×
//! level, no dossier counted), dossiers per unit, submissions per month, and the
//! progress history from which the desks' working days are measured.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, with_pool};

/// What a report covers: an office, a year, and one 申报类型 or all (`kind` empty).
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub office_id: i64,
    pub year: i32,
    pub kind: &'a str,
}

/// Dossiers of one status, series and level (drafts, sent nowhere yet, left out).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TallyRow {
    pub status: String,
    pub series_id: i64,
    pub series_name: String,
    pub level_rank: i32,
    pub n: i64,
}

/// The kept tallies of the office's dossiers.
pub async fn tally(db: &Db, s: Scope<'_>) -> DbResult<Vec<TallyRow>> {
    let sql = "SELECT t.status, t.series_id, se.name AS series_name, t.level_rank, \
               CAST(SUM(t.n) AS BIGINT) AS n FROM queue_tally t JOIN series se ON se.id = t.series_id \
               WHERE t.scope_kind = 'office' AND t.scope_id = $1 AND t.year = $2 \
               AND ($3 = '' OR t.kind = $3) AND t.status NOT IN ('draft', 'deleted') AND t.n > 0 \
               GROUP BY t.status, t.series_id, se.name, se.sort_order, t.level_rank \
               ORDER BY se.sort_order, t.level_rank";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(s.office_id).bind(s.year).bind(s.kind)
        .fetch_all(p).await)?,
    )
}

/// A unit's dossiers: all, passed and failed (by the caller's status lists).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnitRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub total: i64,
    pub passed: i64,
    pub failed: i64,
}

/// `status IN (…)` over literal codes the domain names (never user input).
fn in_list(codes: &[&str]) -> String {
    let quoted: Vec<String> = codes.iter().map(|c| format!("'{c}'")).collect();
    format!("a.status IN ({})", quoted.join(", "))
}

/// Dossiers per unit, most first; `passed` and `failed` are the statuses of each outcome.
pub async fn by_unit(
    db: &Db,
    s: Scope<'_>,
    passed: &[&str],
    failed: &[&str],
    limit: i64,
    offset: i64,
) -> DbResult<Vec<UnitRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT a.unit_id, u.name AS unit_name, COUNT(*) AS total, \
         SUM(CASE WHEN {} THEN 1 ELSE 0 END) AS passed, \
         SUM(CASE WHEN {} THEN 1 ELSE 0 END) AS failed \
         FROM application a JOIN unit u ON u.id = a.unit_id \
         WHERE a.office_id = $1 AND a.year = $2 AND ($3 = '' OR a.kind = $3) \
         AND a.status NOT IN ('draft', 'deleted') \
         GROUP BY a.unit_id, u.name ORDER BY COUNT(*) DESC, a.unit_id LIMIT CAST($4 AS BIGINT) OFFSET $5",
        in_list(passed),
        in_list(failed)
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(s.office_id).bind(s.year).bind(s.kind)
        .bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// How many units sent the office dossiers.
pub async fn unit_count(db: &Db, s: Scope<'_>) -> DbResult<i64> {
    let sql = "SELECT COUNT(DISTINCT a.unit_id) FROM application a WHERE a.office_id = $1 \
               AND a.year = $2 AND ($3 = '' OR a.kind = $3) \
               AND a.status NOT IN ('draft', 'deleted')";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(s.office_id).bind(s.year).bind(s.kind)
        .fetch_one(p).await)?,
    )
}

/// Dossiers whose (latest) submission falls in each period `[bounds[i], bounds[i + 1])`,
/// counted in one pass over the office's year.
pub async fn submitted_between(
    db: &Db,
    s: Scope<'_>,
    bounds: &[DateTime<Utc>],
) -> DbResult<Vec<i64>> {
    let periods = bounds.len().saturating_sub(1);
    if periods == 0 {
        return Ok(Vec::new());
    }
    // Placeholders $4.. hold the bounds; each period is a sum over the same rows.
    let sums: Vec<String> = (0..periods)
        .map(|i| {
            format!(
                "CAST(COALESCE(SUM(CASE WHEN a.submitted_at >= ${} AND a.submitted_at < ${} \
                 THEN 1 ELSE 0 END), 0) AS BIGINT)",
                i + 4,
                i + 5
            )
        })
        .collect();
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM application a WHERE a.office_id = $1 AND a.year = $2 \
         AND ($3 = '' OR a.kind = $3) AND a.submitted_at IS NOT NULL",
        sums.join(", ")
    ));
    let counts: Vec<i64> = with_pool!(db, p => {
        let mut q = sqlx::query(sql).bind(s.office_id).bind(s.year).bind(s.kind);
        for b in bounds {
            q = q.bind(*b);
        }
        q.fetch_one(p).await.map(|row| {
            use sqlx::Row;
            (0..periods).map(|i| row.get::<i64, _>(i)).collect()
        })
    })?;
    Ok(counts)
}

/// A line of a dossier's history, for the desks' working days.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StepRow {
    pub application_id: i64,
    pub at: DateTime<Utc>,
    pub from_status: String,
    pub to_status: String,
}

/// Every history line of the office's dossiers, per dossier in order.
pub async fn steps(db: &Db, s: Scope<'_>) -> DbResult<Vec<StepRow>> {
    let sql = "SELECT e.application_id, e.at, e.from_status, e.to_status \
               FROM application_event e JOIN application a ON a.id = e.application_id \
               WHERE a.office_id = $1 AND a.year = $2 AND ($3 = '' OR a.kind = $3) \
               ORDER BY e.application_id, e.id";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(s.office_id).bind(s.year).bind(s.kind)
        .fetch_all(p).await)?,
    )
}
