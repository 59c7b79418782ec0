//! 短信与邮件通道 — picks the SMS and mail transports from the configuration.

use std::sync::Arc;

use secrecy::SecretString;
use zc_integrations::{
    aliyun_sms::{AliyunSmsConfig, AliyunSmsSender},
    smtp::SmtpMailer,
};
use zc_services::{
    mail::{Mailer, OutboxMailer, OutboxRedactedMailer},
    sms::{OutboxOnly, OutboxRedacted, SmsSender},
};

use crate::config::Config;

/// The SMS transport: the vendor when configured, else the outbox (whole texts in demo
/// mode, codes masked otherwise).
pub fn sms_sender(config: &Config) -> anyhow::Result<Arc<dyn SmsSender>> {
    Ok(match config.sms_provider.as_str() {
        "aliyun" => Arc::new(AliyunSmsSender::new(AliyunSmsConfig {
            endpoint: config.sms_aliyun_endpoint.clone(),
            access_key_id: config.sms_aliyun_key_id.clone(),
            access_key_secret: SecretString::from(config.sms_aliyun_key_secret.clone()),
            sign_name: config.sms_aliyun_sign_name.clone(),
            templates: AliyunSmsConfig::parse_templates(&config.sms_aliyun_templates)?,
        })?),
        // Only the demo's outbox keeps codes: it is how they reach the person there.
        _ if config.demo => Arc::new(OutboxOnly),
        _ => Arc::new(OutboxRedacted),
    })
}

/// The mail transport: SMTP when `smtp_url` is set, else the outbox.
pub fn mailer(config: &Config) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(if config.smtp_url.is_empty() && config.demo {
        Arc::new(OutboxMailer)
    } else if config.smtp_url.is_empty() {
        Arc::new(OutboxRedactedMailer)
    } else {
        Arc::new(SmtpMailer::new(&config.smtp_url, &config.mail_from)?)
    })
}
