//! zc-db — the database seam.
//!
//! One [`Db`] value wraps either a native SQLite pool or a native PostgreSQL pool. Queries
//! are written once in the portable subset of SQL (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`) and expanded once per backend by [`with_pool!`] and [`with_tx!`]; the few
//! places where the dialects really differ are marked at the call site.

mod db;
mod error;

pub mod accounts;
pub mod applicants;
pub mod application_files;
pub mod applications;
pub mod archive;
pub mod audit;
pub mod ballots;
pub mod bulk_seed;
pub mod calendar;
pub mod captcha;
pub mod certificates;
pub mod expert_enrolments;
pub mod experts;
pub mod exports;
pub mod jobs;
pub mod mail;
pub mod meetings;
pub mod messages;
pub mod organisations;
pub mod reference;
pub mod result_publicity;
pub mod return_templates;
pub mod review_plans;
pub mod review_queue;
pub mod seed;
pub mod session_store;
pub mod sms;
pub mod stage_windows;
pub mod test_support;
pub mod unit_review;
pub mod units;

pub use db::{Backend, Db, DbOptions, Tx, redact_url};
pub use error::{DbError, DbResult};

/// Runs `$body` with `$p` bound to the backend's native pool.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the backend's native transaction (`&mut Transaction`);
/// use `&mut **$c` as the executor.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite($c) => $body,
            $crate::Tx::Postgres($c) => $body,
        }
    };
}
