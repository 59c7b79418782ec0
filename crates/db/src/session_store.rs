//! Server-side session storage over [`Db`], so that any number of stateless servers can
//! share sessions and logout really ends a session everywhere.
//!
//! Loads are served from the server's [`crate::memo`] when it holds the record; every
//! write here announces the change, so a session saved or ended on one server is
//! forgotten on all of them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
};

use crate::{Db, memo::Forget, with_pool};

/// A [`SessionStore`] that keeps records in the `session` table.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    /// Wraps a database handle.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Ends every session whose data names the given account (used on password reset,
    /// disabling and logout-everywhere). Returns how many were removed.
    pub async fn delete_for_account(&self, account_id: i64) -> Result<u64, sqlx::Error> {
        let sql = "DELETE FROM session WHERE account_id = $1";
        let done = with_pool!(&self.db, p => sqlx::query(sql).bind(account_id).execute(p).await
            .map(|r| r.rows_affected()))?;
        announce(&self.db, Forget::SessionsOf(account_id)).await?;
        Ok(done)
    }
}

/// The session-data key under which the logged-in account id is kept.
pub const ACCOUNT_ID_KEY: &str = "account_id";

fn account_of(record: &Record) -> Option<i64> {
    record.data.get(ACCOUNT_ID_KEY).and_then(|v| v.as_i64())
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// Tells every server that a session changed. If the notification cannot be sent the
/// write has still happened, so the error is the caller's to report.
async fn announce(db: &Db, what: Forget) -> Result<(), sqlx::Error> {
    db.announce(what).await.map_err(|e| match e {
        crate::DbError::Sqlx(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits; on the astronomically rare collision, draw again.
        let data = serde_json::to_string(&record.data).map_err(backend)?;
        let expiry = to_chrono(record.expiry_date);
        let sql = "INSERT INTO session (id, account_id, data, expiry_date) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING";
        loop {
            let id = record.id.to_string();
            let inserted = with_pool!(&self.db, p => sqlx::query(sql).bind(&id)
                .bind(account_of(record)).bind(&data)
                .bind(expiry).execute(p).await.map(|r| r.rows_affected()))
            .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data).map_err(backend)?;
        let sql = "INSERT INTO session (id, account_id, data, expiry_date) \
                   VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET \
                   account_id = excluded.account_id, data = excluded.data, \
                   expiry_date = excluded.expiry_date";
        let saved = with_pool!(&self.db, p => sqlx::query(sql).bind(record.id.to_string())
            .bind(account_of(record)).bind(&data)
            .bind(to_chrono(record.expiry_date)).execute(p).await.map(|r| r.rows_affected()));
        match saved {
            Ok(_) => announce(&self.db, Forget::Session(record.id.to_string()))
                .await
                .map_err(backend),
            // The save runs after the handler answered, perhaps after its change committed:
            // a busy database must not turn that answer into an error page. The stored
            // session stays valid until its previous expiry; only this refresh is lost.
            Err(e) if crate::is_busy_error(&e) => {
                tracing::warn!(error = %e, "session not refreshed: database busy");
                Ok(())
            }
            Err(e) => Err(backend(e)),
        }
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let memo = self.db.memo();
        if let Some(record) = memo.session(&session_id.to_string()) {
            return Ok(Some(record));
        }
        let ticket = memo.ticket();
        // Expiry dates are set by tower-sessions from the system clock, so they are read
        // against it too, not against the platform's (settable) clock.
        let sql = "SELECT data, expiry_date FROM session WHERE id = $1 AND expiry_date > $2";
        let row: Option<(String, DateTime<Utc>)> = with_pool!(&self.db, p =>
            sqlx::query_as(sql).bind(session_id.to_string()).bind(Utc::now())
                .fetch_optional(p).await)
        .map_err(backend)?;
        let Some((data, expiry)) = row else {
            return Ok(None);
        };
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp(expiry.timestamp()).map_err(backend)?;
        let record = Record {
            id: *session_id,
            data: serde_json::from_str(&data).map_err(backend)?,
            expiry_date,
        };
        if let Some(ticket) = ticket {
            memo.keep_session(ticket, &record);
        }
        Ok(Some(record))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        let sql = "DELETE FROM session WHERE id = $1";
        with_pool!(&self.db, p => sqlx::query(sql).bind(session_id.to_string()).execute(p).await.map(|r| r.rows_affected()))
            .map_err(backend)?;
        announce(&self.db, Forget::Session(session_id.to_string()))
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let sql = "DELETE FROM session WHERE expiry_date <= $1";
        with_pool!(&self.db, p => sqlx::query(sql).bind(Utc::now()).execute(p).await.map(|r| r.rows_affected()))
            .map_err(backend)?;
        Ok(())
    }
}
