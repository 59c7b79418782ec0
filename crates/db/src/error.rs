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
    /// Any other driver error.
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

impl DbError {
    /// True when the error is a unique-constraint violation (same on both backends).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Sqlx(sqlx::Error::Database(d)) if d.is_unique_violation())
    }
}

/// Result alias of this crate.
pub type DbResult<T> = Result<T, DbError>;
