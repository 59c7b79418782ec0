//! What the load harnesses share: signing staff in (with the demo TOTP secrets), reading a
//! page's CSRF token and the percentiles they report. Each harness uses part of it.
#![allow(dead_code)]

use std::time::Duration;

#[path = "../../tests/app/dossier.rs"]
#[allow(dead_code)]
pub mod dossier;

/// The `p` percentile of sorted durations, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// The CSRF token of a page.
pub fn csrf(page: &str) -> anyhow::Result<String> {
    dossier::csrf_in(page).ok_or_else(|| anyhow::anyhow!("no CSRF token"))
}

/// A browser: cookies kept, redirects not followed (so they can be checked).
pub fn browser() -> anyhow::Result<reqwest::Client> {
    Ok(dossier::browser())
}

/// Signs a staff member in at `/login`, answering the TOTP step with the demo secret.
pub async fn staff_sign_in(
    base: &str,
    db: &zc_db::Db,
    login: &str,
    password: &str,
    totp: &[(String, String)],
) -> anyhow::Result<reqwest::Client> {
    let client = browser()?;
    let token = csrf(&client.get(format!("{base}/")).send().await?.text().await?)?;
    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("login_name", login),
            ("password", password),
            ("_csrf", &token),
        ])
        .send()
        .await?;
    let to = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if to == "/login/totp" {
        // A code may be used once per step; a second sign-in in the same step needs this.
        zc_db::with_pool!(db, p => sqlx::query("UPDATE account SET totp_last_step = NULL WHERE login_name = $1")
            .bind(login).execute(p).await.map(|_| ()))?;
        let secret = &totp
            .iter()
            .find(|(l, _)| l == login)
            .ok_or_else(|| anyhow::anyhow!("no TOTP secret for {login}"))?
            .1;
        let code = zc_services::totp::current_code(secret)?;
        let token = csrf(&client.get(format!("{base}/")).send().await?.text().await?)?;
        client
            .post(format!("{base}/login/totp"))
            .form(&[("code", code.as_str()), ("_csrf", &token)])
            .send()
            .await?;
    }
    Ok(client)
}

/// Signs an applicant in at `/my/login` with an ID number, phone or e-mail.
pub async fn applicant_sign_in(
    base: &str,
    identifier: &str,
    password: &str,
) -> anyhow::Result<reqwest::Client> {
    dossier::applicant_signed_in(base, identifier, password)
        .await
        .ok_or_else(|| anyhow::anyhow!("{identifier} did not sign in"))
}
