//! 队列计数 — how many dossiers a desk holds: the tabs and the usual filters read the
//! counts that triggers keep in `queue_tally` (migration 0027); a filter that names a
//! person, a unit or dates is counted from the dossiers, but only up to a bound, so no
//! page counts a million rows.

use crate::{
    Db, DbResult,
    review_queue::{FROM, Keyword, QueueFilter, QueueScope, bind_filter, where_clause},
    with_pool,
};

/// How many lines match: exactly, or at least this many when counting further would cost
/// more than the page itself (the filter names a person, a unit or dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueTotal {
    Exact(i64),
    AtLeast(i64),
}

/// How far a count that the kept counts cannot answer goes before it stops.
pub const COUNT_BOUND: i64 = 1000;

impl QueueFilter {
    /// True when the kept counts answer "how many match" exactly: no name, unit-name or
    /// date part, which only the dossiers themselves can tell.
    pub(crate) fn tallied(&self) -> bool {
        self.keyword == Keyword::Any
            && self.unit_name.is_none()
            && self.submitted_from.is_none()
            && self.submitted_before.is_none()
    }
}

/// One kept count: the dossiers of a desk in one status and filter cell.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Tally {
    pub status: String,
    pub year: i32,
    pub kind: String,
    pub series_id: i64,
    pub level_rank: i32,
    /// 0 when the dossiers have no committee.
    pub committee_id: i64,
    pub n: i64,
}

/// Every kept count of a desk: a page reads them once for its tabs and its total.
#[derive(Debug, Clone, Default)]
pub struct DeskCounts(pub Vec<Tally>);

impl DeskCounts {
    /// Dossiers per status (the tabs).
    pub fn by_status(&self) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for t in &self.0 {
            match out.iter_mut().find(|(s, _)| *s == t.status) {
                Some((_, n)) => *n += t.n,
                None => out.push((t.status.clone(), t.n)),
            }
        }
        out
    }

    /// Dossiers matching `filter`, when the counts can tell (no name, unit or dates).
    pub fn matching(&self, filter: &QueueFilter) -> Option<i64> {
        filter.tallied().then(|| {
            self.0
                .iter()
                .filter(|t| {
                    t.status == filter.status
                        && filter.year.is_none_or(|y| t.year == y)
                        && filter.series_id.is_none_or(|s| t.series_id == s)
                        && filter.level_rank.is_none_or(|l| t.level_rank == l)
                        && filter.committee_id.is_none_or(|c| t.committee_id == c)
                        && (filter.kind.is_empty() || t.kind == filter.kind)
                })
                .map(|t| t.n)
                .sum()
        })
    }
}

/// The kept counts of a desk (cells that are not empty).
pub async fn desk_counts(db: &Db, scope: QueueScope) -> DbResult<DeskCounts> {
    let sql = "SELECT status, year, kind, series_id, level_rank, committee_id, n FROM queue_tally \
               WHERE scope_kind = $1 AND scope_id = $2 AND n <> 0";
    Ok(DeskCounts(
        with_pool!(db, p => sqlx::query_as(sql).bind(scope.tally_kind()).bind(scope.id())
        .fetch_all(p).await)?,
    ))
}

/// How many lines match the filter: from the desk's kept counts when they can tell,
/// otherwise counted up to [`COUNT_BOUND`].
pub async fn queue_total(
    db: &Db,
    scope: QueueScope,
    filter: &QueueFilter,
    counts: &DeskCounts,
) -> DbResult<QueueTotal> {
    if let Some(n) = counts.matching(filter) {
        return Ok(QueueTotal::Exact(n));
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM (SELECT 1 {FROM} {} LIMIT CAST($15 AS BIGINT)) AS m",
        where_clause(scope, db.backend())
    ));
    let n: i64 = with_pool!(db, p => bind_filter!(sqlx::query_scalar(sql), scope, filter)
        .bind(COUNT_BOUND + 1).fetch_one(p).await)?;
    Ok(if n > COUNT_BOUND {
        QueueTotal::AtLeast(COUNT_BOUND)
    } else {
        QueueTotal::Exact(n)
    })
}

/// Counts per status in a scope, counted from the dossiers themselves: what the kept
/// counts must always equal (for tests and `verify`-style checks).
pub async fn status_counts_counted(db: &Db, scope: QueueScope) -> DbResult<Vec<(String, i64)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT a.status, COUNT(*) FROM application a JOIN unit u ON u.id = a.unit_id \
         WHERE {} GROUP BY a.status ORDER BY a.status",
        scope.condition()
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(scope.id()).fetch_all(p).await)?)
}

/// The plan the database picks for a page of the queue (the first, or with `after` one
/// reached by 下一页), one line per step, with
/// scans that the index could serve forbidden on PostgreSQL (so a small test database
/// shows the plan a large one gets): for a test that proves the indexes.
pub async fn explain_page(
    db: &Db,
    scope: QueueScope,
    filter: &QueueFilter,
    after: Option<crate::review_queue::After>,
) -> DbResult<Vec<String>> {
    let page = crate::review_queue::queue_sql(scope, filter, after.is_some(), db.backend());
    let (at, id) = after.map_or((None, 0), |a| (Some(a.submitted_at), a.id));
    let mut tx = db.begin_write().await?;
    let lines: Vec<String> = match &mut tx.inner {
        crate::TxInner::Sqlite(c) => {
            let sql = sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {page}"));
            let rows: Vec<(i64, i64, i64, String)> =
                bind_filter!(sqlx::query_as(sql), scope, filter)
                    .bind(50_i64)
                    .bind(0_i64)
                    .bind(at)
                    .bind(id)
                    .fetch_all(&mut **c)
                    .await?;
            rows.into_iter().map(|r| r.3).collect()
        }
        crate::TxInner::Postgres(c) => {
            sqlx::query("SET LOCAL enable_seqscan = off")
                .execute(&mut **c)
                .await?;
            sqlx::query("SET LOCAL enable_sort = off")
                .execute(&mut **c)
                .await?;
            let sql = sqlx::AssertSqlSafe(format!("EXPLAIN {page}"));
            bind_filter!(sqlx::query_scalar(sql), scope, filter)
                .bind(50_i64)
                .bind(0_i64)
                .bind(at)
                .bind(id)
                .fetch_all(&mut **c)
                .await?
        }
    };
    drop(tx); // rolled back: the settings above end with it
    Ok(lines)
}
