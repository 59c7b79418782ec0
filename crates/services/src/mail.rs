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
    /// Delivers one message.
    async fn deliver(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()>;
}

/// The default transport: the outbox row is the message.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxMailer;

#[async_trait]
impl Mailer for OutboxMailer {
    fn provider(&self) -> &'static str {
        "outbox"
    }

    async fn deliver(&self, _to: &str, subject: &str, _body: &str) -> anyhow::Result<()> {
        tracing::info!(subject, "e-mail stored in the outbox");
        Ok(())
    }
}

/// Sends a message and records it.
pub async fn send_mail(
    db: &Db,
    mailer: &dyn Mailer,
    to: &str,
    subject: &str,
    body: &str,
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
    zc_db::mail::insert_outbox(db, to, subject, body, mailer.provider(), status).await?;
    Ok(())
}
