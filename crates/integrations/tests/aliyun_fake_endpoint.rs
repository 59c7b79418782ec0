//! The Aliyun sender against a local fake of `SendSms` that checks the signature the way
//! the vendor does, with its own encoder (form encoding, then the documented `+`→`%20`,
//! `*`→`%2A`, `%7E`→`~` fix-ups), not the sender's.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
};

use axum::{Json, Router, extract::RawQuery, routing::get};
use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, KeyInit, Mac};
use secrecy::SecretString;
use serde_json::{Value, json};
use zc_domain::phone::Phone;
use zc_integrations::aliyun_sms::{AliyunSmsConfig, AliyunSmsSender};
use zc_services::sms::{SmsMessage, SmsSender};

const SECRET: &str = "fake-endpoint-secret";

fn vendor_encode(s: &str) -> String {
    let form: String = url_form_encode(s);
    form.replace('+', "%20")
        .replace('*', "%2A")
        .replace("%7E", "~")
}

/// `application/x-www-form-urlencoded` as Java's URLEncoder does it.
fn url_form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// What the fake saw, for the assertions.
type Seen = Arc<Mutex<Vec<BTreeMap<String, String>>>>;

async fn fake_send_sms(seen: Seen, query: Option<String>) -> Json<Value> {
    let mut params: BTreeMap<String, String> = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect();
    let Some(given) = params.remove("Signature") else {
        return Json(json!({"Code": "MissingSignature", "Message": "no signature"}));
    };
    let canonical = params
        .iter()
        .map(|(k, v)| format!("{}={}", vendor_encode(k), vendor_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("GET&{}&{}", vendor_encode("/"), vendor_encode(&canonical));
    let mut mac =
        <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(format!("{SECRET}&").as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    if expected != given {
        return Json(json!({
            "Code": "SignatureDoesNotMatch",
            "Message": "Specified signature is not matched with our calculation."
        }));
    }
    seen.lock().unwrap().push(params);
    Json(
        json!({"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}),
    )
}

async fn start_fake() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let state = seen.clone();
    let app = Router::new().route(
        "/",
        get(move |RawQuery(q): RawQuery| fake_send_sms(state.clone(), q)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/"), seen)
}

fn sender(endpoint: &str, secret: &str) -> AliyunSmsSender {
    AliyunSmsSender::new(AliyunSmsConfig {
        endpoint: endpoint.to_string(),
        access_key_id: "LTAI-test".into(),
        access_key_secret: SecretString::from(secret.to_string()),
        sign_name: "广西职称".into(),
        templates: AliyunSmsConfig::parse_templates("register=SMS_100001,login=SMS_100002")
            .unwrap(),
    })
    .unwrap()
}

#[tokio::test]
async fn a_code_reaches_the_fake_vendor_with_a_valid_signature() {
    let (endpoint, seen) = start_fake().await;
    let phone = Phone::parse("13800771234").unwrap();
    let message = SmsMessage {
        phone: &phone,
        template: "register",
        params: &[("code", "204816")],
        body: "【广西职称】验证码204816，用于注册账号，5分钟内有效。",
    };
    sender(&endpoint, SECRET).deliver(&message).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let call = &seen[0];
    assert_eq!(call["Action"], "SendSms");
    assert_eq!(call["PhoneNumbers"], "13800771234");
    assert_eq!(call["SignName"], "广西职称");
    assert_eq!(call["TemplateCode"], "SMS_100001");
    assert_eq!(call["TemplateParam"], r#"{"code":"204816"}"#);
}

#[tokio::test]
async fn a_wrong_secret_is_refused_by_the_vendor_and_reported_as_a_failure() {
    let (endpoint, seen) = start_fake().await;
    let phone = Phone::parse("13800771234").unwrap();
    let message = SmsMessage {
        phone: &phone,
        template: "login",
        params: &[("code", "000111")],
        body: "x",
    };
    let err = sender(&endpoint, "not-the-secret")
        .deliver(&message)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("SignatureDoesNotMatch"), "{err}");
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_template_without_an_approved_code_is_not_sent() {
    let (endpoint, seen) = start_fake().await;
    let phone = Phone::parse("13800771234").unwrap();
    let message = SmsMessage {
        phone: &phone,
        template: "phone_change_notice",
        params: &[],
        body: "x",
    };
    let err = sender(&endpoint, SECRET)
        .deliver(&message)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("phone_change_notice"));
    assert!(seen.lock().unwrap().is_empty());
}
