//! The [`Db`] handle, its connection options and write transactions.

use std::{str::FromStr, sync::Arc, time::Duration};

use sqlx::{
    PgPool, Postgres, Sqlite, SqlitePool, Transaction,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use zc_domain::Clock;

use crate::{
    DbError, DbResult,
    held_transactions::HeldTx,
    memo::{Forget, Memo},
};

// Servers are upgraded one at a time: the first server of a new release migrates, and a
// server of the previous release that restarts afterwards must still start. It finds
// migrations it does not know in the database and, with `ignore_missing`, runs on
// (migrations are additive, see `tests/migrations.rs`).
static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("./migrations/sqlite")
};
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("./migrations/postgres")
};

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A pool on one of the two supported backends. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite has one writer at a time; [`WriteGate`] queues this process's writers fairly
    /// before they take a connection.
    Sqlite(SqlitePool, WriteGate, Arc<Shared>),
    Postgres(PgPool, Arc<Shared>),
}

/// What every handle to one database shares besides its pool.
#[derive(Debug)]
pub struct Shared {
    audit_key: AuditKey,
    memo: Memo,
    clock: Clock,
}

/// The key the audit chain is computed with (HMAC-SHA256). It lives outside the database
/// (in `keys_dir`), so write access to the database alone cannot rewrite the chain.
#[derive(Clone)]
pub struct AuditKey(Arc<[u8; 32]>);

impl AuditKey {
    /// A key of 32 bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(Arc::new(bytes))
    }

    /// The key's bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Default for AuditKey {
    /// All zeros: for tools and tests that open a database without the keys folder. A
    /// chain written with it verifies only with it.
    fn default() -> Self {
        Self::new([0; 32])
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey([redacted])")
    }
}

/// The queue in front of SQLite's single writer. Writers wait here, in arrival order and
/// without a connection, so that waiting writers never take the connections readers need
/// (and never spin in SQLite's busy handler).
#[derive(Clone, Debug)]
pub struct WriteGate {
    permits: Arc<Semaphore>,
    wait: Duration,
}

/// A write transaction on either backend. While it lives, the task that opened it must not
/// ask the pool for another connection (see [`crate::held_transactions`]).
pub struct Tx {
    #[doc(hidden)]
    pub inner: TxInner,
    /// The audit chain's key, for events written in this transaction.
    pub(crate) audit_key: AuditKey,
    /// The handle's shared part, whose memory this transaction's changes are forgotten in.
    shared: Arc<Shared>,
    /// The platform's clock, for times this transaction writes.
    pub(crate) clock: Clock,
    /// What this transaction changed that servers may remember; forgotten here on commit.
    forgets: Vec<Forget>,
    // Dropped after the transaction: the next writer goes once this one is rolled back.
    _gate: Option<OwnedSemaphorePermit>,
    _held: HeldTx,
}

/// The backend's native transaction inside a [`Tx`]; reached through [`crate::with_tx!`].
#[doc(hidden)]
pub enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Pool tuning; the defaults suit one 2-core server.
///
/// Every wait is bounded well under the 30-second request timeout, so an overloaded server
/// answers "系统繁忙" (503) while the person is still there, never a late 500.
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    /// How long a request waits for a pooled connection (and, on SQLite, for its turn to
    /// write) before it is answered 503.
    pub acquire_timeout: Duration,
    /// How long a statement waits for a lock another connection holds: SQLite's busy
    /// timeout (another process writing), PostgreSQL's `lock_timeout` (a row being changed).
    pub busy_timeout: Duration,
    /// The audit chain's key.
    pub audit_key: AuditKey,
    /// Where every "now" and "today" comes from (tests set it).
    pub clock: Clock,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            // Sixteen suits both engines on two cores: SQLite reads in parallel under WAL
            // while writers queue at the gate, and PostgreSQL keeps a process per connection,
            // so more would only add context switches. Requests beyond it wait their turn.
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            busy_timeout: Duration::from_secs(5),
            audit_key: AuditKey::default(),
            clock: Clock::system(),
        }
    }
}

impl Db {
    /// Opens a pool for `url` (`sqlite://…` or `postgres://…`); a SQLite file is created
    /// when missing. Fails fast when the database cannot be reached.
    pub async fn connect(url: &str, opts: &DbOptions) -> DbResult<Db> {
        let connect_err = |source| DbError::Connect {
            url: redact_url(url),
            source,
        };
        if url.starts_with("sqlite:") {
            // The measured settings from architecture.md: WAL, NORMAL sync, 256 MB mmap and
            // a busy timeout; never ANALYZE (STAT4 re-plans cached statements). For the same
            // reason every `LIMIT` parameter is written `LIMIT CAST($n AS BIGINT)`: SQLite
            // plans a bare LIMIT parameter for the value bound, so each new binding threw the
            // cached statement away and parsed it again (a fifth of a queue page's time);
            // tests/sql_conventions.rs keeps it so.
            let options = SqliteConnectOptions::from_str(url)
                .map_err(connect_err)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(opts.busy_timeout)
                .foreign_keys(true)
                .pragma("mmap_size", "268435456");
            let pool = SqlitePoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .map_err(connect_err)?;
            let gate = WriteGate {
                permits: Arc::new(Semaphore::new(1)),
                wait: opts.acquire_timeout,
            };
            // One process owns a SQLite file's traffic, so its memory needs no listener.
            Ok(Db::Sqlite(pool, gate, Shared::new(opts, Memo::new(true))))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let lock_timeout = format!("{}ms", opts.busy_timeout.as_millis());
            let options = PgConnectOptions::from_str(url)
                .map_err(connect_err)?
                .options([("lock_timeout", lock_timeout.as_str())]);
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(opts.acquire_timeout)
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .map_err(connect_err)?;
            // Memory is trusted once `memo::follow_forgets` listens for other servers' writes.
            Ok(Db::Postgres(pool, Shared::new(opts, Memo::new(false))))
        } else {
            Err(DbError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// The engine behind this handle.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(..) => Backend::Postgres,
        }
    }

    fn shared(&self) -> &Arc<Shared> {
        match self {
            Db::Sqlite(.., s) | Db::Postgres(.., s) => s,
        }
    }

    /// The audit chain's key.
    pub fn audit_key(&self) -> &AuditKey {
        &self.shared().audit_key
    }

    /// This server's memory of sessions and unread counts.
    pub fn memo(&self) -> &Memo {
        &self.shared().memo
    }

    /// The platform's clock.
    pub fn clock(&self) -> &Clock {
        &self.shared().clock
    }

    /// Now, by the platform's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.shared().clock.now()
    }

    /// Today's date in China, by the platform's clock.
    pub fn today(&self) -> NaiveDate {
        self.shared().clock.today()
    }

    /// Applies the embedded migrations. On PostgreSQL sqlx holds an advisory lock while
    /// migrating, so several servers may start against one database at the same time.
    pub async fn migrate(&self) -> DbResult<()> {
        match self {
            Db::Sqlite(p, ..) => SQLITE_MIGRATOR.run(p).await?,
            Db::Postgres(p, ..) => {
                // Another server may be migrating: wait for its advisory lock as long as it
                // takes, not the requests' lock timeout.
                let mut conn = p.acquire().await?;
                sqlx::query("SET lock_timeout = 0")
                    .execute(&mut *conn)
                    .await?;
                POSTGRES_MIGRATOR.run(&mut *conn).await?;
                sqlx::query("RESET lock_timeout")
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Starts a transaction that may write. On SQLite it is `BEGIN IMMEDIATE`: a deferred
    /// transaction that reads and then writes fails with "database is locked" under
    /// concurrency instead of waiting for the busy timeout.
    ///
    /// On SQLite the writer first waits its turn at the [`WriteGate`], then takes a
    /// connection, so the lock is free when it asks and readers keep their connections.
    pub async fn begin_write(&self) -> DbResult<Tx> {
        crate::held_transactions::assert_none_held();
        Ok(match self {
            Db::Sqlite(p, gate, shared) => {
                let permit = tokio::time::timeout(gate.wait, gate.permits.clone().acquire_owned())
                    .await
                    .map_err(|_| DbError::Busy("等待写入超时"))?
                    .map_err(|_| DbError::Busy("写入队列已关闭"))?;
                Tx {
                    inner: TxInner::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
                    audit_key: shared.audit_key.clone(),
                    clock: shared.clock.clone(),
                    shared: shared.clone(),
                    forgets: Vec::new(),
                    _gate: Some(permit),
                    _held: HeldTx::enter(),
                }
            }
            Db::Postgres(p, shared) => Tx {
                inner: TxInner::Postgres(p.begin().await?),
                audit_key: shared.audit_key.clone(),
                clock: shared.clock.clone(),
                shared: shared.clone(),
                forgets: Vec::new(),
                _gate: None,
                _held: HeldTx::enter(),
            },
        })
    }

    /// Cheap liveness query for `/readyz`.
    pub async fn ping(&self) -> DbResult<()> {
        crate::with_pool!(self, p => sqlx::query("SELECT 1").execute(p).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Closes every connection; used at shutdown and by tests before dropping a database.
    pub async fn close(&self) {
        crate::with_pool!(self, p => p.close().await)
    }
}

impl Tx {
    /// Commits the transaction, then forgets here what it changed.
    pub async fn commit(self) -> DbResult<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        for what in &self.forgets {
            self.shared.memo.forget(what);
        }
        Ok(())
    }

    /// Names something this transaction changes that servers may remember. Other servers
    /// hear of it when the transaction commits (`pg_notify` is transactional), this one
    /// in [`Tx::commit`]; a rollback tells no one.
    pub async fn forget_on_commit(&mut self, what: Forget) -> DbResult<()> {
        // A transaction that moves a dossier several times names its owner once.
        if self.forgets.contains(&what) {
            return Ok(());
        }
        if let TxInner::Postgres(t) = &mut self.inner {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::memo::CHANNEL)
                .bind(what.payload())
                .execute(&mut **t)
                .await?;
        }
        self.forgets.push(what);
        Ok(())
    }

    /// Names the account whose home page a compare-and-set write changed, if it matched a
    /// row (`RETURNING` the owner); true when it did.
    pub async fn forget_home_of(&mut self, account: Option<i64>) -> DbResult<bool> {
        match account {
            Some(a) => self.forget_on_commit(Forget::Home(a)).await.map(|()| true),
            None => Ok(false),
        }
    }

    /// Now, by the platform's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today's date in China, by the platform's clock.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }
}

impl Shared {
    fn new(opts: &DbOptions, memo: Memo) -> Arc<Shared> {
        Arc::new(Shared {
            audit_key: opts.audit_key.clone(),
            memo,
            clock: opts.clock.clone(),
        })
    }
}

/// Hides the password part of a database URL so it can be logged or shown.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_appear_in_shown_urls() {
        assert_eq!(
            redact_url("postgres://zc:s3cret@db:5432/zc"),
            "postgres://zc:***@db:5432/zc"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(
            redact_url("sqlite://data/zhicheng.db"),
            "sqlite://data/zhicheng.db"
        );
    }
}
