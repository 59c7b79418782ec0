//! Golden vectors: our sign strings and RSA2 signatures match what OpenSSL computes
//! independently with a throwaway key pair (see `fixtures/README.md`), and notifies are
//! believed only when their signature, fields and app match.

use std::collections::BTreeMap;

use zc_integrations::alipay::{
    AlipayClient, AlipayConfig, SigningKey, VerifyingKey,
    sign::{notify_content, request_content},
};
use zc_services::payments::{PaymentGateway, gateway::NotifyRejection};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn request_params() -> BTreeMap<String, String> {
    [
        ("app_id", "2021000000000001"),
        ("method", "alipay.trade.page.pay"),
        ("format", "JSON"),
        ("charset", "utf-8"),
        ("sign_type", "RSA2"),
        ("timestamp", "2026-11-30 10:32:19"),
        ("version", "1.0"),
        ("notify_url", "https://zc.example.cn/pay/alipay/notify"),
        ("return_url", "https://zc.example.cn/my/fees/return"),
        (
            "biz_content",
            r#"{"out_trade_no":"dl20261130103219001","total_amount":"50.00","subject":"代办晋升专业技术职务费","product_code":"FAST_INSTANT_TRADE_PAY"}"#,
        ),
        ("app_cert_sn", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn notify_params() -> BTreeMap<String, String> {
    [
        ("app_id", "2021000000000001"),
        ("gmt_payment", "2026-11-30 10:35:02"),
        ("notify_id", "2026113000222103502001"),
        ("notify_time", "2026-11-30 10:35:03"),
        ("notify_type", "trade_status_sync"),
        ("out_trade_no", "dl20261130103219001"),
        ("seller_id", "2088000000000001"),
        ("total_amount", "50.00"),
        ("trade_no", "2026113022001400001"),
        ("trade_status", "TRADE_SUCCESS"),
        ("sign_type", "RSA2"),
        ("sign", fixture("notify_signature.b64").trim()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[test]
fn request_sign_string_and_signature_match_openssl() {
    let content = request_content(&request_params());
    assert_eq!(content, fixture("request_sign_content.txt"));
    for key in [
        "alipay_app_private_pkcs1.pem",
        "alipay_app_private_pkcs8.pem",
    ] {
        let key = SigningKey::parse(&fixture(key)).unwrap();
        // PKCS#1 v1.5 is deterministic: the same bytes as OpenSSL's.
        assert_eq!(
            key.sign(&content).unwrap(),
            fixture("request_signature.b64").trim()
        );
    }
    let public = VerifyingKey::parse(&fixture("alipay_app_public.pem")).unwrap();
    assert!(public.verify(&content, fixture("request_signature.b64").trim()));
}

#[test]
fn notify_check_string_leaves_out_sign_and_sign_type() {
    assert_eq!(
        notify_content(&notify_params()),
        fixture("notify_sign_content.txt")
    );
}

fn client(alipay_public: &str) -> AlipayClient {
    AlipayClient::new(AlipayConfig {
        gateway: "http://127.0.0.1:9/gateway.do".into(),
        app_id: "2021000000000001".into(),
        seller_id: "2088000000000001".into(),
        app_key: SigningKey::generate().unwrap(),
        alipay_key: VerifyingKey::parse(alipay_public).unwrap(),
        notify_url: "https://zc.example.cn/pay/alipay/notify".into(),
        cert_sn: None,
    })
    .unwrap()
}

#[test]
fn notifies_fail_on_tampering_wrong_key_missing_fields_and_other_apps() {
    let good = client(&fixture("alipay_app_public.pem"));
    let n = good.verify_notify(&notify_params()).unwrap();
    assert_eq!(n.out_trade_no, "dl20261130103219001");
    assert_eq!(n.total_amount, "50.00");

    let mut tampered = notify_params();
    tampered.insert("total_amount".into(), "0.01".into());
    assert_eq!(
        good.verify_notify(&tampered).unwrap_err(),
        NotifyRejection::BadSignature
    );

    let other_key = SigningKey::generate().unwrap().public_pem().unwrap();
    assert_eq!(
        client(&other_key)
            .verify_notify(&notify_params())
            .unwrap_err(),
        NotifyRejection::BadSignature
    );

    let mut unsigned = notify_params();
    unsigned.remove("sign");
    assert_eq!(
        good.verify_notify(&unsigned).unwrap_err(),
        NotifyRejection::Missing("sign")
    );

    // A signed notify of another app: re-signed with the same key, app_id changed.
    let key = SigningKey::parse(&fixture("alipay_app_private_pkcs1.pem")).unwrap();
    let mut other_app = notify_params();
    other_app.insert("app_id".into(), "2021999999999999".into());
    let sign = key.sign(&notify_content(&other_app)).unwrap();
    other_app.insert("sign".into(), sign);
    assert_eq!(
        good.verify_notify(&other_app).unwrap_err(),
        NotifyRejection::OtherApp
    );

    // A signed notify without a trade number.
    let mut no_trade = notify_params();
    no_trade.remove("trade_no");
    let sign = key.sign(&notify_content(&no_trade)).unwrap();
    no_trade.insert("sign".into(), sign);
    assert_eq!(
        good.verify_notify(&no_trade).unwrap_err(),
        NotifyRejection::Missing("trade_no")
    );
}

#[test]
fn a_cashier_form_carries_every_common_parameter_signed() {
    let key_pem = fixture("alipay_app_private_pkcs8.pem");
    let c = AlipayClient::new(AlipayConfig {
        gateway: "https://openapi.alipay.com/gateway.do".into(),
        app_id: "2021000000000001".into(),
        seller_id: "2088000000000001".into(),
        app_key: SigningKey::parse(&key_pem).unwrap(),
        alipay_key: VerifyingKey::parse(&fixture("alipay_app_public.pem")).unwrap(),
        notify_url: "https://zc.example.cn/pay/alipay/notify".into(),
        cert_sn: Some(("appsn".into(), "rootsn".into())),
    })
    .unwrap();
    let form = c
        .cashier_form(&zc_services::payments::gateway::TradeRequest {
            out_trade_no: "dl20261130103219001",
            amount: zc_domain::payment::Fen(5000),
            subject: "代办晋升专业技术职务费",
            phone: true,
            return_url: "https://zc.example.cn/my/fees/1/return",
            quit_url: "https://zc.example.cn/my/fees",
            time_expire: "2026-11-30 11:02:19",
        })
        .unwrap();
    assert_eq!(
        form.action,
        "https://openapi.alipay.com/gateway.do?charset=utf-8"
    );
    let p: BTreeMap<String, String> = form.fields.into_iter().collect();
    assert_eq!(p["method"], "alipay.trade.wap.pay");
    assert_eq!(p["app_cert_sn"], "appsn");
    assert_eq!(p["alipay_root_cert_sn"], "rootsn");
    assert!(p["biz_content"].contains(r#""product_code":"QUICK_WAP_WAY""#));
    assert!(p["biz_content"].contains(r#""quit_url":"https://zc.example.cn/my/fees""#));
    let public = VerifyingKey::parse(&fixture("alipay_app_public.pem")).unwrap();
    assert!(public.verify(&request_content(&p), &p["sign"]));
}
