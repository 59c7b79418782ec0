//! 申报 rows: applications, their parts, their progress history, and the committees'
//! application windows. Status changes are compare-and-set on the old status, so two
//! people acting at once cannot both succeed.

use chrono::{DateTime, Utc};

use zc_domain::application::{ApplicationKind, ApplicationStatus};

use crate::{Db, DbResult, Tx, memo::Forget, with_pool, with_tx};

/// An application with the names shown on its card.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ApplicationKind,
    pub applicant_id: i64,
    pub unit_id: i64,
    pub year: i32,
    pub series_id: i64,
    pub series_name: String,
    pub level_rank: i32,
    pub title_name: String,
    pub committee_id: Option<i64>,
    pub committee_name: Option<String>,
    pub office_id: i64,
    pub office_name: String,
    #[sqlx(try_from = "String")]
    pub status: ApplicationStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub snapshot: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.kind, a.applicant_id, a.unit_id, a.year, a.series_id, \
    s.name AS series_name, a.level_rank, a.title_name, a.committee_id, c.name AS committee_name, \
    a.office_id, o.name AS office_name, a.status, a.created_at, a.updated_at, a.submitted_at, \
    a.snapshot FROM application a JOIN series s ON s.id = a.series_id \
    JOIN office o ON o.id = a.office_id LEFT JOIN committee c ON c.id = a.committee_id";

/// One application.
pub async fn find(conn: impl Into<crate::Conn<'_>>, id: i64) -> DbResult<Option<ApplicationRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1"));
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// An applicant's applications (deleted ones left out), newest first.
pub async fn for_applicant(db: &Db, applicant_id: i64) -> DbResult<Vec<ApplicationRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.applicant_id = $1 AND a.status <> 'deleted' ORDER BY a.id DESC"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(applicant_id).fetch_all(p).await)?)
}

/// A new draft.
#[derive(Debug, Clone)]
pub struct NewApplication<'a> {
    pub kind: &'a str,
    pub applicant_id: i64,
    pub unit_id: i64,
    pub year: i32,
    pub series_id: i64,
    pub level_rank: i32,
    pub title_name: &'a str,
    pub committee_id: Option<i64>,
    pub office_id: i64,
}

/// Inserts a draft inside `tx`.
pub async fn insert(tx: &mut Tx, a: &NewApplication<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO application (kind, applicant_id, unit_id, year, series_id, level_rank, \
               title_name, committee_id, office_id, status, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $10) RETURNING id";
    let id = with_tx!(tx, c => sqlx::query_scalar(sql).bind(a.kind).bind(a.applicant_id).bind(a.unit_id)
        .bind(a.year).bind(a.series_id).bind(a.level_rank).bind(a.title_name).bind(a.committee_id)
        .bind(a.office_id).bind(tx.clock.now()).fetch_one(&mut **c).await)?;
    tx.forget_on_commit(Forget::Home(a.applicant_id)).await?;
    Ok(id)
}

/// Moves an application from `from` to `to` inside `tx`; false when its status was no
/// longer `from` (someone else acted first).
pub async fn set_status(tx: &mut Tx, id: i64, from: &str, to: &str) -> DbResult<bool> {
    let sql = "UPDATE application SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2 \
               RETURNING applicant_id";
    let moved: Option<i64> = with_tx!(tx, c => sqlx::query_scalar(sql).bind(id).bind(from).bind(to)
        .bind(tx.clock.now()).fetch_optional(&mut **c).await)?;
    tx.forget_home_of(moved).await
}

/// Names the applicant of dossier `id` as changed inside `tx` (a return's reasons moved).
pub async fn forget_home_of_dossier(tx: &mut Tx, id: i64) -> DbResult<()> {
    let sql = "SELECT applicant_id FROM application WHERE id = $1";
    let who: Option<i64> =
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_optional(&mut **c).await)?;
    tx.forget_home_of(who).await.map(|_| ())
}

/// Records a submission inside `tx`: the frozen dossier and the token of the form that
/// sent it, so that a repeated post of the same form is recognised.
pub async fn record_submission(tx: &mut Tx, id: i64, token: &str, snapshot: &str) -> DbResult<()> {
    let sql =
        "UPDATE application SET submit_token = $2, snapshot = $3, submitted_at = $4 WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(id).bind(token).bind(snapshot).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The token of the last submission.
pub async fn submit_token(conn: impl Into<crate::Conn<'_>>, id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT submit_token FROM application WHERE id = $1";
    let t: Option<Option<String>> =
        crate::with_conn!(conn, p => sqlx::query_scalar(sql).bind(id).fetch_optional(p).await)?;
    Ok(t.flatten())
}

/// Unfinished applications of an applicant in a year.
pub async fn unfinished_in_year(
    db: &Db,
    applicant_id: i64,
    year: i32,
) -> DbResult<Vec<ApplicationRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.applicant_id = $1 AND a.year = $2 ORDER BY a.id"
    ));
    let rows: Vec<ApplicationRow> =
        with_pool!(db, p => sqlx::query_as(sql).bind(applicant_id).bind(year).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .filter(|r| !r.status.is_finished())
        .collect())
}

/// A part's stored JSON.
pub async fn parts(db: &Db, id: i64) -> DbResult<Vec<(String, String)>> {
    let sql = "SELECT part, data FROM application_part WHERE application_id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_all(p).await)?)
}

/// Saves a part's JSON inside `tx`.
pub async fn put_part(tx: &mut Tx, id: i64, part: &str, data: &str) -> DbResult<()> {
    let sql = "INSERT INTO application_part (application_id, part, data, updated_at) \
               VALUES ($1, $2, $3, $4) ON CONFLICT (application_id, part) \
               DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at";
    with_tx!(tx, c => sqlx::query(sql).bind(id).bind(part).bind(data).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The status of an application read inside `tx` (to decide with the lock held).
pub async fn status_in(tx: &mut Tx, id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT status FROM application WHERE id = $1";
    Ok(with_tx!(tx, c => sqlx::query_scalar(sql).bind(id).fetch_optional(&mut **c).await)?)
}

/// A line of the progress history.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub application_id: i64,
    pub step: &'a str,
    pub action: &'a str,
    pub opinion: &'a str,
    pub actor_id: Option<i64>,
    pub org_name: &'a str,
    pub from_status: &'a str,
    pub to_status: &'a str,
}

/// Adds a line to the history inside `tx`.
pub async fn insert_event(tx: &mut Tx, e: &NewEvent<'_>) -> DbResult<()> {
    let sql = "INSERT INTO application_event (application_id, at, step, action, opinion, actor_id, \
               org_name, from_status, to_status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    with_tx!(tx, c => sqlx::query(sql).bind(e.application_id).bind(tx.clock.now()).bind(e.step)
        .bind(e.action).bind(e.opinion).bind(e.actor_id).bind(e.org_name).bind(e.from_status)
        .bind(e.to_status).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A stored line of the history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub step: String,
    pub action: String,
    pub opinion: String,
    pub org_name: String,
    pub to_status: String,
}

/// The history of an application, oldest first.
pub async fn events(db: &Db, id: i64) -> DbResult<Vec<EventRow>> {
    let sql = "SELECT at, step, action, opinion, org_name, to_status FROM application_event \
               WHERE application_id = $1 ORDER BY id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_all(p).await)?)
}

/// A level of a committee whose window is open, with a title to apply for.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenChoice {
    pub committee_id: i64,
    pub committee_name: String,
    pub office_id: i64,
    pub office_name: String,
    pub series_id: i64,
    pub series_name: String,
    pub level_rank: i32,
    pub title_name: String,
    pub apply_until: DateTime<Utc>,
    /// The committee collects its fees online this year (after 初审通过).
    pub charges_online: bool,
    /// What the fee items for this level add up to, in fen (0 when none are set yet).
    pub fee_fen: i64,
}

/// Every (committee, level, title) open for applications at `now` in `year`.
pub async fn open_choices(db: &Db, year: i32, now: DateTime<Utc>) -> DbResult<Vec<OpenChoice>> {
    let sql = "SELECT c.id AS committee_id, c.name AS committee_name, o.id AS office_id, \
               o.name AS office_name, s.id AS series_id, s.name AS series_name, \
               t.level_rank, t.title_name, p.apply_until, p.charges_online, \
               CAST((SELECT COALESCE(SUM(f.amount_fen), 0) FROM fee_item f WHERE f.plan_id = p.id \
                AND (f.level_rank IS NULL OR f.level_rank = t.level_rank)) AS BIGINT) AS fee_fen \
               FROM review_plan p JOIN committee c ON c.id = p.committee_id \
               JOIN office o ON o.id = c.office_id JOIN series s ON s.id = c.series_id \
               JOIN series_title t ON t.series_id = s.id \
               AND t.level_rank BETWEEN c.level_min AND c.level_max \
               WHERE p.year = $1 AND p.apply_from <= $2 AND p.apply_until > $2 AND s.active \
               AND (p.levels = '' OR (',' || p.levels || ',') LIKE ('%,' || t.level_rank || ',%')) \
               ORDER BY s.sort_order, t.level_rank, c.id, t.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(year).bind(now).fetch_all(p).await)?)
}

/// Opens (or moves) a committee's application window for a year.
pub async fn upsert_plan(
    db: &Db,
    committee_id: i64,
    year: i32,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<()> {
    // A new plan starts with the committee's own fee setting.
    let sql = "INSERT INTO review_plan (committee_id, year, apply_from, apply_until, created_at, charges_online) \
               VALUES ($1, $2, $3, $4, $5, (SELECT charges_online FROM committee WHERE id = $1)) \
               ON CONFLICT (committee_id, year) \
               DO UPDATE SET apply_from = excluded.apply_from, apply_until = excluded.apply_until";
    with_pool!(db, p => sqlx::query(sql).bind(committee_id).bind(year).bind(from).bind(until)
        .bind(db.now()).execute(p).await.map(|r| r.rows_affected()))?;
    // Every home showing a deadline of this window shows the new one.
    db.announce(Forget::Homes).await
}

/// Points a draft at another committee, level and title inside `tx`; false when it is no
/// longer a draft.
pub async fn set_choice(
    tx: &mut Tx,
    id: i64,
    series_id: i64,
    level_rank: i32,
    title_name: &str,
    committee_id: Option<i64>,
    office_id: i64,
) -> DbResult<bool> {
    let sql = "UPDATE application SET series_id = $2, level_rank = $3, title_name = $4, \
               committee_id = $5, office_id = $6, updated_at = $7 WHERE id = $1 AND status = 'draft' \
               RETURNING applicant_id";
    let moved: Option<i64> = with_tx!(tx, c => sqlx::query_scalar(sql).bind(id).bind(series_id)
        .bind(level_rank).bind(title_name).bind(committee_id).bind(office_id).bind(tx.clock.now())
        .fetch_optional(&mut **c).await)?;
    tx.forget_home_of(moved).await
}

/// Keeps the dossier as it stands when it is returned, inside `tx`, so the reviewer can
/// later see what the resubmission changed.
pub async fn keep_returned_snapshot(tx: &mut Tx, id: i64) -> DbResult<()> {
    let sql = "UPDATE application SET returned_snapshot = snapshot WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(id).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The dossier as it stood at its last return, if it was ever returned.
pub async fn returned_snapshot(db: &Db, id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT returned_snapshot FROM application WHERE id = $1";
    Ok(
        with_pool!(db, p => sqlx::query_scalar::<_, Option<String>>(sql).bind(id)
        .fetch_optional(p).await)?
        .flatten(),
    )
}

/// What the applicant's home needs beside an application row: the last day of its
/// committee's application window and how many returned sections are still open.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HomeFacts {
    pub id: i64,
    pub apply_until: Option<DateTime<Utc>>,
    pub returned_sections: i64,
}

/// [`HomeFacts`] of each of an applicant's applications, in one query.
pub async fn home_facts(db: &Db, applicant_id: i64) -> DbResult<Vec<HomeFacts>> {
    let sql = "SELECT a.id, p.apply_until, CAST((SELECT COUNT(*) FROM return_reason r \
               WHERE r.application_id = a.id AND NOT r.resolved) AS BIGINT) AS returned_sections \
               FROM application a LEFT JOIN review_plan p \
               ON p.committee_id = a.committee_id AND p.year = a.year \
               WHERE a.applicant_id = $1 AND a.status <> 'deleted'";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(applicant_id).fetch_all(p).await)?)
}
