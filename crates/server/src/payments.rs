//! 网上支付 — picks the payment gateway from the configuration: Alipay (or its sandbox)
//! with the keys in `keys_dir`, the local simulator (the demo's default, with key pairs it
//! generates on first start), or none.

use std::sync::Arc;

use anyhow::Context;
use zc_integrations::alipay::{
    AlipayClient, AlipayConfig, SigningKey, VerifyingKey, cert,
    simulator::{self, GATEWAY_PATH, SimulatorConfig},
};
use zc_services::payments::{PaymentGateway, Unconfigured};

use crate::{Config, keys::read_or_create};

/// The gateway, and the simulator's routes when it is the one in use.
pub struct Payments {
    pub gateway: Arc<dyn PaymentGateway>,
    pub simulator: Option<axum::Router>,
}

/// The simulator's made-up APPID and PID (the sandbox's look alike).
const SIM_APP_ID: &str = "9021000000000001";
const SIM_SELLER_ID: &str = "2088000000000001";

fn generated(dir: &std::path::Path, name: &str) -> anyhow::Result<SigningKey> {
    let text = read_or_create(dir, name, || {
        SigningKey::generate()
            .and_then(|k| k.to_pem())
            .unwrap_or_default()
    })?;
    SigningKey::parse(&text)
        .with_context(|| format!("密钥文件 {} 已损坏", dir.join(name).display()))
}

/// Builds the configured gateway; `public_url` is where people (and notifies) reach us.
pub fn setup(config: &Config, public_url: &str) -> anyhow::Result<Payments> {
    let base = public_url.trim_end_matches('/');
    let notify_base = if config.alipay_notify_base_url.is_empty() {
        base.to_string()
    } else {
        config
            .alipay_notify_base_url
            .trim_end_matches('/')
            .to_string()
    };
    let notify_url = format!("{notify_base}/pay/alipay/notify");
    let simulated =
        config.alipay_gateway == "simulator" || (config.alipay_gateway.is_empty() && config.demo);
    if simulated {
        let dir = config.keys_dir().join("alipay-simulator");
        crate::startup::ensure_writable(&dir, "模拟支付密钥目录")?;
        let app_key = generated(&dir, "app_private_key.pem")?;
        let sim_key = generated(&dir, "simulator_private_key.pem")?;
        let app_public = VerifyingKey::parse(&app_key.public_pem()?)?;
        let sim_public = VerifyingKey::parse(&sim_key.public_pem()?)?;
        let client = AlipayClient::new(AlipayConfig {
            gateway: format!("{base}{GATEWAY_PATH}"),
            app_id: SIM_APP_ID.into(),
            seller_id: SIM_SELLER_ID.into(),
            app_key,
            alipay_key: sim_public,
            notify_url,
            cert_sn: None,
        })?;
        let routes = simulator::router(SimulatorConfig {
            key: sim_key,
            merchant_key: app_public,
            app_id: SIM_APP_ID.into(),
            seller_id: SIM_SELLER_ID.into(),
            public_url: base.to_string(),
        });
        return Ok(Payments {
            gateway: Arc::new(client),
            simulator: Some(routes),
        });
    }
    if !config.alipay_gateway.starts_with("http") {
        return Ok(Payments {
            gateway: Arc::new(Unconfigured),
            simulator: None,
        });
    }
    let dir = config.keys_dir();
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).with_context(|| {
            format!(
                "无法读取支付宝密钥文件 {}：请把文件放在 keys_dir 中，或用配置项另指文件名",
                dir.join(name).display()
            )
        })
    };
    let app_key = SigningKey::parse(&read(&config.alipay_app_private_key_file)?)
        .context("应用私钥无法读取")?;
    // Certificate mode takes Alipay's key from its certificate and sends both SNs.
    let (alipay_key, cert_sn) = if config.alipay_app_cert_file.trim().is_empty() {
        let key = VerifyingKey::parse(&read(&config.alipay_public_key_file)?)
            .context("支付宝公钥无法读取")?;
        (key, None)
    } else {
        let key = cert::public_key(&read(&config.alipay_public_cert_file)?)
            .context("支付宝公钥证书无法读取")?;
        let app_sn = cert::app_cert_sn(&read(&config.alipay_app_cert_file)?)
            .context("应用公钥证书无法读取")?;
        let root_sn = cert::root_cert_sn(&read(&config.alipay_root_cert_file)?)
            .context("支付宝根证书无法读取")?;
        (key, Some((app_sn, root_sn)))
    };
    let client = AlipayClient::new(AlipayConfig {
        gateway: config.alipay_gateway.clone(),
        app_id: config.alipay_app_id.clone(),
        seller_id: config.alipay_seller_id.clone(),
        app_key,
        alipay_key,
        notify_url,
        cert_sn,
    })?;
    Ok(Payments {
        gateway: Arc::new(client),
        simulator: None,
    })
}

#[cfg(test)]
mod tests {
    use zc_domain::payment::Fen;
    use zc_services::payments::gateway::TradeRequest;

    use super::*;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../integrations/tests/fixtures"
    );

    fn copy(dir: &std::path::Path, name: &str) {
        std::fs::copy(format!("{FIXTURES}/{name}"), dir.join(name)).unwrap();
    }

    #[test]
    fn certificate_mode_sends_the_sns_computed_from_the_files() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "alipay_app_private_pkcs8.pem",
            "alipay_app_cert.crt",
            "alipay_public_cert.crt",
            "alipay_root_cert.crt",
        ] {
            copy(dir.path(), f);
        }
        let config = Config {
            demo: false,
            keys_dir: dir.path().display().to_string(),
            alipay_gateway: "https://openapi-sandbox.dl.alipaydev.com/gateway.do".into(),
            alipay_app_id: "2021000000000001".into(),
            alipay_seller_id: "2088000000000001".into(),
            alipay_app_private_key_file: "alipay_app_private_pkcs8.pem".into(),
            alipay_app_cert_file: "alipay_app_cert.crt".into(),
            alipay_public_cert_file: "alipay_public_cert.crt".into(),
            alipay_root_cert_file: "alipay_root_cert.crt".into(),
            ..Config::default()
        };
        let payments = setup(&config, "https://zc.example.cn").unwrap();
        assert!(payments.simulator.is_none());
        let form = payments
            .gateway
            .cashier_form(&TradeRequest {
                out_trade_no: "dl20261130103219001",
                amount: Fen(5000),
                subject: "代办晋升专业技术职务费",
                phone: false,
                return_url: "https://zc.example.cn/my/fees/1/return",
                quit_url: "https://zc.example.cn/my/fees",
                time_expire: "2026-11-30 11:02:19",
            })
            .unwrap();
        let field = |k: &str| {
            form.fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        let fixture = |n: &str| {
            std::fs::read_to_string(format!("{FIXTURES}/{n}"))
                .unwrap()
                .trim()
                .to_string()
        };
        assert_eq!(
            field("app_cert_sn"),
            Some(fixture("alipay_app_cert_sn.txt"))
        );
        assert_eq!(
            field("alipay_root_cert_sn"),
            Some(fixture("alipay_root_cert_sn.txt"))
        );

        // Half a certificate set is refused at start, in words.
        let half = Config {
            alipay_root_cert_file: String::new(),
            ..config
        };
        let e = half.validate().unwrap_err().to_string();
        assert!(e.contains("证书模式需要同时设置"), "{e}");
    }
}
