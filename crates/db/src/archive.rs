//! 个人资料 rows: one JSON document per part, like an application's parts.

use crate::{DbResult, Tx, with_tx};

/// Every part of an applicant's archive.
pub async fn parts(
    conn: impl Into<crate::Conn<'_>>,
    account_id: i64,
) -> DbResult<Vec<(String, String)>> {
    let sql = "SELECT part, data FROM archive_part WHERE account_id = $1";
    Ok(crate::with_conn!(conn, p => sqlx::query_as(sql).bind(account_id).fetch_all(p).await)?)
}

/// Saves a part inside `tx`.
pub async fn put_part(tx: &mut Tx, account_id: i64, part: &str, data: &str) -> DbResult<()> {
    let sql = "INSERT INTO archive_part (account_id, part, data, updated_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (account_id, part) DO UPDATE SET data = excluded.data, \
               updated_at = excluded.updated_at";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(part).bind(data).bind(tx.clock.now())
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
