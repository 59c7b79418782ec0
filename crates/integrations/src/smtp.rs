//! SMTP 邮件 — delivering e-mail through the province's mail server with lettre.
//!
//! The server is given as a URL (`smtps://user:pass@mail.example.cn:465`, or
//! `smtp://host:587?tls=required` for STARTTLS). Bodies go out as Base64 plain text, so
//! Chinese text survives every relay unchanged.

use anyhow::Context;
use async_trait::async_trait;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, SinglePart, header::ContentTransferEncoding, header::ContentType},
};
use zc_services::mail::Mailer;

/// Sends through an SMTP server.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// A mailer for the server at `url`, sending as `from` (`广西职称 <noreply@example.cn>`).
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP 地址（smtp_url）无法识别")?
            .timeout(Some(std::time::Duration::from_secs(15)))
            .build();
        let from = from.parse().context("发件人地址（mail_from）无法识别")?;
        Ok(Self { transport, from })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    fn provider(&self) -> &'static str {
        "smtp"
    }

    async fn deliver(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse().context("recipient address")?)
            .subject(subject)
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::Base64)
                    .body(body.to_string()),
            )
            .context("building the message")?;
        self.transport
            .send(message)
            .await
            .context("SMTP delivery")?;
        Ok(())
    }
}
