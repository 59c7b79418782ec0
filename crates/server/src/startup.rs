//! Building and running the application: folders, keys, database, demo data, router,
//! background worker and session sweep, with graceful shutdown.

use std::{future::Future, net::SocketAddr, path::Path, time::Duration};

use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::{net::TcpListener, sync::watch};
use tower_sessions::session_store::ExpiredDeletion;
use zc_db::{Backend, Db, DbOptions, jobs::Worker, session_store::DbSessionStore};
use zc_services::demo::DemoAccount;
use zc_web::{AppState, WebConfig};

use crate::{Config, keys};

/// What start-up did, for the banner.
#[derive(Debug, Clone)]
pub struct StartupReport {
    pub url: String,
    pub database: String,
    pub backend: Backend,
    /// True when this start seeded a brand-new demo database.
    pub seeded_demo: bool,
    /// Demo accounts and their password, in demo mode.
    pub demo_accounts: Vec<DemoAccount>,
    pub demo_password: Option<String>,
    /// `(login, TOTP secret)` of the demo staff.
    pub demo_totp: Vec<(String, String)>,
}

/// A built application, bound to its port and ready to serve.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    run_worker: bool,
    port: u16,
    /// The local Alipay simulator's routes, when it is the gateway in use.
    simulator: Option<axum::Router>,
    /// Where the audit chain's head is anchored outside the database.
    anchors: std::path::PathBuf,
}

/// Makes sure `dir` exists and accepts writes, with a message that says how to fix it.
pub fn ensure_writable(dir: &Path, what: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "无法创建{what} {}：请检查权限，或用配置项另选一个可写目录",
            dir.display()
        )
    })?;
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    std::fs::write(&probe, b"ok").with_context(|| {
        format!(
            "{what} {} 不可写：请检查权限，或用配置项另选一个可写目录",
            dir.display()
        )
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Opens the configured database and applies migrations.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    let wait = std::time::Duration::from_secs(config.db_wait_seconds);
    let keys = crate::keys::load_or_create(&config.keys_dir())?;
    let opts = DbOptions {
        max_connections: config.db_max_connections,
        acquire_timeout: wait,
        busy_timeout: wait,
        audit_key: keys.audit_key(),
        clock: config.clock.clone(),
    };
    let db = Db::connect(&url, &opts).await.map_err(|e| {
        anyhow::anyhow!("{e}。请检查 database_url（ZC_DATABASE_URL）是否正确、数据库是否已启动")
    })?;
    db.migrate().await.context("数据库迁移失败")?;
    Ok(db)
}

impl Application {
    /// Prepares everything and binds the listener; nothing is served yet.
    pub async fn build(config: &Config) -> anyhow::Result<(Application, StartupReport)> {
        ensure_writable(&config.data_dir, "数据目录")?;
        if config.s3_settings().is_none() {
            ensure_writable(&config.files_dir(), "上传文件目录")?;
        }
        let storage = config.storage()?;
        storage.probe().await.map_err(|e| {
            anyhow::anyhow!("文件存储（{}）无法写入或读取：{e}", storage.describe())
        })?;
        let keys_dir = config.keys_dir();
        let keys = keys::load_or_create(&keys_dir)?;
        let db = open_database(config).await?;
        let signer = crate::certificate_keys::load_or_create(&keys_dir, config.clock.today())?;
        let sealed = zc_services::certificate_signing::seal_unsealed(&db, &signer)
            .await
            .map_err(|e| anyhow::anyhow!("证书签章补签失败：{e:?}"))?;
        if sealed > 0 {
            tracing::info!(sealed, "sealed certificates issued before sealing existed");
        }

        let mut report = StartupReport {
            url: String::new(),
            database: zc_db::redact_url(&config.database_url()),
            backend: db.backend(),
            seeded_demo: false,
            demo_accounts: Vec::new(),
            demo_password: None,
            demo_totp: Vec::new(),
        };
        if config.demo {
            let password = keys::demo_password(&keys_dir)?;
            let vault = zc_services::pii::PiiVault::new(keys.field_key.expose_secret())?;
            report.seeded_demo =
                zc_services::demo::seed_demo(&db, &vault, password.expose_secret())
                    .await
                    .map_err(|e| anyhow::anyhow!("演示数据写入失败：{e:?}"))?;
            // Only accounts that really exist are announced.
            report.demo_accounts = zc_services::demo::existing_demo_accounts(&db, &vault)
                .await
                .map_err(|e| anyhow::anyhow!("演示账号读取失败：{e:?}"))?;
            report.demo_totp = zc_services::demo::demo_totp_secrets(&db, &vault)
                .await
                .map_err(|e| anyhow::anyhow!("演示动态口令读取失败：{e:?}"))?;
            if !report.demo_accounts.is_empty() {
                report.demo_password = Some(password.expose_secret().to_string());
            }
        }

        let listener = TcpListener::bind(&config.bind).await.with_context(|| {
            format!(
                "无法监听地址 {}：端口可能已被占用，请用 bind（ZC_BIND）换一个地址",
                config.bind
            )
        })?;
        let port = listener.local_addr()?.port();
        let host = config
            .bind
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or("127.0.0.1");
        let host = if host == "0.0.0.0" || host == "[::]" {
            "127.0.0.1"
        } else {
            host
        };
        report.url = format!(
            "{}://{host}:{port}",
            if config.tls { "https" } else { "http" }
        );

        let web = WebConfig {
            demo: config.demo,
            tls: config.tls,
            csrf_key: keys.csrf_key(),
            body_limit: config.body_limit_kb * 1024,
            storage,
            captcha_always: config.captcha_always,
            staff_totp_required: !config.demo,
            summary_limits: zc_services::application_summary::SummaryLimits {
                evaluation: config.summary_limit_evaluation,
                recognition: config.summary_limit_recognition,
            },
            certificate_pattern: config.certificate_number_pattern.clone(),
            committee_minimums: zc_domain::committee::minimum_size::MinimumSizes::parse(
                &config.committee_minimum_sizes,
            )
            .map_err(anyhow::Error::msg)?,
            trusted_proxies: zc_web::middleware::client_addr::parse_cidrs(&config.trusted_proxies)
                .map_err(anyhow::Error::msg)?,
            metrics_allow: zc_web::middleware::client_addr::parse_cidrs(&config.metrics_allow)
                .map_err(anyhow::Error::msg)?,
            metrics_token: config.metrics_token.clone(),
            staff_idle_seconds: config.staff_idle_seconds,
            applicant_idle_seconds: config.applicant_idle_seconds,
            public_url: if config.public_url.is_empty() {
                report.url.clone()
            } else {
                config.public_url.clone()
            },
        };
        let payments = crate::payments::setup(config, &web.public_url)?;
        let vault = zc_services::pii::PiiVault::new(keys.field_key.expose_secret())?;
        let mut parts = zc_web::state::AppStateParts::new(db, web, vault, signer);
        parts.sms = crate::transports::sms_sender(config)?;
        parts.mailer = crate::transports::mailer(config)?;
        parts.payments = payments.gateway;
        let state = AppState::from(parts);
        Ok((
            Application {
                listener,
                state,
                run_worker: config.worker,
                port,
                simulator: payments.simulator,
                anchors: crate::audit_anchor::path(&config.data_dir),
            },
            report,
        ))
    }

    /// The bound port (useful with `bind = "127.0.0.1:0"`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The vault that seals identifiers, for commands that write applicants.
    pub fn vault(&self) -> std::sync::Arc<zc_services::pii::PiiVault> {
        self.state.vault.clone()
    }

    /// The database handle (tests use it to arrange data).
    pub fn db(&self) -> Db {
        self.state.db.clone()
    }

    /// The payment gateway the platform pays through (the load harness opens cashiers).
    pub fn payments(&self) -> std::sync::Arc<dyn zc_services::payments::PaymentGateway> {
        self.state.payments.clone()
    }

    /// Every route the platform serves, read from the router as built (the access matrix
    /// tries each one).
    pub fn routes(&self) -> Vec<zc_web::route_catalogue::RouteEntry> {
        zc_web::route_catalogue::routes(&zc_web::router(self.state.clone()))
    }

    /// Serves until `shutdown` resolves, then lets requests in flight and the job in
    /// progress finish.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let db = self.state.db.clone();
        let worker = self.run_worker.then(|| {
            let name = format!("{}-{}", hostname(), std::process::id());
            let sms_notices = std::sync::Arc::new(zc_services::messages::SmsNoticeJob {
                vault: self.state.vault.clone(),
                sender: self.state.sms.clone(),
            });
            let rosters = std::sync::Arc::new(zc_services::roster_export::RosterJob {
                vault: self.state.vault.clone(),
                storage: self.state.config.storage.clone(),
            });
            let bundles = std::sync::Arc::new(zc_services::meeting_bundle::BundleJob {
                storage: self.state.config.storage.clone(),
            });
            tokio::spawn(
                Worker::new(db.clone(), name)
                    .handle(zc_services::meeting_bundle::BUNDLE_JOB, bundles)
                    .handle(zc_services::messages::SMS_NOTICE_JOB, sms_notices)
                    .handle(zc_services::roster_export::ROSTER_JOB, rosters)
                    .run(stop_rx.clone()),
            )
        });
        let forgets = tokio::spawn(zc_db::memo::follow_forgets(db.clone(), stop_rx.clone()));
        let sweep = tokio::spawn(sweep_expired(
            db.clone(),
            self.state.payments.clone(),
            self.anchors.clone(),
            stop_rx.clone(),
        ));

        let mut app = zc_web::router(self.state);
        if let Some(simulator) = self.simulator {
            app = app.merge(simulator);
        }
        let server = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
        });
        let result = server.await;
        let _ = stop_tx.send(true);
        if let Some(w) = worker {
            let _ = w.await;
        }
        let _ = sweep.await;
        let _ = forgets.await;
        db.close().await;
        result.context("HTTP server failed")
    }
}

/// Deletes expired sessions, captchas and refilled request limits every few minutes;
/// idempotent, so every node may run it.
async fn sweep_expired(
    db: Db,
    payments: std::sync::Arc<dyn zc_services::payments::PaymentGateway>,
    anchors: std::path::PathBuf,
    mut stop: watch::Receiver<bool>,
) {
    let store = DbSessionStore::new(db.clone());
    loop {
        if let Err(e) = crate::audit_anchor::write(&db, &anchors).await {
            tracing::warn!(error = ?e, "audit anchor not written");
        }
        if let Err(e) = store.delete_expired().await {
            tracing::warn!(error = %e, "session sweep failed");
        }
        if let Err(e) = zc_db::captcha::sweep(&db).await {
            tracing::warn!(error = %e, "captcha sweep failed");
        }
        if let Err(e) = zc_db::address_hits::sweep(&db).await {
            tracing::warn!(error = %e, "request-limit sweep failed");
        }
        match zc_services::result_publicity::end_due(&db).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(ended = n, "result publicity periods ended"),
            Err(e) => tracing::warn!(error = ?e, "publicity sweep failed"),
        }
        match zc_services::payments::sweep::run(&db, payments.as_ref(), db.now()).await {
            Ok(r) if r == Default::default() => {}
            Ok(r) => tracing::info!(?r, "payment orders swept"),
            Err(e) => tracing::warn!(error = ?e, "payment sweep failed"),
        }
        tokio::select! {
            _ = stop.changed() => return,
            _ = tokio::time::sleep(Duration::from_secs(300)) => {}
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "zhicheng".into())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
