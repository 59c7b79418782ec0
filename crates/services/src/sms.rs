//! 短信 — sending messages and issuing and checking verification codes.
//!
//! Every message is recorded in the outbox (`sms_outbox`) whatever carries it, so staff
//! and auditors can see what was sent; the log line never holds the body (which may
//! contain a code) or the full number. Codes are 6 digits from a CSPRNG, valid 5 minutes,
//! single use, at most 5 tries, bound to the phone and the purpose, and only their keyed
//! hash is stored.

use async_trait::async_trait;
use chrono::Duration;
use zc_db::{Db, sms};
use zc_domain::{mask::mask_phone, phone::Phone};

use crate::{FieldErrors, ServiceError, ServiceResult, pii::PiiVault};

/// 验证码用途 — what a code may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    /// 注册
    Register,
    /// 短信登录
    Login,
    /// 找回密码
    Reset,
    /// 更换手机号
    ChangePhone,
}

impl CodePurpose {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::Reset => "reset",
            Self::ChangePhone => "change_phone",
        }
    }

    /// Parses a stored or submitted code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Register, Self::Login, Self::Reset, Self::ChangePhone]
            .into_iter()
            .find(|p| p.code() == code)
    }

    /// Words used in the message.
    pub fn name(self) -> &'static str {
        match self {
            Self::Register => "注册账号",
            Self::Login => "登录",
            Self::Reset => "找回密码",
            Self::ChangePhone => "更换手机号",
        }
    }

    /// Codes for these purposes are only sent to numbers that have an account; the answer
    /// to the person is the same either way.
    fn needs_account(self) -> bool {
        matches!(self, Self::Login | Self::Reset)
    }
}

/// Limits on sending and checking codes.
#[derive(Debug, Clone)]
pub struct SmsPolicy {
    pub ttl: Duration,
    pub resend_after: Duration,
    pub per_phone_hour: i64,
    pub per_phone_day: i64,
    pub per_address_hour: i64,
    pub max_attempts: i32,
}

impl Default for SmsPolicy {
    fn default() -> Self {
        Self {
            ttl: Duration::minutes(5),
            resend_after: Duration::seconds(60),
            per_phone_hour: 5,
            per_phone_day: 10,
            per_address_hour: 30,
            max_attempts: 5,
        }
    }
}

/// One text message, as the outbox keeps it and as a vendor's template API needs it.
#[derive(Debug, Clone, Copy)]
pub struct SmsMessage<'a> {
    /// The receiving mobile.
    pub phone: &'a Phone,
    /// Our template key (`register`, `login`, `password_reset_notice`, …); a vendor maps it
    /// to its own approved template.
    pub template: &'a str,
    /// Values of the template's variables, e.g. `("code", "123456")`.
    pub params: &'a [(&'a str, &'a str)],
    /// The whole text as the person reads it.
    pub body: &'a str,
}

/// A transport for text messages.
#[async_trait]
pub trait SmsSender: Send + Sync + 'static {
    /// Name recorded in the outbox.
    fn provider(&self) -> &'static str;
    /// Whether the outbox keeps the whole text, codes included. Only the demo's outbox
    /// does (there the outbox row is how the code reaches the person); everywhere else the
    /// outbox keeps a copy with the codes masked, so a database reader learns none.
    fn keeps_secrets(&self) -> bool {
        false
    }
    /// Delivers one message.
    async fn deliver(&self, message: &SmsMessage<'_>) -> anyhow::Result<()>;
}

/// Template variables whose values are secrets.
const SECRET_PARAMS: [&str; 1] = ["code"];

/// The text as the outbox keeps it when secrets are not kept: every secret value masked.
pub fn redacted(body: &str, params: &[(&str, &str)]) -> String {
    params
        .iter()
        .filter(|(k, v)| SECRET_PARAMS.contains(k) && !v.is_empty())
        .fold(body.to_string(), |text, (_, v)| text.replace(v, "******"))
}

/// Outside demo mode without an SMS vendor: nothing is delivered and the outbox keeps
/// the text with its codes masked.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxRedacted;

#[async_trait]
impl SmsSender for OutboxRedacted {
    fn provider(&self) -> &'static str {
        "outbox"
    }

    async fn deliver(&self, message: &SmsMessage<'_>) -> anyhow::Result<()> {
        tracing::warn!(
            phone = %mask_phone(message.phone.as_str()),
            template = message.template,
            "no SMS provider configured: the message was not delivered"
        );
        Ok(())
    }
}

/// The demo's transport: nothing leaves the machine; the outbox row is the message.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxOnly;

#[async_trait]
impl SmsSender for OutboxOnly {
    fn provider(&self) -> &'static str {
        "outbox"
    }

    fn keeps_secrets(&self) -> bool {
        true
    }

    async fn deliver(&self, message: &SmsMessage<'_>) -> anyhow::Result<()> {
        tracing::info!(
            phone = %mask_phone(message.phone.as_str()),
            template = message.template,
            "SMS stored in the outbox"
        );
        Ok(())
    }
}

/// Sends one message through `sender` and records it in the outbox.
#[tracing::instrument(skip_all)]
pub async fn send_message(
    db: &Db,
    vault: &PiiVault,
    sender: &dyn SmsSender,
    message: &SmsMessage<'_>,
) -> ServiceResult<()> {
    let SmsMessage {
        phone,
        template,
        body,
        params,
    } = *message;
    let status = match sender.deliver(message).await {
        Ok(()) => {
            if sender.provider() == "outbox" {
                "stored"
            } else {
                "sent"
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, template, "SMS delivery failed");
            "failed"
        }
    };
    let sealed = vault.seal(phone.as_str());
    let kept = if sender.keeps_secrets() {
        body.to_string()
    } else {
        redacted(body, params)
    };
    sms::insert_outbox(
        db,
        &sms::NewOutbox {
            phone_sealed: &sealed,
            phone_masked: &mask_phone(phone.as_str()),
            template,
            body: &kept,
            provider: sender.provider(),
            status,
        },
    )
    .await?;
    if status == "failed" {
        return Err(ServiceError::refused(
            "sms_failed",
            "短信发送失败，请稍后再试",
        ));
    }
    Ok(())
}

fn code_hash(vault: &PiiVault, phone_index: &str, purpose: CodePurpose, code: &str) -> String {
    vault.index(
        "sms-code",
        &format!("{phone_index}:{}:{code}", purpose.code()),
    )
}

/// Parses a phone typed into `field`, as a field error.
pub fn parse_phone(input: &str, field: &'static str) -> ServiceResult<Phone> {
    Phone::parse(input).map_err(|e| {
        let mut errors = FieldErrors::default();
        errors.add(field, e.to_string());
        ServiceError::Invalid(errors)
    })
}

/// What every use case that sends or checks an SMS code needs: the database, the vault
/// that seals and indexes mobiles, the sender and the sending policy.
#[derive(Clone, Copy)]
pub struct SmsContext<'a> {
    pub db: &'a Db,
    pub vault: &'a PiiVault,
    pub sender: &'a dyn SmsSender,
    pub policy: &'a SmsPolicy,
}

/// Sends a code for `purpose` to the number typed in the `phone` field, within the limits.
#[tracing::instrument(skip_all)]
pub async fn request_code(
    sms: SmsContext<'_>,
    phone_input: &str,
    purpose: CodePurpose,
    ip: &str,
) -> ServiceResult<()> {
    let SmsContext {
        db,
        vault,
        sender,
        policy,
    } = sms;
    let phone = parse_phone(phone_input, "phone")?;
    let phone_index = vault.index("phone", phone.as_str());
    let now = db.now();
    if let Some(last) = sms::last_sent_to(db, &phone_index).await? {
        let wait = (last + policy.resend_after - now).num_seconds();
        if wait > 0 {
            return Err(ServiceError::refused(
                "sms_too_soon",
                format!("验证码已发送，请{wait}秒后再重新获取"),
            ));
        }
    }
    if sms::sent_to_since(db, &phone_index, now - Duration::hours(1)).await?
        >= policy.per_phone_hour
    {
        return Err(ServiceError::refused(
            "sms_hour_limit",
            "该手机号1小时内获取验证码次数过多，请稍后再试",
        ));
    }
    if sms::sent_to_since(db, &phone_index, now - Duration::days(1)).await? >= policy.per_phone_day
    {
        return Err(ServiceError::refused(
            "sms_day_limit",
            "该手机号今日获取验证码次数已达上限，请明天再试",
        ));
    }
    if sms::sent_from_since(db, ip, now - Duration::hours(1)).await? >= policy.per_address_hour {
        return Err(ServiceError::refused(
            "sms_address_limit",
            "您所在网络获取验证码过于频繁，请稍后再试",
        ));
    }
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    let hash = code_hash(vault, &phone_index, purpose, &code);
    sms::insert_code(
        db,
        &phone_index,
        purpose.code(),
        &hash,
        now + policy.ttl,
        Some(ip),
    )
    .await?;
    let registered =
        zc_db::applicants::account_for(db, zc_db::applicants::Identifier::PhoneIndex(&phone_index))
            .await?
            .is_some();
    if purpose.needs_account() && !registered {
        // Same answer as for a registered number; nothing is sent.
        return Ok(());
    }
    let body = format!(
        "【广西职称】验证码{code}，用于{}，5分钟内有效。请勿泄露给他人。",
        purpose.name()
    );
    let message = SmsMessage {
        phone: &phone,
        template: purpose.code(),
        params: &[("code", &code)],
        body: &body,
    };
    send_message(db, vault, sender, &message).await
}

/// Checks a code typed into the `sms_code` field; a right code is used up.
#[tracing::instrument(skip_all)]
pub async fn verify_code(
    db: &Db,
    vault: &PiiVault,
    policy: &SmsPolicy,
    phone: &Phone,
    purpose: CodePurpose,
    code_input: &str,
) -> ServiceResult<()> {
    let field_error = |msg: String| {
        let mut errors = FieldErrors::default();
        errors.add("sms_code", msg);
        ServiceError::Invalid(errors)
    };
    let code = code_input.trim();
    if code.is_empty() {
        return Err(field_error("请填写短信验证码".into()));
    }
    let phone_index = vault.index("phone", phone.as_str());
    let Some(row) = sms::latest_code(db, &phone_index, purpose.code()).await? else {
        return Err(field_error("验证码不正确，请先获取验证码".into()));
    };
    if row.consumed_at.is_some() {
        return Err(field_error("验证码已使用，请重新获取".into()));
    }
    if row.expires_at <= db.now() {
        return Err(field_error("验证码已过期，请重新获取".into()));
    }
    // The try is taken before the comparison, so parallel guesses share the limit.
    let Some(taken) = sms::take_attempt(db, row.id, policy.max_attempts).await? else {
        return Err(field_error("验证码输入错误次数过多，请重新获取".into()));
    };
    if code_hash(vault, &phone_index, purpose, code) != row.code_hash {
        let left = policy.max_attempts - taken;
        return Err(field_error(if left > 0 {
            format!("验证码不正确，还可以再试{left}次")
        } else {
            "验证码输入错误次数过多，请重新获取".into()
        }));
    }
    if !sms::consume(db, row.id).await? {
        return Err(field_error("验证码已使用，请重新获取".into()));
    }
    Ok(())
}
