//! 无记名投票 rows. Who voted and what was voted are kept apart: `ballot_cast` (meeting,
//! dossier, expert) says an expert has voted; while the vote is open the choice waits
//! sealed in `sealed_ballot`; at 结束表决 the box is opened and `ballot` (random key,
//! meeting, dossier, choice) is written shuffled in one transaction. No time, sequence,
//! transaction or voter is kept with a choice, so nothing joins them back.

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// Records that `expert_id` voted on a dossier, inside `tx`; false when they already had
/// (the primary key makes a second ballot impossible even at the same moment).
pub async fn mark_cast(
    tx: &mut Tx,
    meeting_id: i64,
    application_id: i64,
    expert_id: i64,
) -> DbResult<bool> {
    let sql = "INSERT INTO ballot_cast (meeting_id, application_id, expert_id) VALUES ($1, $2, $3) \
               ON CONFLICT (meeting_id, application_id, expert_id) DO NOTHING";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(meeting_id).bind(application_id).bind(expert_id)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Drops a sealed choice into the box inside `tx`.
pub async fn insert_sealed(
    tx: &mut Tx,
    meeting_id: i64,
    application_id: i64,
    sealed: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO sealed_ballot (meeting_id, application_id, sealed) VALUES ($1, $2, $3)";
    with_tx!(tx, c => sqlx::query(sql).bind(meeting_id).bind(application_id).bind(sealed)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Empties a meeting's box inside `tx`: the sealed choices `(dossier, sealed)`, removed.
pub async fn take_sealed(tx: &mut Tx, meeting_id: i64) -> DbResult<Vec<(i64, String)>> {
    let sql = "SELECT application_id, sealed FROM sealed_ballot WHERE meeting_id = $1";
    let rows: Vec<(i64, String)> = with_tx!(tx, c => sqlx::query_as(sql).bind(meeting_id)
        .fetch_all(&mut **c).await)?;
    let sql = "DELETE FROM sealed_ballot WHERE meeting_id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(meeting_id).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(rows)
}

/// Sealed choices still in a meeting's box.
pub async fn sealed_count(db: &Db, meeting_id: i64) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM sealed_ballot WHERE meeting_id = $1";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(meeting_id).fetch_one(p).await)?)
}

/// Puts an opened ballot in the count inside `tx`.
pub async fn insert(
    tx: &mut Tx,
    key: &str,
    meeting_id: i64,
    application_id: i64,
    choice: &str,
) -> DbResult<()> {
    let sql = "INSERT INTO ballot (id, meeting_id, application_id, choice) VALUES ($1, $2, $3, $4)";
    with_tx!(tx, c => sqlx::query(sql).bind(key).bind(meeting_id).bind(application_id).bind(choice)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Every opened choice of a meeting as `(dossier, choice code)`, in one read.
pub async fn choices_of_meeting(
    conn: impl Into<crate::Conn<'_>>,
    meeting_id: i64,
) -> DbResult<Vec<(i64, String)>> {
    let sql = "SELECT application_id, choice FROM ballot WHERE meeting_id = $1";
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(meeting_id).fetch_all(p).await)?)
}

/// The dossiers of a meeting this expert has voted on.
pub async fn voted_by(db: &Db, meeting_id: i64, expert_id: i64) -> DbResult<Vec<i64>> {
    let sql = "SELECT application_id FROM ballot_cast WHERE meeting_id = $1 AND expert_id = $2";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(meeting_id).bind(expert_id).fetch_all(p).await)?,
    )
}

/// How many have voted on each dossier of a meeting: `(dossier, count)`.
pub async fn cast_counts(db: &Db, meeting_id: i64) -> DbResult<Vec<(i64, i64)>> {
    let sql = "SELECT application_id, COUNT(*) FROM ballot_cast WHERE meeting_id = $1 \
               GROUP BY application_id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(meeting_id).fetch_all(p).await)?)
}
