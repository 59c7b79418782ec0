//! zc-db — the database seam.
//!
//! One [`Db`] value wraps either a native SQLite pool or a native PostgreSQL pool. Queries
//! are written once in the portable subset of SQL (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`) and expanded once per backend by [`with_pool!`] and [`with_tx!`]; the few
//! places where the dialects really differ are marked at the call site.

mod db;
mod error;
pub mod held_transactions;

pub mod accounts;
pub mod address_hits;
pub mod applicants;
pub mod application_files;
pub mod applications;
pub mod archive;
pub mod audit;
pub mod backup;
pub mod ballots;
pub mod bulk_seed;
pub mod calendar;
pub mod captcha;
pub mod certificates;
pub mod deliveries;
pub mod dictionary;
pub mod expert_enrolments;
pub mod experts;
pub mod exports;
pub mod fee_items;
pub mod feedback;
pub mod filing_guides;
pub mod jobs;
pub mod loss_notices;
pub mod mail;
pub mod meetings;
pub mod memo;
pub mod messages;
pub mod ops_gauges;
pub mod organisations;
pub mod payment_notifies;
pub mod payment_orders;
pub mod portal_home;
pub mod queue_tally;
pub mod recognition;
pub mod reference;
pub mod result_publicity;
pub mod return_templates;
pub mod review_plans;
pub mod review_queue;
pub mod seed;
pub mod service_ratings;
pub mod session_store;
pub mod sms;
pub mod stage_windows;
pub mod statistics;
pub mod test_support;
pub mod unit_changes;
pub mod unit_review;
pub mod units;

pub use db::{AuditKey, Backend, Db, DbOptions, Tx, TxInner, WriteGate, redact_url};
pub use error::{DbError, DbResult, is_busy_cause, is_busy_error};

/// Where a query runs: on the pool, or inside the caller's open transaction. Read functions
/// that a use case may need inside its transaction take `impl Into<Conn>`, so the same
/// function serves `db` before the transaction and `&mut tx` within it.
pub enum Conn<'a> {
    Pool(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Conn<'a> {
    fn from(db: &'a Db) -> Self {
        Conn::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Conn::Tx(tx)
    }
}

/// Runs `$body` with `$p` bound to the backend's native pool. Panics in debug builds when
/// the calling task holds a transaction (see [`held_transactions`]).
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {{
        $crate::held_transactions::assert_none_held();
        match $db {
            $crate::Db::Sqlite($p, ..) => $body,
            $crate::Db::Postgres($p, ..) => $body,
        }
    }};
}

/// Runs `$body` with `$c` bound to the backend's native transaction (`&mut Transaction`);
/// use `&mut **$c` as the executor.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::TxInner::Sqlite($c) => $body,
            $crate::TxInner::Postgres($c) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to an executor for a [`Conn`]: the pool, or the open
/// transaction's connection (`&mut *Connection`).
#[macro_export]
macro_rules! with_conn {
    ($conn:expr, $c:ident => $body:expr) => {
        match ::core::convert::Into::<$crate::Conn<'_>>::into($conn) {
            $crate::Conn::Pool(db) => $crate::with_pool!(db, $c => $body),
            $crate::Conn::Tx(tx) => $crate::with_tx!(tx, t => {
                let $c = &mut **t;
                $body
            }),
        }
    };
}
