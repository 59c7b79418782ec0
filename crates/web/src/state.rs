//! Shared application state handed to every handler.

use std::sync::Arc;

use zc_db::Db;
use zc_services::{
    pii::PiiVault,
    sms::{OutboxOnly, SmsPolicy, SmsSender},
};

use crate::{assets::Assets, metrics::Metrics};

/// Settings the web layer needs from the server's configuration.
#[derive(Clone)]
pub struct WebConfig {
    /// Demo mode: shows `/design` and demo hints.
    pub demo: bool,
    /// Served over TLS (directly or behind a proxy): cookies get `Secure`, HSTS is sent.
    pub tls: bool,
    /// Key for CSRF tokens (derived from the session key in `data/keys`).
    pub csrf_key: [u8; 32],
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Where uploaded and generated files are kept (a local folder or an S3 bucket).
    pub storage: zc_storage::Storage,
    /// Ask for the image captcha on every applicant login.
    pub captcha_always: bool,
    /// Staff must enrol and use a TOTP second factor (always outside demo mode).
    pub staff_totp_required: bool,
    /// The address people reach the platform at, for links in e-mails.
    pub public_url: String,
    /// 专业技术工作总结 length limits per application type.
    pub summary_limits: zc_services::application_summary::SummaryLimits,
    /// 证书编号 pattern (checked at start-up).
    pub certificate_pattern: String,
    /// Fewest experts a meeting of each level may draw.
    pub committee_minimums: zc_domain::committee::minimum_size::MinimumSizes,
    /// Proxies whose `X-Forwarded-For` / `X-Real-IP` name the client (empty: none).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Addresses that may read `/metrics` without the token.
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// A bearer token that opens `/metrics` from anywhere (empty: none).
    pub metrics_token: String,
    /// Idle limits in seconds: staff, applicants (and experts).
    pub staff_idle_seconds: i64,
    pub applicant_idle_seconds: i64,
}

impl WebConfig {
    /// Seconds a session of `role` may stay idle.
    pub fn idle_seconds(&self, role: zc_domain::Role) -> i64 {
        if role.is_staff() {
            self.staff_idle_seconds
        } else {
            self.applicant_idle_seconds
        }
    }
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("demo", &self.demo)
            .field("tls", &self.tls)
            .field("csrf_key", &"[redacted]")
            .field("body_limit", &self.body_limit)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_allow", &self.metrics_allow)
            .field("metrics_token", &"[redacted]")
            .finish()
    }
}

/// Everything a handler may need, behind one pointer. Each layer and handler that takes
/// the state clones it for every request; cloning (and dropping) a dozen reference counts
/// there, contended by both cores, was a fifth of a dashboard's time under load.
#[derive(Clone)]
pub struct AppState(Arc<AppStateParts>);

impl std::ops::Deref for AppState {
    type Target = AppStateParts;

    fn deref(&self) -> &AppStateParts {
        &self.0
    }
}

impl From<AppStateParts> for AppState {
    fn from(parts: AppStateParts) -> Self {
        Self(Arc::new(parts))
    }
}

/// What [`AppState`] holds; built (and its transports chosen) before it is shared.
pub struct AppStateParts {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub metrics: Arc<Metrics>,
    pub assets: Arc<Assets>,
    /// Seals and indexes ID numbers and mobiles.
    pub vault: Arc<PiiVault>,
    /// Carries text messages (the outbox unless a vendor is configured).
    pub sms: Arc<dyn SmsSender>,
    pub sms_policy: Arc<SmsPolicy>,
    /// Carries e-mail (the outbox unless SMTP is configured).
    pub mailer: Arc<dyn zc_services::mail::Mailer>,
    /// The payment gateway (Alipay or its local simulator; unconfigured by default).
    pub payments: Arc<dyn zc_services::payments::PaymentGateway>,
    /// Forms kept across a sign-in, per address (each is a session row until then).
    pub kept_posts: crate::middleware::rate_limit::AddressLimit,
    /// Seals issued certificates; its key ring is published for offline checks.
    pub signer: Arc<zc_services::certificate_signing::CertificateSigner>,
    /// Today's calendar facts for the home pages, recomputed once a minute.
    pub today: Arc<crate::fresh::Fresh<crate::today::TodayFacts>>,
    /// The series and committees the filter forms offer, read once a minute.
    pub filter_choices: Arc<crate::fresh::Fresh<crate::routes::review_queue::FilterChoices>>,
}

impl AppStateParts {
    /// What the SMS use cases need, borrowed from the state.
    pub fn sms_context(&self) -> zc_services::sms::SmsContext<'_> {
        zc_services::sms::SmsContext {
            db: &self.db,
            vault: &self.vault,
            sender: self.sms.as_ref(),
            policy: &self.sms_policy,
        }
    }

    /// Builds the state for a database, configuration, field-encryption vault and
    /// certificate signer, with
    /// the outbox as SMS transport.
    pub fn new(
        db: Db,
        config: WebConfig,
        vault: PiiVault,
        signer: zc_services::certificate_signing::CertificateSigner,
    ) -> Self {
        Self {
            db,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            assets: Arc::new(Assets::load()),
            vault: Arc::new(vault),
            sms: Arc::new(OutboxOnly),
            sms_policy: Arc::new(SmsPolicy::default()),
            mailer: Arc::new(zc_services::mail::OutboxMailer),
            payments: Arc::new(zc_services::payments::Unconfigured),
            kept_posts: crate::middleware::rate_limit::AddressLimit::per_minute(
                "kept_posts",
                10,
                10,
            ),
            signer: Arc::new(signer),
            today: Arc::default(),
            filter_choices: Arc::default(),
        }
    }
}
