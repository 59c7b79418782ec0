//! 图片验证码 — asked after a failed login from the account or the address (or always,
//! when configured). It is friction on top of the lockout, not authentication, and the
//! SMS login is always offered beside it for people who cannot read it.

use chrono::Duration;
use zc_db::{Db, accounts};

use crate::ServiceResult;

/// Characters used: no 0/O, 1/I/L look-alikes.
const ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A fresh captcha: its id (for the form) only; the answer stays in the database.
#[tracing::instrument(skip_all)]
pub async fn new_captcha(db: &Db) -> ServiceResult<String> {
    let (answer, png) = tokio::task::spawn_blocking(|| {
        let mut c = captcha::Captcha::new();
        let allowed: Vec<char> = c
            .supported_chars()
            .into_iter()
            .filter(|ch| ALPHABET.contains(*ch))
            .collect();
        c.set_chars(&allowed)
            .add_chars(4)
            .apply_filter(captcha::filters::Noise::new(0.1))
            .view(200, 70);
        (c.chars_as_string(), c.as_png())
    })
    .await
    .map_err(anyhow::Error::from)?;
    let png = png.ok_or_else(|| anyhow::anyhow!("captcha image could not be encoded"))?;
    let id = format!("{:032x}", rand::random::<u128>());
    zc_db::captcha::insert(db, &id, &answer, &png, db.now() + Duration::minutes(5)).await?;
    Ok(id)
}

/// Checks an answer; the captcha is used up whatever the outcome.
#[tracing::instrument(skip_all)]
pub async fn check_captcha(db: &Db, id: &str, answer: &str) -> ServiceResult<bool> {
    if id.is_empty() || id.len() > 64 {
        return Ok(false);
    }
    let Some(expected) = zc_db::captcha::take(db, id).await? else {
        return Ok(false);
    };
    let given: String = answer.split_whitespace().collect::<String>().to_uppercase();
    Ok(given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0)
}

/// Failed logins from one address within the lock window that put a captcha in front of
/// every login from there. One typo must not: behind an office or campus NAT hundreds of
/// people share an address; a stream of failures across accounts is abuse.
pub const ADDRESS_FAILURES_FOR_CAPTCHA: i64 = 10;

/// Whether a login needs a captcha: `always`, a recent failure of this login key, or a
/// run of failures from this address.
#[tracing::instrument(skip_all)]
pub async fn captcha_required(
    db: &Db,
    always: bool,
    login_key: Option<&str>,
    ip: &str,
) -> ServiceResult<bool> {
    if always {
        return Ok(true);
    }
    let since = db.now() - Duration::minutes(crate::accounts::LOCK_MINUTES);
    if accounts::failures_from_since(db, ip, since).await? >= ADDRESS_FAILURES_FOR_CAPTCHA {
        return Ok(true);
    }
    Ok(match login_key {
        Some(key) => accounts::failures_since(db, key, since).await? > 0,
        None => false,
    })
}
