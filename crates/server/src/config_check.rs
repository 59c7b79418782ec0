//! 配置检查 — the checks a configuration passes before anything starts: values that parse,
//! settings that need each other (a vendor and its account, SMTP and a sender, Alipay and
//! its keys), and a database URL the platform can use. Each refusal names the setting.

use anyhow::bail;

use crate::Config;

impl Config {
    /// Refuses a configuration the platform could not run with, naming the setting.
    pub(crate) fn validate(&self) -> anyhow::Result<()> {
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!(
                "log_format = \"{}\" 无效：请使用 text 或 json",
                self.log_format
            );
        }
        if self.db_max_connections == 0 {
            bail!("db_max_connections 必须大于 0");
        }
        if !(1..=20).contains(&self.db_wait_seconds) {
            bail!("db_wait_seconds 须在 1 到 20 之间（请求最长 30 秒，等待数据库须明显短于它）");
        }
        for (key, v) in [
            ("summary_limit_evaluation", self.summary_limit_evaluation),
            ("summary_limit_recognition", self.summary_limit_recognition),
        ] {
            if !(100..=50_000).contains(&v) {
                bail!("{key} = {v} 无效：应在100到50000之间");
            }
        }
        let sample = zc_domain::committee::certificate_number::NumberParts {
            year: 2026,
            series: 1,
            level: 1,
            office: 1,
            seq: 1,
        };
        if let Err(e) = zc_domain::committee::certificate_number::format(
            &self.certificate_number_pattern,
            sample,
        ) {
            bail!(
                "certificate_number_pattern = \"{}\" 无效：{e}",
                self.certificate_number_pattern
            );
        }
        if let Err(e) =
            zc_domain::committee::minimum_size::MinimumSizes::parse(&self.committee_minimum_sizes)
        {
            bail!(
                "committee_minimum_sizes = \"{}\" 无效：{e}",
                self.committee_minimum_sizes
            );
        }
        if self.body_limit_kb < 16 {
            bail!("body_limit_kb 过小（至少 16）");
        }
        match self.sms_provider.as_str() {
            "outbox" => {}
            "aliyun" => {
                for (key, value) in [
                    ("sms_aliyun_key_id", &self.sms_aliyun_key_id),
                    ("sms_aliyun_key_secret", &self.sms_aliyun_key_secret),
                    ("sms_aliyun_sign_name", &self.sms_aliyun_sign_name),
                    ("sms_aliyun_templates", &self.sms_aliyun_templates),
                ] {
                    if value.trim().is_empty() {
                        bail!("sms_provider = \"aliyun\" 时必须设置 {key}");
                    }
                }
            }
            other => bail!("sms_provider = \"{other}\" 无效：请使用 outbox 或 aliyun"),
        }
        if self.alipay_gateway.starts_with("http") {
            for (key, value) in [
                ("alipay_app_id", &self.alipay_app_id),
                ("alipay_seller_id", &self.alipay_seller_id),
            ] {
                if value.trim().is_empty() {
                    bail!("设置了 alipay_gateway 时必须设置 {key}");
                }
            }
        } else if !matches!(self.alipay_gateway.as_str(), "" | "simulator") {
            bail!(
                "alipay_gateway = \"{}\" 无效：请填写支付宝网关地址（https://…/gateway.do）或 simulator",
                self.alipay_gateway
            );
        }
        if self.staff_idle_seconds < 1 || self.applicant_idle_seconds < 1 {
            bail!("staff_idle_seconds 和 applicant_idle_seconds 应为正整数（秒）");
        }
        for (key, value) in [
            ("trusted_proxies", &self.trusted_proxies),
            ("metrics_allow", &self.metrics_allow),
        ] {
            zc_web::middleware::client_addr::parse_cidrs(value)
                .map_err(|e| anyhow::anyhow!("{key}：{e}"))?;
        }
        let certs = [
            &self.alipay_app_cert_file,
            &self.alipay_public_cert_file,
            &self.alipay_root_cert_file,
        ];
        let set = certs.iter().filter(|f| !f.trim().is_empty()).count();
        if set != 0 && set != certs.len() {
            bail!(
                "证书模式需要同时设置 alipay_app_cert_file、alipay_public_cert_file 和 alipay_root_cert_file（应用公钥证书、支付宝公钥证书、支付宝根证书）"
            );
        }
        if !self.smtp_url.is_empty() && self.mail_from.trim().is_empty() {
            bail!("设置了 smtp_url 时必须设置发件人 mail_from");
        }
        let url = self.database_url();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            bail!(
                "database_url 必须以 sqlite:// 或 postgres:// 开头，当前为 {}",
                zc_db::redact_url(&url)
            );
        }
        Ok(())
    }
}
