//! Argon2id password hashing, run on the blocking pool so it never stalls the runtime
//! and never inside a database transaction. Each hash holds 19 MiB for its duration, so
//! a flood of logins could take the machine's memory: at most [`max_in_flight`] run at
//! once and the rest wait their turn.

use std::sync::{
    LazyLock,
    atomic::{AtomicUsize, Ordering},
};

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

/// Hashes that may run at once: two per core, at least two (about 40 MiB per core).
pub fn max_in_flight() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get() * 2)
}

static PERMITS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(max_in_flight()));
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most hashes that have run at the same moment since start (for the metrics page
/// and the test that proves the bound).
pub fn peak_in_flight() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Runs one Argon2 job under the bound.
async fn bounded<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let _permit = PERMITS.acquire().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        let out = job();
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        out
    })
    .await?)
}

/// Hashes a password with a fresh salt (PHC string).
#[tracing::instrument(skip_all)]
pub async fn hash(password: String) -> anyhow::Result<String> {
    bounded(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2 hash failed: {e}"))
    })
    .await?
}

/// Checks a password against a stored PHC string; a malformed hash never matches.
#[tracing::instrument(skip_all)]
pub async fn verify(password: String, phc: String) -> anyhow::Result<bool> {
    bounded(move || {
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return Ok(false);
        };
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// A valid hash of a random secret, checked against when the account does not exist so
/// that unknown and known accounts take the same time to refuse.
#[tracing::instrument(skip_all)]
pub async fn decoy() -> String {
    use std::sync::OnceLock;
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(h) = DECOY.get() {
        return h.clone();
    }
    let secret = format!("{:032x}", rand::random::<u128>());
    let h = hash(secret).await.unwrap_or_default();
    DECOY.get_or_init(|| h).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_of_hashes_runs_no_more_than_the_bound_at_once() {
        let tasks: Vec<_> = (0..max_in_flight() * 4)
            .map(|i| tokio::spawn(hash(format!("flood-{i}"))))
            .collect();
        for t in tasks {
            assert!(t.await.unwrap().unwrap().starts_with("$argon2id$"));
        }
        assert!(
            peak_in_flight() <= max_in_flight(),
            "{} > {}",
            peak_in_flight(),
            max_in_flight()
        );
        assert!(peak_in_flight() >= 1);
    }
}
