//! 阿里云短信 — the Aliyun SMS `SendSms` API (dysmsapi, version 2017-05-25).
//!
//! Requests are RPC style: every parameter travels in the query string, signed with
//! HMAC-SHA1 over the canonical query (signature version 1.0). Our template keys map to
//! the templates the province has had approved by Aliyun; the values go in
//! `TemplateParam`. The vendor's SDK is not used: the protocol is small and this keeps the
//! dependency tree to reqwest.

use std::{collections::BTreeMap, time::Duration};

use anyhow::{Context, bail};
use async_trait::async_trait;
use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha1::Sha1;
use zc_services::sms::{SmsMessage, SmsSender};

/// The public endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";

/// RFC 3986 unreserved characters stay; everything else is `%XY` (space is `%20`, never
/// `+`), as the signature rules require.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one name or value the way Aliyun signs it.
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The sorted, encoded `k=v&…` string over every parameter except `Signature`.
pub fn canonical_query(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .filter(|(k, _)| k.as_str() != "Signature")
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The request signature: Base64(HMAC-SHA1(secret + "&", METHOD&%2F&enc(canonical))).
pub fn signature(
    secret: &str,
    method: &str,
    params: &BTreeMap<String, String>,
) -> anyhow::Result<String> {
    let string_to_sign = format!(
        "{method}&{}&{}",
        percent_encode("/"),
        percent_encode(&canonical_query(params))
    );
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(format!("{secret}&").as_bytes())
        .map_err(|e| anyhow::anyhow!("signing key: {e}"))?;
    mac.update(string_to_sign.as_bytes());
    Ok(STANDARD.encode(mac.finalize().into_bytes()))
}

/// Account settings for the Aliyun sender.
#[derive(Clone)]
pub struct AliyunSmsConfig {
    /// API address; [`DEFAULT_ENDPOINT`] in production, a local fake in tests.
    pub endpoint: String,
    /// AccessKey ID.
    pub access_key_id: String,
    /// AccessKey secret.
    pub access_key_secret: SecretString,
    /// 短信签名, e.g. 广西职称.
    pub sign_name: String,
    /// Our template key → the approved Aliyun template code (`SMS_…`).
    pub templates: BTreeMap<String, String>,
}

impl AliyunSmsConfig {
    /// Parses `register=SMS_1,login=SMS_2` into the template map.
    pub fn parse_templates(spec: &str) -> anyhow::Result<BTreeMap<String, String>> {
        spec.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair
                    .split_once('=')
                    .with_context(|| format!("短信模板配置“{pair}”应为 用途=模板代码"))?;
                Ok((k.trim().to_string(), v.trim().to_string()))
            })
            .collect()
    }
}

/// Sends through Aliyun's `SendSms`.
pub struct AliyunSmsSender {
    config: AliyunSmsConfig,
    client: reqwest::Client,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendSmsResponse {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    biz_id: String,
}

impl AliyunSmsSender {
    /// A sender with a 10-second timeout, so a slow vendor never holds a request long.
    pub fn new(config: AliyunSmsConfig) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .context("HTTP client for Aliyun SMS")?;
        Ok(Self { config, client })
    }

    /// The signed parameters of one `SendSms` call.
    pub fn signed_params(
        &self,
        message: &SmsMessage<'_>,
        nonce: &str,
        timestamp: &str,
    ) -> anyhow::Result<BTreeMap<String, String>> {
        let Some(template_code) = self.config.templates.get(message.template) else {
            bail!("no Aliyun template configured for “{}”", message.template);
        };
        let template_param: serde_json::Map<String, serde_json::Value> = message
            .params
            .iter()
            .map(|(k, v)| ((*k).to_string(), serde_json::Value::from(*v)))
            .collect();
        let mut params: BTreeMap<String, String> = [
            ("AccessKeyId", self.config.access_key_id.as_str()),
            ("Action", "SendSms"),
            ("Format", "JSON"),
            ("RegionId", "cn-hangzhou"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", nonce),
            ("SignatureVersion", "1.0"),
            ("Timestamp", timestamp),
            ("Version", "2017-05-25"),
            ("PhoneNumbers", message.phone.as_str()),
            ("SignName", self.config.sign_name.as_str()),
            ("TemplateCode", template_code.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        params.insert(
            "TemplateParam".into(),
            serde_json::Value::Object(template_param).to_string(),
        );
        let sig = signature(
            self.config.access_key_secret.expose_secret(),
            "GET",
            &params,
        )?;
        params.insert("Signature".into(), sig);
        Ok(params)
    }
}

#[async_trait]
impl SmsSender for AliyunSmsSender {
    fn provider(&self) -> &'static str {
        "aliyun"
    }

    async fn deliver(&self, message: &SmsMessage<'_>) -> anyhow::Result<()> {
        let nonce = uuid::Uuid::new_v4().to_string();
        let timestamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let params = self.signed_params(message, &nonce, &timestamp)?;
        let query = params
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let url = format!("{}?{query}", self.config.endpoint);
        let response = self
            .client
            .get(url)
            .send()
            .await
            .context("Aliyun SMS unreachable")?;
        let status = response.status();
        let body: SendSmsResponse = response
            .json()
            .await
            .with_context(|| format!("Aliyun SMS answered {status} without a JSON body"))?;
        if body.code != "OK" {
            bail!("Aliyun SMS refused: {} {}", body.code, body.message);
        }
        tracing::info!(biz_id = %body.biz_id, template = message.template, "SMS sent via Aliyun");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_follows_rfc3986_not_form_encoding() {
        assert_eq!(percent_encode("a b*c~d/"), "a%20b%2Ac~d%2F");
        assert_eq!(percent_encode("职称"), "%E8%81%8C%E7%A7%B0");
    }

    #[test]
    fn canonical_query_is_sorted_and_leaves_out_the_signature() {
        let params: BTreeMap<String, String> = [("b", "2"), ("Signature", "x"), ("a", "1 1")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(canonical_query(&params), "a=1%201&b=2");
    }

    #[test]
    fn template_map_parses_and_names_a_bad_pair() {
        let map = AliyunSmsConfig::parse_templates("register=SMS_1, login = SMS_2").unwrap();
        assert_eq!(map.get("login").map(String::as_str), Some("SMS_2"));
        let err = AliyunSmsConfig::parse_templates("register").unwrap_err();
        assert!(err.to_string().contains("register"));
    }

    /// The worked example of Aliyun's 签名机制 documentation.
    #[test]
    fn signature_matches_the_vendor_worked_example() {
        let params: BTreeMap<String, String> = [
            ("AccessKeyId", "testId"),
            ("Action", "SendSms"),
            ("Format", "XML"),
            ("OutId", "123"),
            ("PhoneNumbers", "15300000001"),
            ("RegionId", "cn-hangzhou"),
            ("SignName", "阿里云短信测试专用"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
            ("SignatureVersion", "1.0"),
            ("TemplateCode", "SMS_71390007"),
            ("TemplateParam", r#"{"customer":"test"}"#),
            ("Timestamp", "2017-07-12T02:42:19Z"),
            ("Version", "2017-05-25"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            signature("testSecret", "GET", &params).unwrap(),
            "zJDF+Lrzhj/ThnlvIToysFRq6t4="
        );
    }

    #[test]
    fn signature_changes_with_every_input() {
        let params: BTreeMap<String, String> = [("Action".to_string(), "SendSms".to_string())]
            .into_iter()
            .collect();
        let a = signature("secret", "GET", &params).unwrap();
        assert_eq!(a.len(), 28, "Base64 of a 20-byte SHA-1 MAC");
        assert_ne!(a, signature("secret2", "GET", &params).unwrap());
        assert_ne!(a, signature("secret", "POST", &params).unwrap());
    }
}
