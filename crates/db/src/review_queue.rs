//! 审核队列 — the review queues of a unit, a 主管部门 and a 职改办: one filter (status, year,
//! series, level, committee, unit, submission dates, a keyword) and one sort, used by the
//! page, the batch and the 花名册 export alike so they always agree on what "this filter" is.

use chrono::{DateTime, Utc};

use crate::{Backend, Db, DbResult, with_pool};

/// Whose queue: a unit's own staff, a 职改办's inbox, or the units of a 主管部门.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum QueueScope {
    Unit(i64),
    Office(i64),
    Department(i64),
}

impl QueueScope {
    pub(crate) fn id(self) -> i64 {
        match self {
            Self::Unit(id) | Self::Office(id) | Self::Department(id) => id,
        }
    }

    /// The desk kind as the counts table names it.
    pub(crate) fn tally_kind(self) -> &'static str {
        match self {
            Self::Unit(_) => "unit",
            Self::Office(_) => "office",
            Self::Department(_) => "department",
        }
    }

    pub(crate) fn condition(self) -> &'static str {
        match self {
            Self::Unit(_) => "a.unit_id = $1",
            Self::Office(_) => "a.office_id = $1",
            Self::Department(_) => "u.office_id = $1",
        }
    }
}

/// What the keyword box was read as.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Keyword {
    #[default]
    Any,
    /// Part of the name.
    Name(String),
    /// The last digits of the identity number (as kept in the masked copy).
    IdTail(String),
    /// The blind index of a whole mobile number.
    PhoneIndex(String),
    /// The blind index of a whole identity number.
    IdIndex(String),
}

/// The order of the queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum QueueSort {
    /// Oldest submission first: who waited longest is served first.
    #[default]
    SubmittedAsc,
    SubmittedDesc,
    Name,
    Number,
}

impl QueueSort {
    fn order_by(self) -> &'static str {
        match self {
            Self::SubmittedAsc => "a.submitted_at, a.id",
            Self::SubmittedDesc => "a.submitted_at DESC, a.id DESC",
            Self::Name => "p.name, a.id",
            Self::Number => "a.id",
        }
    }
}

/// A queue filter; `None` means "any".
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct QueueFilter {
    pub status: String,
    pub year: Option<i32>,
    pub series_id: Option<i64>,
    pub level_rank: Option<i32>,
    pub committee_id: Option<i64>,
    /// 申报类型 code (`recognition` …); empty for every kind.
    #[serde(default)]
    pub kind: String,
    /// Part of the unit's name.
    pub unit_name: Option<String>,
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_before: Option<DateTime<Utc>>,
    pub keyword: Keyword,
    pub sort: QueueSort,
}

/// Where a keyset page starts: after the line with this submission time and number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    pub submitted_at: DateTime<Utc>,
    pub id: i64,
}

/// A queue line.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub id: i64,
    pub kind: String,
    pub applicant_name: String,
    pub id_number_masked: String,
    pub unit_name: String,
    pub series_name: String,
    pub level_rank: i32,
    pub title_name: String,
    pub status: String,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// A 花名册 line: the queue line with what an export may add. The sealed identifiers are
/// opened only for staff allowed to see them in full.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RosterRow {
    pub id: i64,
    pub kind: String,
    pub applicant_name: String,
    pub id_number_masked: String,
    pub id_number_sealed: String,
    pub phone_masked: String,
    pub phone_sealed: String,
    pub unit_name: String,
    pub series_name: String,
    pub level_rank: i32,
    pub title_name: String,
    pub committee_name: Option<String>,
    pub year: i32,
    pub status: String,
    pub submitted_at: Option<DateTime<Utc>>,
}

pub(crate) const FROM: &str = "FROM application a JOIN applicant p ON p.account_id = a.applicant_id \
     JOIN series s ON s.id = a.series_id JOIN unit u ON u.id = a.unit_id \
     LEFT JOIN committee c ON c.id = a.committee_id";

/// The filter's conditions. Text is matched with `instr`/`strpos` rather than `LIKE`
/// with a bound pattern: SQLite re-prepares a statement whose LIKE pattern is a parameter
/// every time the value changes, and parsing this query was a sixth of a queue page.
/// (What a person types is also matched literally, `%` and `_` included.)
pub(crate) fn where_clause(scope: QueueScope, backend: Backend) -> String {
    let (unit, name, tail) = match backend {
        Backend::Sqlite => (
            "instr(u.name, $7) > 0",
            "instr(p.name, $10) > 0",
            "substr(p.id_number_masked, -length($11)) = $11",
        ),
        Backend::Postgres => (
            "strpos(u.name, $7) > 0",
            "strpos(p.name, $10) > 0",
            "right(p.id_number_masked, length($11)) = $11",
        ),
    };
    format!(
        "WHERE {} AND a.status = $2 AND ($3 IS NULL OR a.year = $3) \
         AND ($4 IS NULL OR a.series_id = $4) AND ($5 IS NULL OR a.level_rank = $5) \
         AND ($6 IS NULL OR a.committee_id = $6) AND ($7 = '' OR {unit}) \
         AND ($8 IS NULL OR a.submitted_at >= $8) AND ($9 IS NULL OR a.submitted_at < $9) \
         AND ($10 = '' OR {name}) AND ($11 = '' OR {tail}) \
         AND ($12 = '' OR p.phone_index = $12) AND ($13 = '' OR a.kind = $13) \
         AND ($14 = '' OR p.id_number_index = $14)",
        scope.condition()
    )
}

/// Binds the scope and the filter as `$1`–`$14`, in the order of [`where_clause`].
macro_rules! bind_filter {
    ($q:expr, $scope:expr, $f:expr) => {{
        let f: &QueueFilter = $f;
        let none = String::new;
        let (name, tail, phone, id) = match &f.keyword {
            Keyword::Any => (none(), none(), none(), none()),
            Keyword::Name(n) => (n.clone(), none(), none(), none()),
            Keyword::IdTail(t) => (none(), t.clone(), none(), none()),
            Keyword::PhoneIndex(i) => (none(), none(), i.clone(), none()),
            Keyword::IdIndex(i) => (none(), none(), none(), i.clone()),
        };
        $q.bind($scope.id())
            .bind(f.status.clone())
            .bind(f.year)
            .bind(f.series_id)
            .bind(f.level_rank)
            .bind(f.committee_id)
            .bind(f.unit_name.clone().unwrap_or_default())
            .bind(f.submitted_from)
            .bind(f.submitted_before)
            .bind(name)
            .bind(tail)
            .bind(phone)
            .bind(f.kind.clone())
            .bind(id)
    }};
}
pub(crate) use bind_filter;

/// The applicant's name of dossier `id`, if it lies in `scope` (for a desk's own notices).
pub async fn applicant_name_in_scope(
    db: &Db,
    scope: QueueScope,
    id: i64,
) -> DbResult<Option<String>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT p.name {FROM} WHERE {} AND a.id = $2",
        scope.condition()
    ));
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(scope.id()).bind(id).fetch_optional(p).await)?,
    )
}

/// Where a page of the queue starts: so many lines in, or after a line (keyset paging,
/// which reads a deep page as fast as the first; for the sorts by submission and number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStart {
    Offset(i64),
    After(After),
}

/// What a queue line reads.
const QUEUE_COLUMNS: &str = "a.id, p.name AS applicant_name, p.id_number_masked, u.name AS unit_name, \
     s.name AS series_name, a.level_rank, a.title_name, a.status, a.submitted_at, a.kind";

/// What a 花名册 line reads.
const ROSTER_COLUMNS: &str = "a.id, p.name AS applicant_name, p.id_number_masked, p.id_number_sealed, \
     p.phone_masked, p.phone_sealed, u.name AS unit_name, s.name AS series_name, \
     a.level_rank, a.title_name, c.name AS committee_name, a.year, a.status, a.submitted_at, a.kind";

/// The page query: the filter as `$1`–`$14`, limit and offset as `$15`, `$16`, and when
/// `after` the keyset position as `$17`, `$18` (not for the sort by name). The position is
/// a row-value comparison, which both databases turn into a range on the index.
pub(crate) fn queue_sql(
    scope: QueueScope,
    filter: &QueueFilter,
    after: bool,
    backend: Backend,
) -> String {
    paged_sql(QUEUE_COLUMNS, scope, filter, after, backend)
}

fn paged_sql(
    columns: &str,
    scope: QueueScope,
    filter: &QueueFilter,
    after: bool,
    backend: Backend,
) -> String {
    format!(
        "SELECT {columns} {FROM} {} {} ORDER BY {} LIMIT CAST($15 AS BIGINT) OFFSET $16",
        where_clause(scope, backend),
        keyset_clause(filter.sort, after),
        filter.sort.order_by()
    )
}

/// Lines of the desk's queue reading `columns`, `limit` from `start`.
async fn paged<R>(
    db: &Db,
    columns: &str,
    scope: QueueScope,
    filter: &QueueFilter,
    limit: i64,
    start: PageStart,
) -> DbResult<Vec<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let (offset, keyset) = start_binds(start, filter.sort);
    let after = matches!(start, PageStart::After(_));
    let sql = sqlx::AssertSqlSafe(paged_sql(columns, scope, filter, after, db.backend()));
    Ok(with_pool!(db, p => {
        let query = bind_filter!(sqlx::query_as(sql), scope, filter)
            .bind(limit)
            .bind(offset);
        match keyset {
            Some(a) => query.bind(a.submitted_at).bind(a.id).fetch_all(p).await,
            None => query.fetch_all(p).await,
        }
    })?)
}

/// The condition that starts a page after the line at `$17`, `$18` (its submission time
/// and id), or nothing when the page starts by offset or the sort has no keyset (by name).
fn keyset_clause(sort: QueueSort, after: bool) -> &'static str {
    match (after, sort) {
        (false, _) | (true, QueueSort::Name) => "",
        (true, QueueSort::SubmittedAsc) => "AND (a.submitted_at, a.id) > ($17, $18)",
        (true, QueueSort::SubmittedDesc) => "AND (a.submitted_at, a.id) < ($17, $18)",
        (true, QueueSort::Number) => "AND $17 IS NOT NULL AND a.id > $18",
    }
}

/// Splits a page start into the offset and, for sorts that have one, the keyset position.
fn start_binds(start: PageStart, sort: QueueSort) -> (i64, Option<After>) {
    match start {
        PageStart::Offset(n) => (n, None),
        PageStart::After(_) if sort == QueueSort::Name => (0, None),
        PageStart::After(a) => (0, Some(a)),
    }
}

/// A page of the queue.
pub async fn queue(
    db: &Db,
    scope: QueueScope,
    filter: &QueueFilter,
    limit: i64,
    start: PageStart,
) -> DbResult<Vec<QueueRow>> {
    paged(db, QUEUE_COLUMNS, scope, filter, limit, start).await
}

/// How many lines match the filter, counted exactly (a batch over "all matching" checks
/// the number the person confirmed).
pub async fn queue_count(db: &Db, scope: QueueScope, filter: &QueueFilter) -> DbResult<i64> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) {FROM} {}",
        where_clause(scope, db.backend())
    ));
    Ok(
        with_pool!(db, p => bind_filter!(sqlx::query_scalar(sql), scope, filter)
        .fetch_one(p).await)?,
    )
}

/// The ids matching the filter, in queue order (for "select all N matching").
pub async fn queue_ids(db: &Db, scope: QueueScope, filter: &QueueFilter) -> DbResult<Vec<i64>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT a.id {FROM} {} ORDER BY {}",
        where_clause(scope, db.backend()),
        filter.sort.order_by()
    ));
    Ok(
        with_pool!(db, p => bind_filter!(sqlx::query_scalar(sql), scope, filter)
        .fetch_all(p).await)?,
    )
}

/// Where the chunk after `rows` starts, `read` lines in: after its last line when the sort
/// has a keyset (every line of a desk's queue has been submitted), else by offset.
pub fn next_chunk(rows: &[RosterRow], sort: QueueSort, read: i64) -> PageStart {
    match rows.last() {
        Some(RosterRow {
            submitted_at: Some(at),
            id,
            ..
        }) if sort != QueueSort::Name => PageStart::After(After {
            submitted_at: *at,
            id: *id,
        }),
        _ => PageStart::Offset(read),
    }
}

/// A chunk of 花名册 lines, for exports read in chunks so memory stays flat. Chunks after
/// the first start after the previous chunk's last line (as 下一页 does), so a chunk deep
/// into a large desk costs what the first does, and a dossier that moves on while the
/// export runs shifts no line into or out of a later chunk.
pub async fn roster(
    db: &Db,
    scope: QueueScope,
    filter: &QueueFilter,
    limit: i64,
    start: PageStart,
) -> DbResult<Vec<RosterRow>> {
    paged(db, ROSTER_COLUMNS, scope, filter, limit, start).await
}
