//! A tripwire against the pool deadlock: a request that holds a write transaction and asks
//! the pool for a second connection waits for a connection that may never free — once as
//! many requests as the pool has connections do the same, they all stall until a timeout.
//!
//! Every open [`crate::Tx`] registers the task (or, outside a task, the thread) that opened
//! it; [`assert_none_held`] runs before every pooled query and every new transaction and
//! panics in debug builds when the caller still holds one. The test suites therefore fail on
//! the first use case that reads through `&Db` inside its transaction; release builds skip
//! the bookkeeping.

#[cfg(debug_assertions)]
mod tracking {
    use std::{
        collections::HashMap,
        sync::{LazyLock, Mutex},
        thread::ThreadId,
    };

    /// Who holds a transaction: a tokio task, or the thread of a `block_on` (tests' main
    /// futures run outside any task).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Holder {
        Task(tokio::task::Id),
        Thread(ThreadId),
    }

    static HELD: LazyLock<Mutex<HashMap<Holder, u32>>> = LazyLock::new(Default::default);

    pub fn current() -> Holder {
        tokio::task::try_id()
            .map(Holder::Task)
            .unwrap_or_else(|| Holder::Thread(std::thread::current().id()))
    }

    pub fn held(h: Holder) -> bool {
        HELD.lock().map(|m| m.contains_key(&h)).unwrap_or(false)
    }

    pub fn enter(h: Holder) {
        if let Ok(mut m) = HELD.lock() {
            *m.entry(h).or_default() += 1;
        }
    }

    pub fn leave(h: Holder) {
        if let Ok(mut m) = HELD.lock()
            && let Some(n) = m.get_mut(&h)
        {
            *n -= 1;
            if *n == 0 {
                m.remove(&h);
            }
        }
    }
}

/// Marks the current task as holding a transaction for as long as it lives.
#[derive(Debug)]
pub(crate) struct HeldTx {
    #[cfg(debug_assertions)]
    holder: tracking::Holder,
}

impl HeldTx {
    pub(crate) fn enter() -> Self {
        #[cfg(debug_assertions)]
        {
            let holder = tracking::current();
            tracking::enter(holder);
            HeldTx { holder }
        }
        #[cfg(not(debug_assertions))]
        HeldTx {}
    }
}

impl Drop for HeldTx {
    fn drop(&mut self) {
        #[cfg(debug_assertions)]
        tracking::leave(self.holder);
    }
}

/// Panics (debug builds) when the caller holds an open transaction: whatever it wants from
/// the database must go through that transaction, or be read before it began.
#[doc(hidden)]
#[inline]
#[track_caller]
pub fn assert_none_held() {
    #[cfg(debug_assertions)]
    if tracking::held(tracking::current()) {
        panic!(
            "a pooled connection was requested while this task holds a write transaction: \
             read through the transaction (`&mut tx`) or before it begins — otherwise a full \
             pool deadlocks"
        );
    }
}

#[cfg(all(test, debug_assertions))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_held_transaction_is_seen_only_by_its_own_task() {
        let held = HeldTx::enter();
        let other = tokio::spawn(async { std::panic::catch_unwind(assert_none_held).is_ok() });
        assert!(other.await.unwrap(), "another task holds nothing");
        assert!(std::panic::catch_unwind(assert_none_held).is_err());
        drop(held);
        assert_none_held();
    }
}
