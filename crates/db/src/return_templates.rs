//! 退回理由模板 rows: an organisation's reusable return reasons.

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// A template; `section` is empty when it fits any section.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TemplateRow {
    pub id: i64,
    pub section: String,
    pub body: String,
}

/// The templates of an organisation (`unit` or `office`), by section then age.
pub async fn for_org(db: &Db, org_kind: &str, org_id: i64) -> DbResult<Vec<TemplateRow>> {
    let sql = "SELECT id, section, body FROM return_template WHERE org_kind = $1 AND org_id = $2 \
               ORDER BY section, id";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(org_kind).bind(org_id).fetch_all(p).await)?)
}

/// Adds a template inside `tx`; its id.
pub async fn insert(
    tx: &mut Tx,
    org_kind: &str,
    org_id: i64,
    section: &str,
    body: &str,
) -> DbResult<i64> {
    let sql = "INSERT INTO return_template (org_kind, org_id, section, body, created_at) \
               VALUES ($1, $2, $3, $4, $5) RETURNING id";
    Ok(
        with_tx!(tx, c => sqlx::query_scalar(sql).bind(org_kind).bind(org_id).bind(section)
        .bind(body).bind(tx.clock.now()).fetch_one(&mut **c).await)?,
    )
}

/// Removes a template of this organisation inside `tx`; whether one was removed.
pub async fn delete(tx: &mut Tx, org_kind: &str, org_id: i64, id: i64) -> DbResult<bool> {
    let sql = "DELETE FROM return_template WHERE id = $1 AND org_kind = $2 AND org_id = $3";
    let n = with_tx!(tx, c => sqlx::query(sql).bind(id).bind(org_kind).bind(org_id)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}
