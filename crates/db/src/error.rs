//! Errors of the database layer.

/// What can go wrong below the service layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names no backend we support.
    #[error("不支持的数据库地址 `{0}`：请使用 sqlite:// 或 postgres:// 开头的地址")]
    UnsupportedUrl(String),
    /// The database could not be reached or opened.
    #[error("无法连接数据库 {url}：{source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database was too busy to serve the request within its bounded wait.
    #[error("数据库繁忙：{0}")]
    Busy(&'static str),
    /// Any other driver error.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

impl DbError {
    /// True when the error is a unique-constraint violation (same on both backends).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Sqlx(sqlx::Error::Database(d)) if d.is_unique_violation())
    }

    /// True when the request should be answered "系统繁忙，请稍后重试" (503) and may be
    /// retried: nothing was written.
    pub fn is_busy(&self) -> bool {
        match self {
            DbError::Busy(_) => true,
            DbError::Sqlx(e) => is_busy_error(e),
            _ => false,
        }
    }
}

/// True when a driver error means "too busy now, try again": no pooled connection came
/// within the wait, SQLite's write lock stayed taken past the busy timeout, or PostgreSQL
/// gave up waiting for a lock.
pub fn is_busy_error(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(d) => {
            // SQLITE_BUSY (5), SQLITE_LOCKED (6) and their extended codes; PostgreSQL
            // lock_not_available and query_canceled (a statement or lock timeout).
            let code = d.code();
            let code = code.as_deref().unwrap_or("");
            matches!(code, "55P03" | "57014")
                || code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
        }
        _ => false,
    }
}

/// True when an error (or one found in an error chain) is the database being busy.
pub fn is_busy_cause(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<DbError>().is_some_and(DbError::is_busy)
        || e.downcast_ref::<sqlx::Error>().is_some_and(is_busy_error)
}

/// Result alias of this crate.
pub type DbResult<T> = Result<T, DbError>;
