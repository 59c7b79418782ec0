//! 找回密码 — password recovery for applicants: by SMS code to the registered mobile, or
//! by a link to the registered e-mail. A security question alone never resets a password
//! (ASVS 6.4.2): ID numbers and names are widely leaked and answers have few values.
//!
//! A reset ends every session of the person, clears their login failures, is audited, and
//! sends a notice to the registered mobile so a stranger's reset does not go unnoticed.

use zc_db::{Db, accounts, applicants};
use zc_domain::{password::check_password, phone::Phone};

use crate::{
    FieldErrors, ServiceError, ServiceResult, password_hash,
    pii::PiiVault,
    sms::{CodePurpose, SmsContext, SmsMessage, SmsSender, send_message, verify_code},
};

/// The new password, typed twice.
#[derive(Debug, Clone, Default)]
pub struct NewPassword {
    pub password: String,
    pub password_confirm: String,
}

fn check_new_password(p: &NewPassword, personal: &[&str], errors: &mut FieldErrors) {
    if let Err(refusal) = check_password(&p.password, personal) {
        errors.add("password", refusal.to_string());
    } else if p.password != p.password_confirm {
        errors.add("password_confirm", "两次输入的密码不一致");
    }
}

/// Sets the new password, ends all sessions, clears failures, audits and notifies.
async fn apply_reset(
    db: &Db,
    vault: &PiiVault,
    sender: &dyn SmsSender,
    account_id: i64,
    password: &str,
    method: &'static str,
    ip: &str,
) -> ServiceResult<()> {
    let hash = password_hash::hash(password.to_string()).await?;
    let account = accounts::find(db, account_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    crate::accounts::replace_password(db, &account, &hash, "password.reset", method, ip).await?;
    accounts::clear_failures(db, &crate::accounts::login_key(&account.login_name)).await?;
    if let Some(row) = applicants::find(db, account_id).await? {
        let phone = Phone::parse(&vault.open(&row.phone_sealed)?)
            .map_err(|e| anyhow::anyhow!("stored phone: {e}"))?;
        let body = "【广西职称】您的登录密码已重设。如非本人操作，请立即通过“忘记密码”重设密码并联系客服0771-5505013。";
        // The notice is best effort: the reset itself has happened.
        let message = SmsMessage {
            phone: &phone,
            template: "password_reset_notice",
            params: &[],
            body,
        };
        if let Err(e) = send_message(db, vault, sender, &message).await {
            tracing::warn!(error = %e, "password reset notice not sent");
        }
    }
    Ok(())
}

/// Reset by an SMS code sent (purpose 找回密码) to the registered mobile.
#[tracing::instrument(skip_all)]
pub async fn reset_by_sms(
    sms: SmsContext<'_>,
    phone_input: &str,
    code: &str,
    new: &NewPassword,
    ip: &str,
) -> ServiceResult<()> {
    let SmsContext {
        db,
        vault,
        sender,
        policy,
    } = sms;
    let mut errors = FieldErrors::default();
    let phone = match Phone::parse(phone_input) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("phone", e.to_string());
            None
        }
    };
    if code.trim().is_empty() {
        errors.add("sms_code", "请填写短信验证码");
    }
    check_new_password(
        new,
        &[phone.as_ref().map(|p| p.as_str()).unwrap_or("")],
        &mut errors,
    );
    let Some(phone) = phone.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    verify_code(db, vault, policy, &phone, CodePurpose::Reset, code).await?;
    let index = vault.index("phone", phone.as_str());
    // A code only reaches registered numbers, so a verified code has an account behind it.
    let account_id = applicants::account_for(db, applicants::Identifier::PhoneIndex(&index))
        .await?
        .ok_or(ServiceError::NotFound)?;
    apply_reset(
        db,
        vault,
        sender,
        account_id,
        &new.password,
        "短信验证码找回密码",
        ip,
    )
    .await
}

/// Reset links one mailbox receives in an hour at most.
const MAILS_PER_HOUR: i64 = 3;

/// The purpose e-mailed reset tokens are stored under.
const EMAIL_RESET: &str = "password_reset";

/// Sends a single-use reset link (valid 30 minutes) to the registered e-mail. The answer is
/// the same whether or not the address is registered.
#[tracing::instrument(skip_all)]
pub async fn request_email_reset(
    db: &Db,
    vault: &PiiVault,
    mailer: &dyn crate::mail::Mailer,
    email_input: &str,
    base_url: &str,
) -> ServiceResult<()> {
    let email = zc_domain::email::Email::parse(email_input).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.add("email", e.to_string());
        ServiceError::Invalid(errors)
    })?;
    let key = email.as_str().to_lowercase();
    let Some(account_id) =
        applicants::account_for(db, applicants::Identifier::EmailKey(&key)).await?
    else {
        return Ok(());
    };
    // However many addresses ask, one mailbox gets a few links an hour: the answer stays
    // the same, so nobody learns the limit was reached.
    let hour_ago = db.now() - chrono::Duration::hours(1);
    if zc_db::mail::tokens_since(db, account_id, EMAIL_RESET, hour_ago).await? >= MAILS_PER_HOUR {
        tracing::info!(account_id, "password reset mail held back: hourly limit");
        return Ok(());
    }
    let token = hex::encode(rand::random::<[u8; 32]>());
    let expires = db.now() + chrono::Duration::minutes(30);
    zc_db::mail::insert_token(
        db,
        account_id,
        EMAIL_RESET,
        &vault.index("email-token", &token),
        expires,
    )
    .await?;
    let link = format!("{}/my/reset?token={token}", base_url.trim_end_matches('/'));
    let body = format!(
        "您好：\n\n请在30分钟内打开下面的链接重设广西职称平台的登录密码（链接只能使用一次）：\n{link}\n\n如果不是您本人申请，请忽略本邮件，您的密码不会改变。"
    );
    // The link goes to the address on record, however the person typed it.
    let to = applicants::find(db, account_id)
        .await?
        .map(|a| a.email)
        .unwrap_or_else(|| email.as_str().to_string());
    crate::mail::send_mail(
        db,
        mailer,
        &to,
        "重设广西职称平台登录密码",
        &body,
        Some(&token),
    )
    .await
}

/// True when a reset link is live (to decide whether to show the form).
#[tracing::instrument(skip_all)]
pub async fn email_token_is_live(db: &Db, vault: &PiiVault, token: &str) -> ServiceResult<bool> {
    Ok(
        zc_db::mail::token_account(db, EMAIL_RESET, &vault.index("email-token", token))
            .await?
            .is_some(),
    )
}

/// Resets the password with a reset link; the link is used up.
#[tracing::instrument(skip_all)]
pub async fn reset_by_email_token(
    db: &Db,
    vault: &PiiVault,
    sender: &dyn SmsSender,
    token: &str,
    new: &NewPassword,
    ip: &str,
) -> ServiceResult<()> {
    let hash = vault.index("email-token", token);
    let Some(account_id) = zc_db::mail::token_account(db, EMAIL_RESET, &hash).await? else {
        return Err(ServiceError::refused(
            "link_expired",
            "该链接已失效（超过30分钟或已使用），请重新申请",
        ));
    };
    let mut errors = FieldErrors::default();
    check_new_password(new, &[], &mut errors);
    errors.into_result()?;
    if !zc_db::mail::use_token(db, EMAIL_RESET, &hash).await? {
        return Err(ServiceError::refused(
            "link_expired",
            "该链接已失效（超过30分钟或已使用），请重新申请",
        ));
    }
    apply_reset(
        db,
        vault,
        sender,
        account_id,
        &new.password,
        "邮件链接找回密码",
        ip,
    )
    .await
}
