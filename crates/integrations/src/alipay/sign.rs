//! RSA2 签名 — Alipay's signatures: SHA256withRSA, PKCS#1 v1.5, base64, over the "sign
//! content" its SDK builds (keys sorted, empty values skipped, raw values joined with `&`).
//! A request is signed over every parameter but `sign`; a notify or return is checked over
//! every parameter but `sign` and `sign_type`; an API answer over the raw JSON text of its
//! `…_response` node.

use std::collections::BTreeMap;

use aws_lc_rs::{
    encoding::AsDer,
    rand::SystemRandom,
    rsa::KeySize,
    signature::{self, KeyPair, RsaKeyPair, UnparsedPublicKey},
};
use base64::{Engine, engine::general_purpose::STANDARD};

/// The sign content of `params` without the keys in `leave_out`.
pub fn sign_content(params: &BTreeMap<String, String>, leave_out: &[&str]) -> String {
    params
        .iter()
        .filter(|(k, v)| !k.is_empty() && !v.is_empty() && !leave_out.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The content a request is signed over: everything but `sign`.
pub fn request_content(params: &BTreeMap<String, String>) -> String {
    sign_content(params, &["sign"])
}

/// The content a notify or return is checked over: everything but `sign` and `sign_type`.
pub fn notify_content(params: &BTreeMap<String, String>) -> String {
    sign_content(params, &["sign", "sign_type"])
}

/// A private key that signs (ours towards Alipay; the simulator's towards us).
pub struct SigningKey(RsaKeyPair);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(…)")
    }
}

/// Why a key could not be read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("密钥不是有效的 base64 或 PEM 内容")]
    Encoding,
    #[error("不是可用的 RSA 密钥（需要 2048 位以上的 PKCS#1 或 PKCS#8 私钥 / X.509 公钥）")]
    Rejected,
}

/// The DER inside a PEM block, or the bare base64 Alipay's key tool prints.
fn der_of(text: &str) -> Result<Vec<u8>, KeyError> {
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----"))
        .collect();
    STANDARD.decode(body.trim()).map_err(|_| KeyError::Encoding)
}

impl SigningKey {
    /// Reads a private key as PEM or bare base64, PKCS#8 or PKCS#1 (Alipay's tool writes
    /// either).
    pub fn parse(text: &str) -> Result<SigningKey, KeyError> {
        let der = der_of(text)?;
        RsaKeyPair::from_pkcs8(&der)
            .or_else(|_| RsaKeyPair::from_der(&der))
            .map(SigningKey)
            .map_err(|_| KeyError::Rejected)
    }

    /// A new 2048-bit key (the simulator's and the demo merchant's).
    pub fn generate() -> Result<SigningKey, KeyError> {
        RsaKeyPair::generate(KeySize::Rsa2048)
            .map(SigningKey)
            .map_err(|_| KeyError::Rejected)
    }

    /// The key as PKCS#8 PEM, to keep in the key folder.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        let der: aws_lc_rs::encoding::Pkcs8V1Der<'_> =
            self.0.as_der().map_err(|_| KeyError::Rejected)?;
        Ok(pem("PRIVATE KEY", der.as_ref()))
    }

    /// The public half as X.509 SubjectPublicKeyInfo PEM (what Alipay's console takes).
    pub fn public_pem(&self) -> Result<String, KeyError> {
        let der: aws_lc_rs::encoding::PublicKeyX509Der<'_> = self
            .0
            .public_key()
            .as_der()
            .map_err(|_| KeyError::Rejected)?;
        Ok(pem("PUBLIC KEY", der.as_ref()))
    }

    /// The base64 RSA2 signature of `content`.
    pub fn sign(&self, content: &str) -> Result<String, KeyError> {
        let mut sig = vec![0u8; self.0.public_modulus_len()];
        self.0
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                content.as_bytes(),
                &mut sig,
            )
            .map_err(|_| KeyError::Rejected)?;
        Ok(STANDARD.encode(sig))
    }
}

/// A public key that checks signatures (Alipay's, or our app's at the simulator).
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey(Vec<u8>);

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerifyingKey(…)")
    }
}

impl VerifyingKey {
    /// Reads a public key as PEM or bare base64 (X.509 SubjectPublicKeyInfo or PKCS#1).
    pub fn parse(text: &str) -> Result<VerifyingKey, KeyError> {
        let der = der_of(text)?;
        VerifyingKey::from_der(der)
    }

    /// A public key from its DER bytes (SubjectPublicKeyInfo or PKCS#1).
    pub fn from_der(der: Vec<u8>) -> Result<VerifyingKey, KeyError> {
        aws_lc_rs::rsa::PublicKey::from_der(&der).map_err(|_| KeyError::Rejected)?;
        Ok(VerifyingKey(der))
    }

    /// Whether `signature_b64` is a valid RSA2 signature of `content`.
    pub fn verify(&self, content: &str, signature_b64: &str) -> bool {
        let Ok(sig) = STANDARD.decode(signature_b64.trim()) else {
            return false;
        };
        UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &self.0)
            .verify(content.as_bytes(), &sig)
            .is_ok()
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The raw text of the `…_response` node of an API answer and the answer's `sign`, read
/// without re-serialising (the signature covers the exact bytes Alipay sent).
pub fn response_node<'a>(body: &'a str, node: &str) -> Option<(&'a str, Option<String>)> {
    let key = format!("\"{node}\"");
    let start = body.find(&key)? + key.len();
    let rest = &body[start..];
    let colon = rest.find(':')?;
    let value = rest[colon + 1..].trim_start();
    let offset = body.len() - value.len();
    let end = json_value_end(value)?;
    let raw = &body[offset..offset + end];
    let sign = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("sign").and_then(|s| s.as_str()).map(str::to_string));
    Some((raw, sign))
}

/// The length of the JSON object at the start of `text`.
fn json_value_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ if depth == 0 && !c.is_whitespace() => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn content_sorts_skips_empties_and_leaves_out_signatures() {
        let p = map(&[
            ("sign", "xyz"),
            ("b", "2"),
            ("a", "1 & 2"),
            ("empty", ""),
            ("sign_type", "RSA2"),
        ]);
        assert_eq!(request_content(&p), "a=1 & 2&b=2&sign_type=RSA2");
        assert_eq!(notify_content(&p), "a=1 & 2&b=2");
    }

    #[test]
    fn a_generated_key_signs_what_its_public_half_verifies() {
        let key = SigningKey::generate().unwrap();
        let public = VerifyingKey::parse(&key.public_pem().unwrap()).unwrap();
        let again = SigningKey::parse(&key.to_pem().unwrap()).unwrap();
        let sig = again.sign("a=1&b=2").unwrap();
        assert!(public.verify("a=1&b=2", &sig));
        assert!(!public.verify("a=1&b=3", &sig));
        assert!(!public.verify("a=1&b=2", "not base64!"));
    }

    #[test]
    fn the_response_node_is_read_byte_exact() {
        let body = r#"{"alipay_trade_query_response":{"code":"10000","msg":"Success","total_amount":"50.00","note":"a \"}\" b"},"sign":"SIG"}"#;
        let (raw, sign) = response_node(body, "alipay_trade_query_response").unwrap();
        assert_eq!(
            raw,
            r#"{"code":"10000","msg":"Success","total_amount":"50.00","note":"a \"}\" b"}"#
        );
        assert_eq!(sign.as_deref(), Some("SIG"));
        assert!(response_node(body, "other_response").is_none());
    }
}
