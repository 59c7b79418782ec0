//! 邮件 — e-mail. Every message goes to the outbox (`mail_outbox`); the default transport
//! stops there. An SMTP transport plugs in behind the same trait.

use async_trait::async_trait;
use zc_db::Db;

use crate::ServiceResult;

/// A transport for e-mail.
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Name recorded in the outbox.
    fn provider(&self) -> &'static str;
    /// Whether the outbox keeps links with their tokens: only the demo's, where the outbox
    /// row is how the link reaches the person.
    fn keeps_secrets(&self) -> bool {
        false
    }
    /// Delivers one message.
    async fn deliver(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()>;
}

/// The demo's transport: the outbox row is the message.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxMailer;

#[async_trait]
impl Mailer for OutboxMailer {
    fn provider(&self) -> &'static str {
        "outbox"
    }

    fn keeps_secrets(&self) -> bool {
        true
    }

    async fn deliver(&self, _to: &str, subject: &str, _body: &str) -> anyhow::Result<()> {
        tracing::info!(subject, "e-mail stored in the outbox");
        Ok(())
    }
}

/// Outside demo mode without SMTP: nothing is delivered and the outbox keeps the text
/// with its tokens masked.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxRedactedMailer;

#[async_trait]
impl Mailer for OutboxRedactedMailer {
    fn provider(&self) -> &'static str {
        "outbox"
    }

    async fn deliver(&self, _to: &str, subject: &str, _body: &str) -> anyhow::Result<()> {
        tracing::warn!(subject, "no SMTP configured: the e-mail was not delivered");
        Ok(())
    }
}

/// Sends a message and records it; `secret` (a link's token) is masked in the outbox's
/// copy unless the transport keeps secrets.
#[tracing::instrument(skip_all)]
pub async fn send_mail(
    db: &Db,
    mailer: &dyn Mailer,
    to: &str,
    subject: &str,
    body: &str,
    secret: Option<&str>,
) -> ServiceResult<()> {
    let status = match mailer.deliver(to, subject, body).await {
        Ok(()) => {
            if mailer.provider() == "outbox" {
                "stored"
            } else {
                "sent"
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, subject, "e-mail delivery failed");
            "failed"
        }
    };
    let kept = match secret {
        Some(s) if !mailer.keeps_secrets() && !s.is_empty() => body.replace(s, "******"),
        _ => body.to_string(),
    };
    zc_db::mail::insert_outbox(db, to, subject, &kept, mailer.provider(), status).await?;
    Ok(())
}
