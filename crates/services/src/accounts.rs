//! 账号 — creating accounts and logging in with a password.

use zc_db::{
    Db, accounts, applicants,
    audit::{self, AuditEvent},
};
use zc_domain::{Role, email::Email, password::check_password, phone::Phone};

use crate::{
    FieldErrors, ServiceError, ServiceResult, password_hash,
    pii::PiiVault,
    sms::{CodePurpose, SmsPolicy, verify_code},
};

/// Failed logins allowed before an account key is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long a lock lasts, and the window in which failures are counted.
pub const LOCK_MINUTES: i64 = 15;

/// Who is acting, for the audit log.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor<'a> {
    pub account_id: Option<i64>,
    pub role: Option<Role>,
    pub ip: Option<&'a str>,
}

impl<'a> Actor<'a> {
    /// A successful audit event by this actor.
    pub fn event(&self, action: &'a str, object: &'a str, detail: &'a str) -> AuditEvent<'a> {
        AuditEvent {
            actor_id: self.account_id,
            actor_role: self.role.map(Role::code),
            action,
            object,
            result: "ok",
            detail,
            ip: self.ip,
        }
    }
}

/// Sets a new password hash, ends every session of the account and audits the change as
/// the account's own action, in one transaction.
pub(crate) async fn replace_password(
    db: &Db,
    account: &accounts::Account,
    hash: &str,
    action: &str,
    detail: &str,
    ip: &str,
) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    accounts::set_password_hash(&mut tx, account.id, hash).await?;
    accounts::end_sessions_in(&mut tx, account.id).await?;
    let object = format!("account:{}", account.id);
    audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account.id),
            actor_role: Some(&account.role),
            action,
            object: &object,
            result: "ok",
            detail,
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new account as typed by an admin (or the `admin create-user` command).
#[derive(Debug, Clone)]
pub struct NewAccountInput {
    pub login_name: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    /// `("office" | "unit" | "committee", id)` for staff of an organisation.
    pub org: Option<(&'static str, i64)>,
}

fn validate(input: &NewAccountInput) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let login = input.login_name.trim();
    let login_ok = (3..=64).contains(&login.chars().count())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c));
    if !login_ok {
        errors.add("login_name", "账号需为3–64位字母、数字或 _ . @ - 符号");
    }
    let name_len = input.display_name.trim().chars().count();
    if name_len == 0 || name_len > 50 {
        errors.add("display_name", "请填写姓名（不超过50个字）");
    }
    if let Err(refusal) = check_password(&input.password, &[login]) {
        errors.add("password", refusal.to_string());
    }
    errors
}

/// Creates an account after checking every field; writes an `account.create` audit event
/// in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn create_account(
    db: &Db,
    input: NewAccountInput,
    actor: Actor<'_>,
) -> ServiceResult<i64> {
    create_account_with_duty(db, input, None, actor).await
}

/// [`create_account`] for office and committee staff, who hold a 岗位.
#[tracing::instrument(skip_all)]
pub async fn create_account_with_duty(
    db: &Db,
    input: NewAccountInput,
    duty: Option<zc_domain::organisation::Duty>,
    actor: Actor<'_>,
) -> ServiceResult<i64> {
    create_account_in(db, input, duty, false, actor).await
}

/// Creates an account; `initial` marks a password an administrator chose for someone
/// else, which its owner must replace at the first sign-in.
pub(crate) async fn create_account_in(
    db: &Db,
    input: NewAccountInput,
    duty: Option<zc_domain::organisation::Duty>,
    initial: bool,
    actor: Actor<'_>,
) -> ServiceResult<i64> {
    validate(&input).into_result()?;
    let hash = password_hash::hash(input.password.clone()).await?;
    let login = input.login_name.trim().to_string();
    let mut tx = db.begin_write().await?;
    let new = accounts::NewAccount {
        login_name: &login,
        display_name: input.display_name.trim(),
        password_hash: &hash,
        role: input.role.code(),
        org_kind: input.org.map(|(k, _)| k),
        org_id: input.org.map(|(_, id)| id),
        duty: duty.map(|d| d.code()),
    };
    let id = match accounts::insert(&mut tx, &new).await {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            let mut errors = FieldErrors::default();
            errors.add("login_name", "该账号已被使用，请换一个");
            return Err(ServiceError::Invalid(errors));
        }
        Err(e) => return Err(e.into()),
    };
    if initial {
        accounts::mark_initial_password(&mut tx, id).await?;
    }
    let object = format!("account:{id}");
    let detail = match duty {
        Some(d) => format!(
            "创建账号 {login}，角色：{}，岗位：{}",
            input.role.name(),
            d.name()
        ),
        None => format!("创建账号 {login}，角色：{}", input.role.name()),
    };
    audit::record_in(&mut tx, &actor.event("account.create", &object, &detail)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The answer to every failed login, whether or not the account exists.
pub const LOGIN_FAILED: &str = "账号或密码错误，请重新输入";

/// Checks a login name and password. Failures are counted per login name in the database
/// (shared by all servers); after [`MAX_FAILURES`] within [`LOCK_MINUTES`] the name is
/// locked. Unknown names are answered the same way and after the same hashing work.
#[tracing::instrument(skip_all)]
pub async fn authenticate(
    db: &Db,
    login_name: &str,
    password: &str,
    ip: Option<&str>,
) -> ServiceResult<accounts::Account> {
    let key = login_key(login_name);
    let account = accounts::find_by_login(db, login_name.trim()).await?;
    check_with_lock(db, &key, account, password, ip, "login.password").await
}

/// The key failed logins of a login name are counted under. Every place that records,
/// counts or clears failures (password login, TOTP, unlock, reset) uses this one key.
pub fn login_key(login_name: &str) -> String {
    login_name.trim().to_lowercase()
}

/// How an applicant identified themself: the blind-index lookup for each identifier kind.
pub fn applicant_identifier<'a>(
    vault: &PiiVault,
    input: &str,
    buf: &'a mut String,
) -> applicants::Identifier<'a> {
    let trimmed: String = input.split_whitespace().collect();
    if let Ok(phone) = Phone::parse(&trimmed) {
        *buf = vault.index("phone", phone.as_str());
        applicants::Identifier::PhoneIndex(buf)
    } else if trimmed.contains('@') {
        *buf = Email::parse(&trimmed)
            .map(|e| e.as_str().to_lowercase())
            .unwrap_or_else(|_| trimmed.to_lowercase());
        applicants::Identifier::EmailKey(buf)
    } else {
        *buf = vault.index("id", &trimmed.to_uppercase());
        applicants::Identifier::IdNumberIndex(buf)
    }
}

/// The account behind an applicant identifier and the key its failures are counted
/// under: all three identifiers of one person share one counter; unknown identifiers get
/// a key of their own.
#[tracing::instrument(skip_all)]
pub async fn applicant_login_key(
    db: &Db,
    vault: &PiiVault,
    identifier: &str,
) -> ServiceResult<(String, Option<accounts::Account>)> {
    let mut buf = String::new();
    let ident = applicant_identifier(vault, identifier, &mut buf);
    let account = match applicants::account_for(db, ident).await? {
        Some(id) => accounts::find(db, id).await?,
        None => None,
    };
    let key = match &account {
        Some(a) => login_key(&a.login_name),
        None => format!(
            "unknown-{}",
            vault.index("login", &identifier.trim().to_lowercase())
        ),
    };
    Ok((key, account))
}

/// Applicant login with ID number, mobile or e-mail plus password.
#[tracing::instrument(skip_all)]
pub async fn authenticate_applicant(
    db: &Db,
    vault: &PiiVault,
    identifier: &str,
    password: &str,
    ip: Option<&str>,
) -> ServiceResult<accounts::Account> {
    let resolved = applicant_login_key(db, vault, identifier).await?;
    authenticate_resolved_applicant(db, resolved, password, ip).await
}

/// Applicant login when the identifier was already resolved by [`applicant_login_key`]
/// (the login page needs the key for the captcha decision; it is looked up once).
#[tracing::instrument(skip_all)]
pub async fn authenticate_resolved_applicant(
    db: &Db,
    (key, account): (String, Option<accounts::Account>),
    password: &str,
    ip: Option<&str>,
) -> ServiceResult<accounts::Account> {
    check_with_lock(db, &key, account, password, ip, "login.password").await
}

async fn check_with_lock(
    db: &Db,
    key: &str,
    account: Option<accounts::Account>,
    password: &str,
    ip: Option<&str>,
    action: &'static str,
) -> ServiceResult<accounts::Account> {
    // The try is taken before the password is checked, so parallel guesses share the
    // limit; a locked name costs no hashing at all.
    let since = db.now() - chrono::Duration::minutes(LOCK_MINUTES);
    let taken = accounts::take_attempt(db, key, ip, since).await?;
    let audit_fail = |detail: &'static str| AuditEvent {
        actor_id: account.as_ref().map(|a| a.id),
        action,
        object: "session",
        result: "refused",
        detail,
        ip,
        ..Default::default()
    };
    if taken > MAX_FAILURES {
        audit::record(db, &audit_fail("账号已锁定")).await?;
        return Err(locked());
    }
    let phc = match &account {
        Some(a) => a.password_hash.clone(),
        None => password_hash::decoy().await,
    };
    let matches = password_hash::verify(password.to_string(), phc).await?;
    match account {
        Some(a) if matches && !a.disabled => {
            accounts::clear_failures(db, key).await?;
            audit::record(
                db,
                &AuditEvent {
                    actor_id: Some(a.id),
                    actor_role: Some(&a.role),
                    action,
                    object: "session",
                    result: "ok",
                    detail: "登录成功",
                    ip,
                },
            )
            .await?;
            Ok(a)
        }
        _ => {
            // The try taken above stays as the failure.
            audit::record(db, &audit_fail("账号或密码错误")).await?;
            Err(ServiceError::refused("login_failed", LOGIN_FAILED))
        }
    }
}

/// The refusal of a locked login name.
pub fn locked() -> ServiceError {
    ServiceError::refused(
        "login_locked",
        format!("登录失败次数过多，请{LOCK_MINUTES}分钟后再试，或通过“忘记密码”重设密码"),
    )
}

/// 验证当前密码 — re-authentication before a sensitive change or a reveal. Wrong
/// passwords count toward the same lock as the login (a stolen session cannot guess the
/// password without limit); whether it matched, or a field error once the name is locked.
#[tracing::instrument(skip_all)]
pub async fn check_current_password(
    db: &Db,
    account: &accounts::Account,
    password: &str,
    ip: Option<&str>,
) -> ServiceResult<bool> {
    if password.is_empty() {
        return Ok(false);
    }
    let key = login_key(&account.login_name);
    let since = db.now() - chrono::Duration::minutes(LOCK_MINUTES);
    if accounts::take_attempt(db, &key, ip, since).await? > MAX_FAILURES {
        return Err(FieldErrors::one(
            "current_password",
            format!("密码错误次数过多，请{LOCK_MINUTES}分钟后再试"),
        ));
    }
    let ok = password_hash::verify(password.to_string(), account.password_hash.clone()).await?;
    if ok {
        accounts::clear_failures(db, &key).await?;
    }
    Ok(ok)
}

/// 短信快速登录 — an applicant signs in with their mobile and a code.
#[tracing::instrument(skip_all)]
pub async fn login_by_sms(
    db: &Db,
    vault: &PiiVault,
    policy: &SmsPolicy,
    phone_input: &str,
    code: &str,
    ip: Option<&str>,
) -> ServiceResult<accounts::Account> {
    let phone = crate::sms::parse_phone(phone_input, "phone")?;
    verify_code(db, vault, policy, &phone, CodePurpose::Login, code).await?;
    let index = vault.index("phone", phone.as_str());
    let account =
        match applicants::account_for(db, applicants::Identifier::PhoneIndex(&index)).await? {
            Some(id) => accounts::find(db, id).await?.filter(|a| !a.disabled),
            None => None,
        };
    let Some(account) = account else {
        return Err(ServiceError::refused(
            "login_failed",
            "验证码不正确，请重新获取",
        ));
    };
    audit::record(
        db,
        &AuditEvent {
            actor_id: Some(account.id),
            actor_role: Some(&account.role),
            action: "login.sms",
            object: "session",
            result: "ok",
            detail: "短信验证码登录成功",
            ip,
        },
    )
    .await?;
    Ok(account)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(login: &str, password: &str) -> NewAccountInput {
        NewAccountInput {
            login_name: login.into(),
            display_name: "测试".into(),
            password: password.into(),
            role: Role::SystemAdmin,
            org: None,
        }
    }

    #[test]
    fn validation_names_each_bad_field() {
        let e = validate(&input("a b", "short"));
        assert!(e.get("login_name").is_some());
        assert_eq!(e.get("password"), Some("密码至少需要8个字符"));
        assert!(validate(&input("admin", "Str0ng-Passw0rd")).is_empty());
        let e = validate(&input("wangwu", "Wangwu-2026!"));
        assert_eq!(
            e.get("password"),
            Some("密码不能包含您的账号、证件号码或手机号")
        );
    }
}
