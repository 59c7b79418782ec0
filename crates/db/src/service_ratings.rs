//! 好差评 rows: one rating per finished application, and the office's answer to a 差评.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A rating as the applicant and the office read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RatingRow {
    pub application_id: i64,
    pub account_id: i64,
    pub office_id: i64,
    pub applicant_name: String,
    pub kind: String,
    pub title_name: String,
    pub grade: i32,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub follow_up_due: Option<NaiveDate>,
    pub follow_up: String,
    pub followed_up_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "r.application_id, r.account_id, r.office_id, \
    a.display_name AS applicant_name, ap.kind, ap.title_name, r.grade, r.reason, r.created_at, \
    r.follow_up_due, r.follow_up, r.followed_up_at \
    FROM service_rating r JOIN account a ON a.id = r.account_id \
    JOIN application ap ON ap.id = r.application_id";

/// A new rating.
#[derive(Debug, Clone)]
pub struct NewRating<'a> {
    pub application_id: i64,
    pub account_id: i64,
    pub office_id: i64,
    pub grade: i32,
    pub reason: &'a str,
    pub follow_up_due: Option<NaiveDate>,
}

/// Stores a rating inside `tx`; false when the application was already rated (一事一评).
pub async fn insert(tx: &mut Tx, r: &NewRating<'_>) -> DbResult<bool> {
    let sql = "INSERT INTO service_rating (application_id, account_id, office_id, grade, reason, \
               created_at, follow_up_due) VALUES ($1, $2, $3, $4, $5, $6, $7) \
               ON CONFLICT (application_id) DO NOTHING";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(r.application_id).bind(r.account_id)
        .bind(r.office_id).bind(r.grade).bind(r.reason).bind(tx.clock.now()).bind(r.follow_up_due)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// The rating of an application, if it has one.
pub async fn of_application(db: &Db, application_id: i64) -> DbResult<Option<RatingRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} WHERE r.application_id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(application_id).fetch_optional(p).await)?)
}

/// Which of an office's ratings a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingFilter {
    All,
    /// 差评 not yet answered, the earliest due first.
    AwaitingFollowUp,
}

/// An office's ratings, newest first (or by due date for open follow-ups).
pub async fn of_office(
    db: &Db,
    office_id: i64,
    filter: RatingFilter,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<RatingRow>> {
    let sql = sqlx::AssertSqlSafe(match filter {
        RatingFilter::All => format!(
            "SELECT {COLUMNS} WHERE r.office_id = $1 \
             ORDER BY r.created_at DESC, r.application_id DESC LIMIT CAST($2 AS BIGINT) OFFSET $3"
        ),
        RatingFilter::AwaitingFollowUp => format!(
            "SELECT {COLUMNS} WHERE r.office_id = $1 AND r.follow_up_due IS NOT NULL \
             AND r.followed_up_at IS NULL ORDER BY r.follow_up_due, r.application_id \
             LIMIT CAST($2 AS BIGINT) OFFSET $3"
        ),
    });
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(limit).bind(offset)
        .fetch_all(p).await)?,
    )
}

/// How many ratings an office's list holds.
pub async fn count_of_office(db: &Db, office_id: i64, filter: RatingFilter) -> DbResult<i64> {
    let sql = match filter {
        RatingFilter::All => "SELECT COUNT(*) FROM service_rating WHERE office_id = $1",
        RatingFilter::AwaitingFollowUp => {
            "SELECT COUNT(*) FROM service_rating WHERE office_id = $1 \
             AND follow_up_due IS NOT NULL AND followed_up_at IS NULL"
        }
    };
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(office_id).fetch_one(p).await)?)
}

/// An office's tally: ratings per grade, 差评 awaiting an answer, and those past due.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct OfficeTally {
    pub office_id: i64,
    pub office_name: String,
    pub grade5: i64,
    pub grade4: i64,
    pub grade3: i64,
    pub grade2: i64,
    pub grade1: i64,
    pub awaiting: i64,
    pub overdue: i64,
}

/// The tally of every office that has ratings (`office_id` `None`), or of one, as of
/// `today` (a follow-up is overdue once its due day has passed).
pub async fn tallies(
    db: &Db,
    office_id: Option<i64>,
    today: NaiveDate,
) -> DbResult<Vec<OfficeTally>> {
    let sql = "SELECT r.office_id, o.name AS office_name, \
               SUM(CASE WHEN r.grade = 5 THEN 1 ELSE 0 END) AS grade5, \
               SUM(CASE WHEN r.grade = 4 THEN 1 ELSE 0 END) AS grade4, \
               SUM(CASE WHEN r.grade = 3 THEN 1 ELSE 0 END) AS grade3, \
               SUM(CASE WHEN r.grade = 2 THEN 1 ELSE 0 END) AS grade2, \
               SUM(CASE WHEN r.grade = 1 THEN 1 ELSE 0 END) AS grade1, \
               SUM(CASE WHEN r.follow_up_due IS NOT NULL AND r.followed_up_at IS NULL \
                   THEN 1 ELSE 0 END) AS awaiting, \
               SUM(CASE WHEN r.follow_up_due < $2 AND r.followed_up_at IS NULL \
                   THEN 1 ELSE 0 END) AS overdue \
               FROM service_rating r JOIN office o ON o.id = r.office_id \
               WHERE ($1 IS NULL OR r.office_id = $1) \
               GROUP BY r.office_id, o.name ORDER BY r.office_id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(office_id).bind(today).fetch_all(p).await)?)
}

/// Records the office's answer to a 差评 inside `tx`, if the rating is the office's and
/// still awaits one; whether it did.
pub async fn answer(
    tx: &mut Tx,
    application_id: i64,
    office_id: i64,
    text: &str,
    by: i64,
) -> DbResult<bool> {
    let sql = "UPDATE service_rating SET follow_up = $3, followed_up_by = $4, followed_up_at = $5 \
               WHERE application_id = $1 AND office_id = $2 AND follow_up_due IS NOT NULL \
               AND followed_up_at IS NULL";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(application_id).bind(office_id).bind(text)
        .bind(by).bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
