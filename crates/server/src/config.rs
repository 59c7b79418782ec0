//! Configuration: defaults that work on a fresh machine, an optional `zhicheng.toml`, and
//! `ZC_*` environment variables on top. Unknown keys are errors, so a typo never silently
//! falls back to a default.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use anyhow::Context;
use serde::Deserialize;

/// Every setting, with its default.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// Folder for the SQLite file, uploads and keys.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means `sqlite://{data_dir}/zhicheng.db`.
    pub database_url: String,
    /// Connections per server in the database pool.
    pub db_max_connections: u32,
    /// Seconds a request waits for a database connection, its turn to write or a lock
    /// before it is answered "系统繁忙" (503).
    pub db_wait_seconds: u64,
    /// Uploaded files; empty means `{data_dir}/files`.
    pub files_dir: String,
    /// S3-compatible object storage for uploads and generated files instead of
    /// `files_dir`: the bucket (empty: the local folder). It must exist, with versioning on.
    pub s3_bucket: String,
    /// The S3 server's address; empty means Amazon S3 in `s3_region`.
    pub s3_endpoint: String,
    pub s3_region: String,
    pub s3_access_key_id: String,
    pub s3_secret_access_key: String,
    /// Virtual-host addressing (`bucket.endpoint`) instead of path style.
    pub s3_virtual_hosted: bool,
    /// Allow a plain `http://` endpoint (a server on the same private network).
    pub s3_allow_http: bool,
    /// Generated secrets; empty means `{data_dir}/keys`.
    pub keys_dir: String,
    /// Seed a demo province into a brand-new database and show demo helpers.
    pub demo: bool,
    /// Served over HTTPS (directly or behind a TLS proxy): Secure cookies and HSTS.
    pub tls: bool,
    /// Largest request body, in KB.
    pub body_limit_kb: usize,
    /// `text` or `json` log lines.
    pub log_format: String,
    /// Log filter, e.g. `info` or `zc_web=debug,info`; `RUST_LOG` overrides it.
    pub log_level: String,
    /// Run the background job worker in this process.
    pub worker: bool,
    /// Ask for the image captcha on every applicant login, not only after a failure.
    pub captcha_always: bool,
    /// Proxies (CIDRs, comma-separated) whose `X-Forwarded-For` names the client; empty:
    /// the socket's address is the client's.
    pub trusted_proxies: String,
    /// Addresses (CIDRs) that may read `/metrics`.
    pub metrics_allow: String,
    /// A bearer token that opens `/metrics` from any address; empty: none.
    pub metrics_token: String,
    /// Seconds a staff session may stay idle (等保: 15 minutes).
    pub staff_idle_seconds: i64,
    /// Seconds an applicant's or expert's session may stay idle.
    pub applicant_idle_seconds: i64,
    /// The address people reach the platform at (for links in e-mails); empty means the
    /// listening address.
    pub public_url: String,
    /// `outbox` (messages stay in the database) or `aliyun`.
    pub sms_provider: String,
    /// Aliyun SMS API address.
    pub sms_aliyun_endpoint: String,
    /// Aliyun AccessKey ID.
    pub sms_aliyun_key_id: String,
    /// Aliyun AccessKey secret.
    pub sms_aliyun_key_secret: String,
    /// 短信签名 approved by Aliyun.
    pub sms_aliyun_sign_name: String,
    /// Approved template codes: `register=SMS_1,login=SMS_2,reset=…,change_phone=…,
    /// password_reset_notice=…,phone_change_notice=…`.
    pub sms_aliyun_templates: String,
    /// SMTP server (`smtps://user:pass@host:465`); empty keeps e-mail in the outbox.
    pub smtp_url: String,
    /// Sender of e-mail, e.g. `广西职称 <noreply@example.cn>`.
    pub mail_from: String,
    /// 专业技术工作总结 limit for 职称评审, in characters.
    pub summary_limit_evaluation: usize,
    /// 专业技术工作总结 limit for 职称认定, in characters.
    pub summary_limit_recognition: usize,
    /// 证书编号 pattern (digits and `{year:4}`, `{series:2}`, `{level:1}`, `{office:3}`,
    /// `{seq:5}` placeholders).
    pub certificate_number_pattern: String,
    /// Fewest experts a meeting of a level may draw: `zhenggao=11,fugao=11,zhongji=7,…`.
    pub committee_minimum_sizes: String,
    /// Alipay gateway: `https://openapi.alipay.com/gateway.do`, the sandbox's
    /// `https://openapi-sandbox.dl.alipaydev.com/gateway.do`, or `simulator` for the local
    /// one; empty means the simulator in demo mode and no online payment otherwise.
    pub alipay_gateway: String,
    /// The app's APPID at Alipay (the simulator makes one up when empty).
    pub alipay_app_id: String,
    /// The merchant's PID (`2088…`) that notifies must name.
    pub alipay_seller_id: String,
    /// Our app private key (PEM or bare base64, PKCS#1 or PKCS#8), a file in `keys_dir`.
    pub alipay_app_private_key_file: String,
    /// Alipay's public key (PEM or bare base64), a file in `keys_dir`.
    pub alipay_public_key_file: String,
    /// Certificate mode (证书模式): our app certificate, Alipay's public certificate and
    /// Alipay's root bundle, file names in `keys_dir`; all three or none (public-key mode).
    pub alipay_app_cert_file: String,
    pub alipay_public_cert_file: String,
    pub alipay_root_cert_file: String,
    /// The address Alipay posts notifies to; empty means `public_url`.
    pub alipay_notify_base_url: String,
    /// Where every "now" and "today" comes from: the system clock, which no file or
    /// variable can change; tests start a server at a chosen instant.
    #[serde(skip)]
    pub clock: zc_domain::Clock,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            db_max_connections: 16,
            db_wait_seconds: 5,
            files_dir: String::new(),
            s3_bucket: String::new(),
            s3_endpoint: String::new(),
            s3_region: String::new(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: String::new(),
            s3_virtual_hosted: false,
            s3_allow_http: false,
            keys_dir: String::new(),
            demo: true,
            tls: false,
            body_limit_kb: 2048,
            log_format: "text".into(),
            log_level: "info".into(),
            worker: true,
            captcha_always: false,
            trusted_proxies: String::new(),
            metrics_allow: "127.0.0.1/32, ::1/128".into(),
            metrics_token: String::new(),
            staff_idle_seconds: 15 * 60,
            applicant_idle_seconds: 30 * 60,
            public_url: String::new(),
            sms_provider: "outbox".into(),
            sms_aliyun_endpoint: zc_integrations::aliyun_sms::DEFAULT_ENDPOINT.into(),
            sms_aliyun_key_id: String::new(),
            sms_aliyun_key_secret: String::new(),
            sms_aliyun_sign_name: String::new(),
            sms_aliyun_templates: String::new(),
            smtp_url: String::new(),
            mail_from: String::new(),
            summary_limit_evaluation: 5000,
            certificate_number_pattern: zc_domain::committee::certificate_number::DEFAULT_PATTERN
                .to_string(),
            committee_minimum_sizes: zc_domain::committee::minimum_size::DEFAULT_SIZES.to_string(),
            summary_limit_recognition: 700,
            alipay_gateway: String::new(),
            alipay_app_id: String::new(),
            alipay_seller_id: String::new(),
            alipay_app_private_key_file: "alipay_app_private_key.pem".into(),
            alipay_public_key_file: "alipay_public_key.pem".into(),
            alipay_app_cert_file: String::new(),
            alipay_public_cert_file: String::new(),
            alipay_root_cert_file: String::new(),
            alipay_notify_base_url: String::new(),
            clock: zc_domain::Clock::system(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database_url", &zc_db::redact_url(&self.database_url()))
            .field("db_max_connections", &self.db_max_connections)
            .field("db_wait_seconds", &self.db_wait_seconds)
            .field("files_dir", &self.files_dir())
            .field("s3", &self.s3_settings())
            .field("keys_dir", &self.keys_dir())
            .field("demo", &self.demo)
            .field("tls", &self.tls)
            .field("body_limit_kb", &self.body_limit_kb)
            .field("log_format", &self.log_format)
            .field("log_level", &self.log_level)
            .field("worker", &self.worker)
            .field("captcha_always", &self.captcha_always)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_allow", &self.metrics_allow)
            .field("metrics_token", &"[redacted]")
            .field("staff_idle_seconds", &self.staff_idle_seconds)
            .field("applicant_idle_seconds", &self.applicant_idle_seconds)
            .field("public_url", &self.public_url)
            .field("sms_provider", &self.sms_provider)
            .field("sms_aliyun_endpoint", &self.sms_aliyun_endpoint)
            .field("sms_aliyun_key_id", &self.sms_aliyun_key_id)
            .field("sms_aliyun_key_secret", &"[redacted]")
            .field("sms_aliyun_sign_name", &self.sms_aliyun_sign_name)
            .field("sms_aliyun_templates", &self.sms_aliyun_templates)
            .field("smtp_url", &zc_db::redact_url(&self.smtp_url))
            .field("mail_from", &self.mail_from)
            .field("summary_limit_evaluation", &self.summary_limit_evaluation)
            .field(
                "certificate_number_pattern",
                &self.certificate_number_pattern,
            )
            .field("committee_minimum_sizes", &self.committee_minimum_sizes)
            .field("summary_limit_recognition", &self.summary_limit_recognition)
            .field("alipay_gateway", &self.alipay_gateway)
            .field("alipay_app_id", &self.alipay_app_id)
            .field("alipay_seller_id", &self.alipay_seller_id)
            .field(
                "alipay_app_private_key_file",
                &self.alipay_app_private_key_file,
            )
            .field("alipay_public_key_file", &self.alipay_public_key_file)
            .field("alipay_app_cert_file", &self.alipay_app_cert_file)
            .field("alipay_public_cert_file", &self.alipay_public_cert_file)
            .field("alipay_root_cert_file", &self.alipay_root_cert_file)
            .field("alipay_notify_base_url", &self.alipay_notify_base_url)
            .finish()
    }
}

impl Config {
    /// Loads defaults, then the config file (`ZC_CONFIG`, else `./zhicheng.toml` if present),
    /// then `ZC_*` variables from `env`.
    pub fn load(env: &BTreeMap<String, String>) -> anyhow::Result<Config> {
        let file = match env.get(crate::config_env::ENV_CONFIG_FILE) {
            Some(p) => Some(PathBuf::from(p)),
            None => Some(PathBuf::from("zhicheng.toml")).filter(|p| p.exists()),
        };
        let mut config = match file {
            Some(path) => Self::from_file(&path)?,
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    /// Reads a TOML file; unknown keys are refused.
    pub fn from_file(path: &Path) -> anyhow::Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取配置文件 {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            let msg = e.message().replace('\n', " ");
            anyhow::anyhow!(
                "配置文件 {} 有误：{msg}（可用的配置项见 README）",
                path.display()
            )
        })
    }

    /// The effective database URL.
    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}/zhicheng.db", self.data_dir.display())
        } else {
            self.database_url.clone()
        }
    }

    /// The effective uploads folder.
    pub fn files_dir(&self) -> PathBuf {
        if self.files_dir.is_empty() {
            self.data_dir.join("files")
        } else {
            PathBuf::from(&self.files_dir)
        }
    }

    /// The object-storage settings, when a bucket is configured.
    pub fn s3_settings(&self) -> Option<zc_storage::S3Settings> {
        (!self.s3_bucket.is_empty()).then(|| zc_storage::S3Settings {
            bucket: self.s3_bucket.clone(),
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            access_key_id: self.s3_access_key_id.clone(),
            secret_access_key: self.s3_secret_access_key.clone(),
            virtual_hosted: self.s3_virtual_hosted,
            allow_http: self.s3_allow_http,
        })
    }

    /// Where files are kept: the S3 bucket if one is configured, else the local folder.
    /// Large generated files are built in `{data_dir}/scratch` before an S3 upload.
    pub fn storage(&self) -> anyhow::Result<zc_storage::Storage> {
        match self.s3_settings() {
            Some(s3) => zc_storage::Storage::s3(&s3, &self.data_dir.join("scratch"))
                .map_err(|e| anyhow::anyhow!("对象存储配置有误（s3_*）：{e}")),
            None => zc_storage::Storage::local(&self.files_dir())
                .with_context(|| format!("无法使用上传文件目录 {}", self.files_dir().display())),
        }
    }

    /// The effective secrets folder.
    pub fn keys_dir(&self) -> PathBuf {
        if self.keys_dir.is_empty() {
            self.data_dir.join("keys")
        } else {
            PathBuf::from(&self.keys_dir)
        }
    }

    /// True when the database is the embedded SQLite file.
    pub fn uses_sqlite(&self) -> bool {
        self.database_url().starts_with("sqlite:")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_work_on_a_fresh_machine() {
        let c = Config::load(&env(&[("ZC_CONFIG", "/nonexistent/none.toml")]));
        assert!(c.is_err(), "a named but missing file is an error");
        let c = Config::load(&env(&[])).unwrap();
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.database_url(), "sqlite://./data/zhicheng.db");
        assert_eq!(c.files_dir(), PathBuf::from("./data/files"));
        assert_eq!(c.keys_dir(), PathBuf::from("./data/keys"));
        assert!(c.demo);
    }

    #[test]
    fn environment_overrides_and_unknown_names_are_refused() {
        let c = Config::load(&env(&[
            ("ZC_DEMO", "false"),
            ("ZC_DATABASE_URL", "postgres://u:pw@h/db"),
        ]))
        .unwrap();
        assert!(!c.demo);
        assert!(!c.uses_sqlite());
        let e = Config::load(&env(&[("ZC_DEMOO", "false")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("未知的环境变量 ZC_DEMOO"), "{e}");
        let e = Config::load(&env(&[("ZC_DEMO", "maybe")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("ZC_DEMO=maybe"), "{e}");
    }

    #[test]
    fn file_keys_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zhicheng.toml");
        std::fs::write(&path, "bind = \"0.0.0.0:9000\"\ndemo = false\n").unwrap();
        let c = Config::from_file(&path).unwrap();
        assert_eq!((c.bind.as_str(), c.demo), ("0.0.0.0:9000", false));
        std::fs::write(&path, "bnd = \"0.0.0.0:9000\"\n").unwrap();
        let e = Config::from_file(&path).unwrap_err().to_string();
        assert!(e.contains("unknown field `bnd`"), "{e}");
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let c = Config {
            database_url: "postgres://zc:hunter2@db/zc".into(),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://zc:***@db/zc"));
        let c = Config {
            sms_aliyun_key_secret: "aliyun-secret-value".into(),
            smtp_url: "smtps://mailer:mailpass@mail.example.cn:465".into(),
            s3_bucket: "zc-files".into(),
            s3_secret_access_key: "s3-secret-value".into(),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3-secret-value"), "{shown}");
        assert!(shown.contains("zc-files"), "{shown}");
        assert!(!shown.contains("aliyun-secret-value"), "{shown}");
        assert!(!shown.contains("mailpass"), "{shown}");
    }

    #[test]
    fn a_vendor_sms_provider_needs_its_account_settings() {
        let e = Config::load(&env(&[("ZC_SMS_PROVIDER", "aliyun")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("sms_aliyun_key_id"), "{e}");
        let e = Config::load(&env(&[("ZC_SMS_PROVIDER", "tencent")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("outbox 或 aliyun"), "{e}");
        let e = Config::load(&env(&[("ZC_SMTP_URL", "smtp://127.0.0.1:25")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("mail_from"), "{e}");
    }
}
