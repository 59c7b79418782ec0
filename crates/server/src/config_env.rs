//! `ZC_*` environment variables: which setting each names, and how its value is read.

use std::{collections::BTreeMap, path::PathBuf};

use anyhow::bail;

use crate::config::Config;

/// The environment variables and the keys they set, in README order.
pub const ENV_KEYS: &[(&str, &str)] = &[
    ("ZC_BIND", "bind"),
    ("ZC_DATA_DIR", "data_dir"),
    ("ZC_DATABASE_URL", "database_url"),
    ("ZC_DB_MAX_CONNECTIONS", "db_max_connections"),
    ("ZC_DB_WAIT_SECONDS", "db_wait_seconds"),
    ("ZC_FILES_DIR", "files_dir"),
    ("ZC_S3_BUCKET", "s3_bucket"),
    ("ZC_S3_ENDPOINT", "s3_endpoint"),
    ("ZC_S3_REGION", "s3_region"),
    ("ZC_S3_ACCESS_KEY_ID", "s3_access_key_id"),
    ("ZC_S3_SECRET_ACCESS_KEY", "s3_secret_access_key"),
    ("ZC_S3_VIRTUAL_HOSTED", "s3_virtual_hosted"),
    ("ZC_S3_ALLOW_HTTP", "s3_allow_http"),
    ("ZC_KEYS_DIR", "keys_dir"),
    ("ZC_DEMO", "demo"),
    ("ZC_TLS", "tls"),
    ("ZC_BODY_LIMIT_KB", "body_limit_kb"),
    ("ZC_LOG_FORMAT", "log_format"),
    ("ZC_LOG_LEVEL", "log_level"),
    ("ZC_WORKER", "worker"),
    ("ZC_CAPTCHA_ALWAYS", "captcha_always"),
    ("ZC_TRUSTED_PROXIES", "trusted_proxies"),
    ("ZC_METRICS_ALLOW", "metrics_allow"),
    ("ZC_METRICS_TOKEN", "metrics_token"),
    ("ZC_STAFF_IDLE_SECONDS", "staff_idle_seconds"),
    ("ZC_APPLICANT_IDLE_SECONDS", "applicant_idle_seconds"),
    ("ZC_PUBLIC_URL", "public_url"),
    ("ZC_SMS_PROVIDER", "sms_provider"),
    ("ZC_SMS_ALIYUN_ENDPOINT", "sms_aliyun_endpoint"),
    ("ZC_SMS_ALIYUN_KEY_ID", "sms_aliyun_key_id"),
    ("ZC_SMS_ALIYUN_KEY_SECRET", "sms_aliyun_key_secret"),
    ("ZC_SMS_ALIYUN_SIGN_NAME", "sms_aliyun_sign_name"),
    ("ZC_SMS_ALIYUN_TEMPLATES", "sms_aliyun_templates"),
    ("ZC_SMTP_URL", "smtp_url"),
    ("ZC_MAIL_FROM", "mail_from"),
    ("ZC_SUMMARY_LIMIT_EVALUATION", "summary_limit_evaluation"),
    (
        "ZC_CERTIFICATE_NUMBER_PATTERN",
        "certificate_number_pattern",
    ),
    ("ZC_COMMITTEE_MINIMUM_SIZES", "committee_minimum_sizes"),
    ("ZC_SUMMARY_LIMIT_RECOGNITION", "summary_limit_recognition"),
    ("ZC_ALIPAY_GATEWAY", "alipay_gateway"),
    ("ZC_ALIPAY_APP_ID", "alipay_app_id"),
    ("ZC_ALIPAY_SELLER_ID", "alipay_seller_id"),
    (
        "ZC_ALIPAY_APP_PRIVATE_KEY_FILE",
        "alipay_app_private_key_file",
    ),
    ("ZC_ALIPAY_PUBLIC_KEY_FILE", "alipay_public_key_file"),
    ("ZC_ALIPAY_APP_CERT_FILE", "alipay_app_cert_file"),
    ("ZC_ALIPAY_PUBLIC_CERT_FILE", "alipay_public_cert_file"),
    ("ZC_ALIPAY_ROOT_CERT_FILE", "alipay_root_cert_file"),
    ("ZC_ALIPAY_NOTIFY_BASE_URL", "alipay_notify_base_url"),
];

/// Variables that are not settings but select the file.
pub(crate) const ENV_CONFIG_FILE: &str = "ZC_CONFIG";

fn parse_bool(var: &str, v: &str) -> anyhow::Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => bail!("环境变量 {var}={v} 无法识别：请使用 true 或 false"),
    }
}

fn parse_num<T: std::str::FromStr>(var: &str, v: &str) -> anyhow::Result<T> {
    v.trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("环境变量 {var}={v} 不是有效的数字"))
}

impl Config {
    /// Applies `ZC_*` variables; an unknown `ZC_` name is an error.
    pub fn apply_env(&mut self, env: &BTreeMap<String, String>) -> anyhow::Result<()> {
        for (var, value) in env.iter().filter(|(k, _)| k.starts_with("ZC_")) {
            if var == ENV_CONFIG_FILE {
                continue;
            }
            let Some((_, key)) = ENV_KEYS.iter().find(|(v, _)| v == var) else {
                bail!("未知的环境变量 {var}：可用的 ZC_ 配置项见 README 的配置表");
            };
            match *key {
                "bind" => self.bind = value.clone(),
                "data_dir" => self.data_dir = PathBuf::from(value),
                "database_url" => self.database_url = value.clone(),
                "db_max_connections" => self.db_max_connections = parse_num(var, value)?,
                "db_wait_seconds" => self.db_wait_seconds = parse_num(var, value)?,
                "files_dir" => self.files_dir = value.clone(),
                "s3_bucket" => self.s3_bucket = value.clone(),
                "s3_endpoint" => self.s3_endpoint = value.clone(),
                "s3_region" => self.s3_region = value.clone(),
                "s3_access_key_id" => self.s3_access_key_id = value.clone(),
                "s3_secret_access_key" => self.s3_secret_access_key = value.clone(),
                "s3_virtual_hosted" => self.s3_virtual_hosted = parse_bool(var, value)?,
                "s3_allow_http" => self.s3_allow_http = parse_bool(var, value)?,
                "keys_dir" => self.keys_dir = value.clone(),
                "demo" => self.demo = parse_bool(var, value)?,
                "tls" => self.tls = parse_bool(var, value)?,
                "body_limit_kb" => self.body_limit_kb = parse_num(var, value)?,
                "log_format" => self.log_format = value.clone(),
                "log_level" => self.log_level = value.clone(),
                "worker" => self.worker = parse_bool(var, value)?,
                "captcha_always" => self.captcha_always = parse_bool(var, value)?,
                "trusted_proxies" => self.trusted_proxies = value.clone(),
                "metrics_allow" => self.metrics_allow = value.clone(),
                "metrics_token" => self.metrics_token = value.clone(),
                "staff_idle_seconds" => self.staff_idle_seconds = parse_num(var, value)?,
                "applicant_idle_seconds" => self.applicant_idle_seconds = parse_num(var, value)?,
                "public_url" => self.public_url = value.clone(),
                "sms_provider" => self.sms_provider = value.clone(),
                "sms_aliyun_endpoint" => self.sms_aliyun_endpoint = value.clone(),
                "sms_aliyun_key_id" => self.sms_aliyun_key_id = value.clone(),
                "sms_aliyun_key_secret" => self.sms_aliyun_key_secret = value.clone(),
                "sms_aliyun_sign_name" => self.sms_aliyun_sign_name = value.clone(),
                "sms_aliyun_templates" => self.sms_aliyun_templates = value.clone(),
                "smtp_url" => self.smtp_url = value.clone(),
                "mail_from" => self.mail_from = value.clone(),
                "summary_limit_evaluation" => {
                    self.summary_limit_evaluation = parse_num(var, value)?
                }
                "summary_limit_recognition" => {
                    self.summary_limit_recognition = parse_num(var, value)?
                }
                "certificate_number_pattern" => self.certificate_number_pattern = value.clone(),
                "committee_minimum_sizes" => self.committee_minimum_sizes = value.clone(),
                "alipay_gateway" => self.alipay_gateway = value.clone(),
                "alipay_app_id" => self.alipay_app_id = value.clone(),
                "alipay_seller_id" => self.alipay_seller_id = value.clone(),
                "alipay_app_private_key_file" => self.alipay_app_private_key_file = value.clone(),
                "alipay_public_key_file" => self.alipay_public_key_file = value.clone(),
                "alipay_app_cert_file" => self.alipay_app_cert_file = value.clone(),
                "alipay_public_cert_file" => self.alipay_public_cert_file = value.clone(),
                "alipay_root_cert_file" => self.alipay_root_cert_file = value.clone(),
                "alipay_notify_base_url" => self.alipay_notify_base_url = value.clone(),
                other => unreachable!("ENV_KEYS names {other} without a setter"),
            }
        }
        Ok(())
    }
}
