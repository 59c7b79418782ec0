//! Argon2id password hashing, run on the blocking pool so it never stalls the runtime
//! and never inside a database transaction.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

/// Hashes a password with a fresh salt (PHC string).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2 hash failed: {e}"))
    })
    .await?
}

/// Checks a password against a stored PHC string; a malformed hash never matches.
pub async fn verify(password: String, phc: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
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
