//! 备份 — a consistent copy of a SQLite database taken while it serves, and the counts a
//! restored copy is checked against.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Db, DbResult};

/// What a backup holds, counted when it was taken and again after a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub accounts: i64,
    pub applications: i64,
    pub certificates: i64,
    pub audit_events: i64,
    pub files: i64,
}

/// The rows a backup is checked by.
pub async fn counts(db: &Db) -> DbResult<Counts> {
    let sql = "SELECT (SELECT COUNT(*) FROM account), (SELECT COUNT(*) FROM application), \
               (SELECT COUNT(*) FROM certificate), (SELECT COUNT(*) FROM audit_event), \
               (SELECT COUNT(*) FROM application_file)";
    let (accounts, applications, certificates, audit_events, files): (i64, i64, i64, i64, i64) =
        crate::with_pool!(db, p => sqlx::query_as(sql).fetch_one(p).await)?;
    Ok(Counts {
        accounts,
        applications,
        certificates,
        audit_events,
        files,
    })
}

/// Writes a consistent copy of a SQLite database to `to` (`VACUUM INTO`: one read
/// transaction, so writers carry on and the copy is one instant); `None` on PostgreSQL,
/// whose copies are made with its own tools.
pub async fn vacuum_into(db: &Db, to: &Path) -> DbResult<Option<()>> {
    let Db::Sqlite(pool, ..) = db else {
        return Ok(None);
    };
    crate::held_transactions::assert_none_held();
    sqlx::query("VACUUM INTO $1")
        .bind(to.to_string_lossy().to_string())
        .execute(pool)
        .await?;
    Ok(Some(()))
}
