//! 动态口令 — the TOTP second factor for staff (RFC 6238: 6 digits, 30 s, one step of
//! clock skew). Secrets are sealed like identity numbers, and each time step is accepted
//! once, so an overheard code cannot be replayed.

use totp_rs::{Builder, Secret, Totp};
use zc_db::{Db, accounts, audit::AuditEvent};

use crate::{FieldErrors, ServiceError, ServiceResult, pii::PiiVault};

const ISSUER: &str = "GuangxiZhicheng";

/// A new random secret in base32, as authenticator apps take it.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret_b32: &str, account: &str) -> ServiceResult<Totp> {
    let secret =
        Secret::try_from_base32(secret_b32).map_err(|e| anyhow::anyhow!("TOTP secret: {e}"))?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account.to_string())
        .with_issuer(Some(ISSUER))
        .build()
        .map_err(|e| ServiceError::internal(anyhow::anyhow!("TOTP: {e}")))
}

/// The `otpauth://` address that authenticator apps import.
pub fn otpauth_url(secret_b32: &str, account: &str) -> ServiceResult<String> {
    totp(secret_b32, account)?
        .to_url()
        .map_err(|e| ServiceError::internal(anyhow::anyhow!("TOTP url: {e}")))
}

/// The code an authenticator shows now (for tests and the demo banner).
pub fn current_code(secret_b32: &str) -> ServiceResult<String> {
    Ok(totp(secret_b32, "x")?.generate_current().to_string())
}

fn wrong_code() -> ServiceError {
    let mut errors = FieldErrors::default();
    errors.add(
        "code",
        "动态口令不正确或已使用，请输入验证器上显示的最新6位数字",
    );
    ServiceError::Invalid(errors)
}

/// Checks a code for an account that has a secret; each time step counts once.
#[tracing::instrument(skip_all)]
pub async fn verify(
    db: &Db,
    vault: &PiiVault,
    account: &accounts::Account,
    code: &str,
) -> ServiceResult<()> {
    let sealed = account
        .totp_secret_sealed
        .as_deref()
        .ok_or(ServiceError::NotFound)?;
    let secret = vault.open(sealed)?;
    // Codes count toward the account's lock like passwords, and the try is taken before
    // the code is compared: five wrong codes end the pending sign-in and lock the name.
    let key = crate::accounts::login_key(&account.login_name);
    let since = db.now() - chrono::Duration::minutes(crate::accounts::LOCK_MINUTES);
    if accounts::take_attempt(db, &key, None, since).await? > crate::accounts::MAX_FAILURES {
        return Err(crate::accounts::locked());
    }
    let Some(step) = totp(&secret, &account.login_name)?.check_current(code.trim()) else {
        return Err(wrong_code());
    };
    // A code already used in its window is refused: the step only moves forward.
    if !accounts::advance_totp_step(db, account.id, step as i64).await? {
        return Err(wrong_code());
    }
    accounts::clear_failures(db, &key).await?;
    Ok(())
}

/// Enrols a secret after the person proves their authenticator shows its codes.
#[tracing::instrument(skip_all)]
pub async fn enroll(
    db: &Db,
    vault: &PiiVault,
    account: &accounts::Account,
    secret_b32: &str,
    code: &str,
    ip: &str,
) -> ServiceResult<()> {
    let Some(step) = totp(secret_b32, &account.login_name)?.check_current(code.trim()) else {
        return Err(wrong_code());
    };
    let mut tx = db.begin_write().await?;
    accounts::set_totp_secret(&mut tx, account.id, &vault.seal(secret_b32)).await?;
    let object = format!("account:{}", account.id);
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account.id),
            actor_role: Some(&account.role),
            action: "totp.enroll",
            object: &object,
            result: "ok",
            detail: "绑定动态口令验证器",
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    accounts::advance_totp_step(db, account.id, step as i64).await?;
    Ok(())
}

/// Gives an account a secret directly (demo staff, whose secrets are printed at start).
#[tracing::instrument(skip_all)]
pub async fn assign_secret(
    db: &Db,
    vault: &PiiVault,
    account_id: i64,
    secret_b32: &str,
) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    accounts::set_totp_secret(&mut tx, account_id, &vault.seal(secret_b32)).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_urls_come_from_the_secret() {
        let s = new_secret();
        assert!(s.len() >= 26, "at least 128 bits");
        let code = current_code(&s).unwrap();
        assert_eq!(code.len(), 6);
        assert!(totp(&s, "a").unwrap().check_current(&code).is_some());
        let url = otpauth_url(&s, "zhigaiban").unwrap();
        assert!(
            url.starts_with("otpauth://totp/GuangxiZhicheng:zhigaiban?"),
            "{url}"
        );
    }
}
