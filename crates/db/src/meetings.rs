//! 评审会议 rows: meetings, their agenda, the draw log, the drawn members and their
//! opinions. Ballots live in `ballots`, kept apart so that nothing here links a voter to a
//! choice.

use chrono::{DateTime, NaiveDate, Utc};
use zc_domain::{
    application::ApplicationStatus,
    committee::meeting::{MeetingStatus, SeatStatus},
};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A meeting.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub plan_id: i64,
    pub committee_id: i64,
    pub committee_name: String,
    pub series_id: i64,
    pub year: i32,
    pub name: String,
    pub held_on: NaiveDate,
    #[sqlx(try_from = "String")]
    pub status: MeetingStatus,
    pub present: Option<i32>,
}

const MEETING: &str = "SELECT m.id, m.plan_id, p.committee_id, c.name AS committee_name, \
    c.series_id, p.year, m.name, m.held_on, m.status, m.present FROM review_meeting m \
    JOIN review_plan p ON p.id = m.plan_id JOIN committee c ON c.id = p.committee_id";

/// One meeting.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<MeetingRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{MEETING} WHERE m.id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// A committee's meetings, newest first.
pub async fn of_committee(db: &Db, committee_id: i64) -> DbResult<Vec<MeetingRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{MEETING} WHERE p.committee_id = $1 ORDER BY m.held_on DESC, m.id DESC"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(committee_id).fetch_all(p).await)?)
}

/// A committee's plans: id and year.
pub async fn plans_of_committee(db: &Db, committee_id: i64) -> DbResult<Vec<(i64, i32)>> {
    let sql = "SELECT id, year FROM review_plan WHERE committee_id = $1 ORDER BY year DESC";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(committee_id).fetch_all(p).await)?)
}

/// Creates a meeting inside `tx`; its id.
pub async fn insert(
    tx: &mut Tx,
    plan_id: i64,
    name: &str,
    held_on: NaiveDate,
    created_by: i64,
) -> DbResult<i64> {
    let sql = "INSERT INTO review_meeting (plan_id, name, held_on, status, created_by, created_at) \
               VALUES ($1, $2, $3, 'preparing', $4, $5) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(plan_id).bind(name).bind(held_on)
        .bind(created_by).bind(tx.clock.now()).fetch_one(&mut **c).await)?,
    )
}

/// Moves a meeting from one status to another inside `tx`; false when it was not in `from`.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: MeetingStatus,
    to: MeetingStatus,
) -> DbResult<bool> {
    let n = with_tx!(tx, c => sqlx::query("UPDATE review_meeting SET status = $3 WHERE id = $1 AND status = $2")
        .bind(id).bind(from.code()).bind(to.code()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records how many members are present inside `tx`.
pub async fn set_present(tx: &mut Tx, id: i64, present: i32) -> DbResult<()> {
    with_tx!(tx, c => sqlx::query("UPDATE review_meeting SET present = $2 WHERE id = $1")
        .bind(id).bind(present).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The committee's dossiers waiting for review in a year and not yet on an agenda.
pub async fn waiting_dossiers(db: &Db, committee_id: i64, year: i32) -> DbResult<Vec<i64>> {
    let sql = "SELECT a.id FROM application a WHERE a.committee_id = $1 AND a.year = $2 \
               AND a.status = 'committee_pending' \
               AND NOT EXISTS (SELECT 1 FROM meeting_dossier d WHERE d.application_id = a.id) \
               ORDER BY a.id";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(committee_id).bind(year).fetch_all(p).await)?,
    )
}

/// Puts a dossier on the agenda inside `tx`.
pub async fn add_dossier(
    tx: &mut Tx,
    meeting_id: i64,
    application_id: i64,
    specialty: &str,
) -> DbResult<()> {
    let sql =
        "INSERT INTO meeting_dossier (meeting_id, application_id, specialty) VALUES ($1, $2, $3)";
    with_tx!(tx, c => sqlx::query(sql).bind(meeting_id).bind(application_id).bind(specialty)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A dossier on the agenda.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgendaRow {
    pub application_id: i64,
    pub specialty: String,
    pub applicant_id: i64,
    pub applicant_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub title_name: String,
    pub level_rank: i32,
    #[sqlx(try_from = "String")]
    pub status: ApplicationStatus,
}

/// The agenda of a meeting, by specialty then number.
pub async fn agenda(db: &Db, meeting_id: i64) -> DbResult<Vec<AgendaRow>> {
    let sql = "SELECT d.application_id, d.specialty, a.applicant_id, p.name AS applicant_name, \
               a.unit_id, u.name AS unit_name, a.title_name, a.level_rank, a.status \
               FROM meeting_dossier d JOIN application a ON a.id = d.application_id \
               JOIN applicant p ON p.account_id = a.applicant_id JOIN unit u ON u.id = a.unit_id \
               WHERE d.meeting_id = $1 ORDER BY d.specialty, d.application_id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(meeting_id).fetch_all(p).await)?)
}

/// An expert of the pool who could be drawn: account, own unit, specialty.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PoolRow {
    pub account_id: i64,
    pub unit_id: Option<i64>,
    pub specialty: String,
}

/// The series' experts serving on `day`.
pub async fn pool(db: &Db, series_id: i64, day: NaiveDate) -> DbResult<Vec<PoolRow>> {
    let sql = "SELECT e.account_id, p.unit_id, e.specialty FROM expert e \
               JOIN applicant p ON p.account_id = e.account_id \
               JOIN account a ON a.id = e.account_id \
               WHERE e.series_id = $1 AND e.term_start <= $2 AND e.term_end >= $2 AND NOT a.disabled \
               ORDER BY e.account_id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(series_id).bind(day).fetch_all(p).await)?)
}

/// Experts who declared a conflict with any of these applicants.
pub async fn recusals(db: &Db, applicant_ids: &[i64]) -> DbResult<Vec<i64>> {
    let mut out = Vec::new();
    for id in applicant_ids {
        let sql = "SELECT expert_id FROM expert_recusal WHERE applicant_id = $1";
        let ids: Vec<i64> =
            with_pool!(db, p => sqlx::query_scalar(sql).bind(id).fetch_all(p).await)?;
        out.extend(ids);
    }
    Ok(out)
}

/// Records a declared conflict.
pub async fn insert_recusal(
    tx: &mut Tx,
    expert_id: i64,
    applicant_id: i64,
    reason: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO expert_recusal (expert_id, applicant_id, reason) VALUES ($1, $2, $3) \
               ON CONFLICT (expert_id, applicant_id) DO NOTHING";
    with_tx!(tx, c => sqlx::query(sql).bind(expert_id).bind(applicant_id).bind(reason)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A draw to log.
#[derive(Debug, Clone)]
pub struct NewDraw<'a> {
    pub meeting_id: i64,
    pub specialty: &'a str,
    /// `draw` or `redraw`.
    pub kind: &'a str,
    pub seed: &'a str,
    /// The candidates, conflicts, count and minimum, as JSON.
    pub inputs: &'a str,
    /// The experts drawn, as JSON.
    pub result: &'a str,
    pub drawn_by: i64,
}

/// Logs a draw inside `tx`; its id.
pub async fn log_draw(tx: &mut Tx, d: &NewDraw<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO expert_draw (meeting_id, specialty, kind, seed, inputs, result, drawn_by, created_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(d.meeting_id).bind(d.specialty).bind(d.kind)
        .bind(d.seed).bind(d.inputs).bind(d.result).bind(d.drawn_by).bind(tx.clock.now())
        .fetch_one(&mut **c).await)?,
    )
}

/// A logged draw.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DrawRow {
    pub id: i64,
    pub specialty: String,
    pub kind: String,
    pub seed: String,
    pub inputs: String,
    pub result: String,
    pub created_at: DateTime<Utc>,
}

/// The draws of a meeting, in order.
pub async fn draws(db: &Db, meeting_id: i64) -> DbResult<Vec<DrawRow>> {
    let sql = "SELECT id, specialty, kind, seed, inputs, result, created_at FROM expert_draw \
               WHERE meeting_id = $1 ORDER BY id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(meeting_id).fetch_all(p).await)?)
}

/// Adds a drawn member inside `tx`.
pub async fn add_member(
    tx: &mut Tx,
    meeting_id: i64,
    expert_id: i64,
    specialty: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO meeting_expert (meeting_id, expert_id, specialty, status) VALUES ($1, $2, $3, 'invited')";
    with_tx!(tx, c => sqlx::query(sql).bind(meeting_id).bind(expert_id).bind(specialty)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A drawn member.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub expert_id: i64,
    pub name: String,
    pub specialty: String,
    #[sqlx(try_from = "String")]
    pub status: SeatStatus,
}

/// The drawn members of a meeting.
pub async fn members(db: &Db, meeting_id: i64) -> DbResult<Vec<MemberRow>> {
    let sql = "SELECT m.expert_id, a.display_name AS name, m.specialty, m.status FROM meeting_expert m \
               JOIN account a ON a.id = m.expert_id WHERE m.meeting_id = $1 ORDER BY m.specialty, a.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(meeting_id).fetch_all(p).await)?)
}

/// Moves a member's status inside `tx`; false when it was not in `from`.
pub async fn set_member_status(
    tx: &mut Tx,
    meeting_id: i64,
    expert_id: i64,
    from: SeatStatus,
    to: SeatStatus,
) -> DbResult<bool> {
    let sql = "UPDATE meeting_expert SET status = $4, answered_at = $5 \
               WHERE meeting_id = $1 AND expert_id = $2 AND status = $3";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(meeting_id).bind(expert_id).bind(from.code()).bind(to.code())
        .bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A meeting an expert was drawn for, with their seat there.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SeatRow {
    #[sqlx(flatten)]
    pub meeting: MeetingRow,
    #[sqlx(try_from = "String")]
    pub seat: SeatStatus,
    /// The specialty group the expert was drawn for.
    pub seat_specialty: String,
}

const SEAT: &str = "SELECT m.id, m.plan_id, p.committee_id, c.name AS committee_name, \
    c.series_id, p.year, m.name, m.held_on, m.status, m.present, e.status AS seat, \
    e.specialty AS seat_specialty FROM review_meeting m JOIN review_plan p ON p.id = m.plan_id \
    JOIN committee c ON c.id = p.committee_id JOIN meeting_expert e ON e.meeting_id = m.id";

/// The meetings an expert was drawn for, newest first, in one query.
pub async fn of_expert(db: &Db, expert_id: i64) -> DbResult<Vec<SeatRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SEAT} WHERE e.expert_id = $1 ORDER BY m.held_on DESC, m.id DESC"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(expert_id).fetch_all(p).await)?)
}

/// The expert's seat at one meeting, if they were drawn for it.
pub async fn seat_of(db: &Db, expert_id: i64, meeting_id: i64) -> DbResult<Option<SeatRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SEAT} WHERE e.expert_id = $1 AND m.id = $2"));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(expert_id).bind(meeting_id).fetch_optional(p).await)?,
    )
}

/// Saves an expert's opinion and score inside `tx`.
pub async fn put_opinion(
    tx: &mut Tx,
    meeting_id: i64,
    application_id: i64,
    expert_id: i64,
    opinion: &str,
    score: i32,
) -> DbResult<()> {
    let sql = "INSERT INTO expert_opinion (meeting_id, application_id, expert_id, opinion, score, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (meeting_id, application_id, expert_id) \
               DO UPDATE SET opinion = excluded.opinion, score = excluded.score, updated_at = excluded.updated_at";
    with_tx!(tx, c => sqlx::query(sql).bind(meeting_id).bind(application_id).bind(expert_id)
        .bind(opinion).bind(score).bind(tx.clock.now()).execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// An expert's own opinion on a dossier.
pub async fn opinion(
    db: &Db,
    meeting_id: i64,
    application_id: i64,
    expert_id: i64,
) -> DbResult<Option<(String, i32)>> {
    let sql = "SELECT opinion, score FROM expert_opinion WHERE meeting_id = $1 AND application_id = $2 AND expert_id = $3";
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(meeting_id).bind(application_id).bind(expert_id)
        .fetch_optional(p).await)?,
    )
}

/// An expert's written opinion on a dossier.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpinionRow {
    pub application_id: i64,
    pub expert_name: String,
    pub opinion: String,
    pub score: i32,
}

/// Every opinion written at a meeting, by dossier then expert, in one read.
pub async fn opinions(db: &Db, meeting_id: i64) -> DbResult<Vec<OpinionRow>> {
    let sql = "SELECT o.application_id, a.display_name AS expert_name, o.opinion, o.score \
               FROM expert_opinion o JOIN account a ON a.id = o.expert_id \
               WHERE o.meeting_id = $1 ORDER BY o.application_id, a.id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(meeting_id).fetch_all(p).await)?)
}

/// The meeting a dossier is on, with its specialty group.
pub async fn dossier_meeting(db: &Db, application_id: i64) -> DbResult<Option<(i64, String)>> {
    let sql = "SELECT meeting_id, specialty FROM meeting_dossier WHERE application_id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(application_id).fetch_optional(p).await)?)
}
