//! 账号 — stored accounts. Password hashing happens in the service layer, outside any
//! transaction; this module only stores and reads rows.

use chrono::{DateTime, Utc};

use crate::{Db, DbResult, Tx, with_pool, with_tx};

/// An account row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub login_name: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub org_kind: Option<String>,
    pub org_id: Option<i64>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    /// Sealed TOTP secret of staff who use the second factor.
    pub totp_secret_sealed: Option<String>,
    /// When the password was last set.
    pub password_changed_at: DateTime<Utc>,
    /// The password was set by an administrator and must be changed at sign-in.
    pub initial_password: bool,
    /// 职务 of unit and office staff (负责人 may reveal identity numbers).
    pub duty: Option<String>,
}

/// Fields of a new account.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub login_name: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub org_kind: Option<&'a str>,
    pub org_id: Option<i64>,
    /// 岗位 of office and committee staff.
    pub duty: Option<&'a str>,
}

const COLUMNS: &str = "id, login_name, display_name, password_hash, role, org_kind, org_id, \
                       disabled, created_at, totp_secret_sealed, \
                       COALESCE(password_changed_at, created_at) AS password_changed_at, \
                       initial_password, duty";

/// Inserts an account inside `tx`; a taken login name surfaces as a unique violation.
pub async fn insert(tx: &mut Tx, a: &NewAccount<'_>) -> DbResult<i64> {
    let sql = "INSERT INTO account (login_name, display_name, password_hash, role, org_kind, \
               org_id, disabled, created_at, duty, password_changed_at) \
               VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $8, $7) \
               RETURNING id";
    let id = with_tx!(tx, c => sqlx::query_scalar(sql).bind(a.login_name).bind(a.display_name)
        .bind(a.password_hash).bind(a.role).bind(a.org_kind).bind(a.org_id).bind(tx.clock.now())
        .bind(a.duty).fetch_one(&mut **c).await)?;
    Ok(id)
}

/// Marks the password an administrator just set: its owner must replace it at sign-in.
pub async fn mark_initial_password(tx: &mut Tx, account_id: i64) -> DbResult<()> {
    let sql = "UPDATE account SET initial_password = TRUE WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Looks an account up by its login name.
pub async fn find_by_login(db: &Db, login_name: &str) -> DbResult<Option<Account>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM account WHERE login_name = $1"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(login_name).fetch_optional(p).await)?)
}

/// Looks an account up by id.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<Account>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM account WHERE id = $1"));
    Ok(with_pool!(db, p => sqlx::query_as(sql).bind(id).fetch_optional(p).await)?)
}

/// Every account, ordered by role then login name (small: staff and demo accounts).
pub async fn list_by_role(db: &Db) -> DbResult<Vec<Account>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM account ORDER BY role, login_name LIMIT 200"
    ));
    Ok(with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await)?)
}

/// Number of accounts; zero means a brand-new installation.
pub async fn count(db: &Db) -> DbResult<i64> {
    Ok(with_pool!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM account").fetch_one(p).await)?)
}

/// Records a failed login for `login_key` (the normalised login name).
pub async fn record_failure(db: &Db, login_key: &str, ip: Option<&str>) -> DbResult<()> {
    let sql = "INSERT INTO login_failure (login_key, ip, at) VALUES ($1, $2, $3)";
    with_pool!(db, p => sqlx::query(sql).bind(login_key).bind(ip).bind(db.now())
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes one try for `login_key` before the secret is checked: the try is written first
/// (as a failure, cleared again on success), then the tries since `since` are counted,
/// this one included. However many tries arrive at once, the k-th written sees at least
/// k, so no more than the limit are ever checked.
pub async fn take_attempt(
    db: &Db,
    login_key: &str,
    ip: Option<&str>,
    since: DateTime<Utc>,
) -> DbResult<i64> {
    record_failure(db, login_key, ip).await?;
    failures_since(db, login_key, since).await
}

/// Failed logins for `login_key` since `since`.
pub async fn failures_since(db: &Db, login_key: &str, since: DateTime<Utc>) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM login_failure WHERE login_key = $1 AND at > $2";
    Ok(
        with_pool!(db, p => sqlx::query_scalar(sql).bind(login_key).bind(since)
        .fetch_one(p).await)?,
    )
}

/// Forgets the failures of `login_key` after a successful login.
pub async fn clear_failures(db: &Db, login_key: &str) -> DbResult<()> {
    let sql = "DELETE FROM login_failure WHERE login_key = $1";
    with_pool!(db, p => sqlx::query(sql).bind(login_key).execute(p).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Replaces an account's password hash inside `tx`.
pub async fn set_password_hash(tx: &mut Tx, account_id: i64, hash: &str) -> DbResult<()> {
    let sql = "UPDATE account SET password_hash = $2, password_changed_at = $3, \
               initial_password = FALSE WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(hash).bind(tx.clock.now()).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of an account inside `tx` (password reset, disabling).
pub async fn end_sessions_in(tx: &mut Tx, account_id: i64) -> DbResult<u64> {
    let sql = "DELETE FROM session WHERE account_id = $1";
    let ended = with_tx!(tx, c => sqlx::query(sql).bind(account_id).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    tx.forget_on_commit(crate::memo::Forget::SessionsOf(account_id))
        .await?;
    Ok(ended)
}

/// Failed logins from an address since `since`.
pub async fn failures_from_since(db: &Db, ip: &str, since: DateTime<Utc>) -> DbResult<i64> {
    let sql = "SELECT COUNT(*) FROM login_failure WHERE ip = $1 AND at > $2";
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(ip).bind(since).fetch_one(p).await)?)
}

/// Stores a sealed TOTP secret inside `tx`.
pub async fn set_totp_secret(tx: &mut Tx, account_id: i64, sealed: &str) -> DbResult<()> {
    let sql = "UPDATE account SET totp_secret_sealed = $2, totp_last_step = NULL WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(sealed).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Accepts a TOTP time step once: false when this or a later step was already used.
pub async fn advance_totp_step(db: &Db, account_id: i64, step: i64) -> DbResult<bool> {
    let sql = "UPDATE account SET totp_last_step = $2 WHERE id = $1 \
               AND (totp_last_step IS NULL OR totp_last_step < $2)";
    let n = with_pool!(db, p => sqlx::query(sql).bind(account_id).bind(step).execute(p).await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// An account as listed for admins, with its organisation's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountListRow {
    pub id: i64,
    pub login_name: String,
    pub display_name: String,
    pub role: String,
    pub org_name: Option<String>,
    pub disabled: bool,
    pub has_totp: bool,
    pub duty: Option<String>,
}

const LIST_FROM: &str = "FROM account a \
    LEFT JOIN office o ON a.org_kind = 'office' AND o.id = a.org_id \
    LEFT JOIN unit u ON a.org_kind = 'unit' AND u.id = a.org_id \
    LEFT JOIN committee c ON a.org_kind = 'committee' AND c.id = a.org_id \
    WHERE a.role <> 'applicant' AND ($1 = '' OR a.role = $1) \
    AND ($2 = '' OR a.login_name LIKE $2 OR a.display_name LIKE $2)";

/// Staff and admin accounts (never applicants) filtered by role and keyword, paged.
pub async fn list_staff(
    db: &Db,
    role: &str,
    keyword: &str,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<AccountListRow>> {
    let pattern = if keyword.is_empty() {
        String::new()
    } else {
        format!("%{keyword}%")
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT a.id, a.login_name, a.display_name, a.role, COALESCE(o.name, u.name, c.name) AS org_name, \
         a.disabled, a.totp_secret_sealed IS NOT NULL AS has_totp, a.duty {LIST_FROM} ORDER BY a.id LIMIT CAST($3 AS BIGINT) OFFSET $4"
    ));
    Ok(
        with_pool!(db, p => sqlx::query_as(sql).bind(role).bind(&pattern).bind(limit).bind(offset).fetch_all(p).await)?,
    )
}

/// Number of staff and admin accounts matching the filters.
pub async fn count_staff(db: &Db, role: &str, keyword: &str) -> DbResult<i64> {
    let pattern = if keyword.is_empty() {
        String::new()
    } else {
        format!("%{keyword}%")
    };
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {LIST_FROM}"));
    Ok(with_pool!(db, p => sqlx::query_scalar(sql).bind(role).bind(&pattern).fetch_one(p).await)?)
}

/// Enables or disables an account inside `tx`.
pub async fn set_disabled_in(tx: &mut Tx, account_id: i64, disabled: bool) -> DbResult<()> {
    let sql = "UPDATE account SET disabled = $2 WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(disabled).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes an account's TOTP secret inside `tx`; the next sign-in enrols a new one.
pub async fn clear_totp_in(tx: &mut Tx, account_id: i64) -> DbResult<()> {
    let sql = "UPDATE account SET totp_secret_sealed = NULL, totp_last_step = NULL WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The key of the account's avatar picture, if it has one.
pub async fn avatar_key(db: &Db, account_id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT avatar_key FROM account WHERE id = $1";
    let key: Option<Option<String>> = with_pool!(db, p => sqlx::query_scalar(sql)
        .bind(account_id).fetch_optional(p).await)?;
    Ok(key.flatten())
}

/// Replaces the avatar inside `tx`; returns the key it replaced, for removal.
pub async fn set_avatar(tx: &mut Tx, account_id: i64, key: &str) -> DbResult<Option<String>> {
    let old_sql = "SELECT avatar_key FROM account WHERE id = $1";
    let old: Option<Option<String>> = with_tx!(tx, c => sqlx::query_scalar(old_sql)
        .bind(account_id).fetch_optional(&mut **c).await)?;
    let sql = "UPDATE account SET avatar_key = $2 WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(key)
        .execute(&mut **c).await.map(|r| r.rows_affected()))?;
    Ok(old.flatten())
}

/// Changes a staff member's 岗位 inside `tx`.
pub async fn set_duty_in(tx: &mut Tx, account_id: i64, duty: &str) -> DbResult<()> {
    let sql = "UPDATE account SET duty = $2 WHERE id = $1";
    with_tx!(tx, c => sqlx::query(sql).bind(account_id).bind(duty).execute(&mut **c).await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A staff member's 岗位, if any.
pub async fn duty(db: &Db, account_id: i64) -> DbResult<Option<String>> {
    let sql = "SELECT duty FROM account WHERE id = $1";
    let d: Option<Option<String>> = with_pool!(db, p => sqlx::query_scalar(sql)
        .bind(account_id).fetch_optional(p).await)?;
    Ok(d.flatten())
}
