//! 短时缓存 — a value a page reads often and that changes rarely (today's calendar facts,
//! the series and committees of the filter forms), kept in this server's memory for at
//! most a minute. Each server keeps its own: an edit made through another server shows
//! here within that minute, and this server forgets at once what it edited itself. Rules
//! and deadlines never read from here; they read the database.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// How long a kept value is used.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

/// One kept value with the time it was read.
#[derive(Debug)]
pub struct Fresh<T> {
    kept: Mutex<Option<(Instant, Arc<T>)>>,
}

impl<T> Default for Fresh<T> {
    fn default() -> Self {
        Self {
            kept: Mutex::new(None),
        }
    }
}

impl<T> Fresh<T> {
    /// The kept value, if read less than [`FRESH_FOR`] ago and `still(value)` holds.
    pub fn get(&self, still: impl Fn(&T) -> bool) -> Option<Arc<T>> {
        let kept = self.kept.lock().ok()?;
        match &*kept {
            Some((at, v)) if at.elapsed() < FRESH_FOR && still(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// Keeps `value` from now on.
    pub fn keep(&self, value: T) -> Arc<T> {
        let value = Arc::new(value);
        if let Ok(mut kept) = self.kept.lock() {
            *kept = Some((Instant::now(), value.clone()));
        }
        value
    }

    /// Drops the kept value (after this server changed what it was read from).
    pub fn forget(&self) {
        if let Ok(mut kept) = self.kept.lock() {
            *kept = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_value_is_used_until_forgotten_or_no_longer_wanted() {
        let fresh = Fresh::default();
        assert!(fresh.get(|_: &u32| true).is_none());
        fresh.keep(7_u32);
        assert_eq!(fresh.get(|_| true).as_deref(), Some(&7));
        assert!(
            fresh.get(|v| *v == 8).is_none(),
            "the caller's check decides"
        );
        fresh.forget();
        assert!(fresh.get(|_| true).is_none());
    }
}
