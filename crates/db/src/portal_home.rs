//! 首页 — what a signed-in person's home page shows about them, read in one query: the
//! page is the most visited on a deadline day, and each separate lookup was a turn at
//! the database.

use crate::{Db, DbResult, with_pool};

/// The person's organisation as the home page names it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HomeFacts {
    /// The office, unit or committee the account belongs to, or the unit an applicant
    /// chose.
    pub org_name: Option<String>,
    /// `(status, review note)` of the unit the account administers (unit staff only).
    pub unit_status: Option<String>,
    pub unit_note: Option<String>,
}

/// The home facts of account `id`; `None` when there is no such account.
pub async fn facts(db: &Db, id: i64) -> DbResult<Option<HomeFacts>> {
    let sql = "SELECT CASE a.org_kind \
                 WHEN 'office' THEN (SELECT name FROM office WHERE id = a.org_id) \
                 WHEN 'unit' THEN su.name \
                 WHEN 'committee' THEN (SELECT name FROM committee WHERE id = a.org_id) \
                 ELSE (SELECT u.name FROM applicant p JOIN unit u ON u.id = p.unit_id \
                       WHERE p.account_id = a.id) END AS org_name, \
               su.status AS unit_status, su.review_note AS unit_note \
               FROM account a \
               LEFT JOIN unit su ON a.org_kind = 'unit' AND su.id = a.org_id \
               WHERE a.id = $1";
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}
