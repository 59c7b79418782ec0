//! 证书签章数据 — the signed payload a certificate's QR code carries, so that anyone can
//! check it offline with the platform's published public keys.
//!
//! The text is `ZC1.<key id>.<payload>.<signature>`: the payload is the canonical claims as
//! compact JSON in base64url, and the Ed25519 signature covers `ZC1.<key id>.<payload>`, so
//! the key id cannot be swapped. The QR code holds the online verification address with
//! this text after `#`: a phone opens the online page (fragments are never sent to a
//! server), an offline checker reads the part after `#`.
//!
//! This module only composes and parses; the signing and the key ring live in
//! `zc-services` (`certificate_signing`).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

/// The format's version tag, first in every sealed text.
pub const VERSION: &str = "ZC1";

/// What a certificate's seal asserts: the canonical certificate data at issue.
/// Field names are short to keep the QR code small enough for a phone camera at print size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedClaims {
    /// 证书编号.
    #[serde(rename = "n")]
    pub number: String,
    /// 姓名, masked (`张*三`): the payload is public, the number and name check stays online.
    #[serde(rename = "h")]
    pub holder: String,
    /// 资格名称.
    #[serde(rename = "t")]
    pub title: String,
    /// 级别 (`中级`).
    #[serde(rename = "l")]
    pub level: String,
    /// 取得方式.
    #[serde(rename = "w")]
    pub way: String,
    /// 发证单位 — the issuing 职改办.
    #[serde(rename = "o")]
    pub office: String,
    /// 发证日期, `YYYY-MM-DD`.
    #[serde(rename = "d")]
    pub issued_on: String,
    /// 签发时状态 — the status when sealed (`有效`).
    #[serde(rename = "s")]
    pub status: String,
}

/// Why a sealed text does not verify, in words for the person checking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("这不是本平台证书的签章数据（应以 ZC1. 开头，由四段组成），请完整复制二维码内容")]
    Malformed,
    #[error("签章使用的密钥 {0} 不在公布的公钥列表中，无法确认真伪")]
    UnknownKey(String),
    #[error("签名与证书数据不符：数据可能被改动，或不是本平台签发的证书")]
    BadSignature,
}

/// A sealed text split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealText<'a> {
    /// The signing key's id.
    pub key_id: &'a str,
    /// `ZC1.<key id>.<payload>`, the bytes the signature covers.
    pub signed: &'a str,
    /// The claims' JSON bytes.
    pub payload: Vec<u8>,
    /// The 64-byte signature.
    pub signature: Vec<u8>,
}

impl SealedClaims {
    /// The claims' canonical bytes: compact JSON in declaration order.
    pub fn canonical(&self) -> Vec<u8> {
        // A struct of strings always serialises.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// `ZC1.<key id>.<payload>`, to be signed.
    pub fn signing_input(&self, key_id: &str) -> String {
        format!(
            "{VERSION}.{key_id}.{}",
            URL_SAFE_NO_PAD.encode(self.canonical())
        )
    }
}

/// Appends the signature to a signing input, giving the sealed text.
pub fn compose(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The QR code's text: the online check's address with the sealed text after `#`.
pub fn qr_text(verify_url: &str, sealed: &str) -> String {
    format!("{verify_url}#{sealed}")
}

/// Splits a sealed text, or a whole QR text, into its parts. Whitespace around it (a
/// paste from a scanner app) is ignored.
pub fn parse(text: &str) -> Result<SealText<'_>, SealError> {
    let text = text.trim();
    let sealed = text.rsplit_once('#').map_or(text, |(_, s)| s).trim();
    let (signed, sig) = sealed.rsplit_once('.').ok_or(SealError::Malformed)?;
    let mut parts = signed.splitn(3, '.');
    let (Some(VERSION), Some(key_id), Some(payload)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(SealError::Malformed);
    };
    if key_id.is_empty()
        || !key_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(SealError::Malformed);
    }
    let payload = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| SealError::Malformed)?;
    let signature = URL_SAFE_NO_PAD
        .decode(sig)
        .ok()
        .filter(|s| s.len() == 64)
        .ok_or(SealError::Malformed)?;
    Ok(SealText {
        key_id,
        signed,
        payload,
        signature,
    })
}

/// The claims of a text whose signature has been checked.
pub fn claims(parsed: &SealText<'_>) -> Result<SealedClaims, SealError> {
    serde_json::from_slice(&parsed.payload).map_err(|_| SealError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims_of() -> SealedClaims {
        SealedClaims {
            number: "GX2026-0001".into(),
            holder: "张*三".into(),
            title: "工程师".into(),
            level: "中级".into(),
            way: "评审".into(),
            office: "广西壮族自治区职称改革工作领导小组办公室".into(),
            issued_on: "2026-11-30".into(),
            status: "有效".into(),
        }
    }

    #[test]
    fn a_composed_text_parses_back_from_the_qr_text() {
        let input = claims_of().signing_input("cs-20261202-a1");
        let sealed = compose(&input, &[7u8; 64]);
        let qr = qr_text("https://zc.example.cn/verify/t/abc", &sealed);
        let pasted = format!("  {qr}\n");
        let p = parse(&pasted).unwrap();
        assert_eq!(p.key_id, "cs-20261202-a1");
        assert_eq!(p.signed, input);
        assert_eq!(p.signature, vec![7u8; 64]);
        assert_eq!(claims(&p).unwrap(), claims_of());
    }

    #[test]
    fn canonical_bytes_are_compact_and_ordered() {
        let json = String::from_utf8(claims_of().canonical()).unwrap();
        assert!(json.starts_with(r#"{"n":"GX2026-0001","h":"张*三","t":"工程师","l":"中级","#));
        assert!(!json.contains(' '));
    }

    #[test]
    fn broken_texts_are_malformed() {
        for bad in [
            "",
            "hello",
            "ZC2.k.e30.AAAA",
            "ZC1..e30.AAAA",
            "ZC1.k.e30.AAAA",
            "ZC1.k/x.e30.AAAA",
            "ZC1.k.!!!.AAAA",
        ] {
            assert_eq!(parse(bad).unwrap_err(), SealError::Malformed, "{bad}");
        }
    }

    #[test]
    fn a_seal_fits_a_printable_qr_code() {
        let sealed = compose(&claims_of().signing_input("cs-20261202-a1"), &[1u8; 64]);
        let qr = qr_text(
            "https://zc.gxrs.gov.cn/verify/t/0123456789abcdef0123456789abcdef",
            &sealed,
        );
        // QR version 20 at level M holds 666 bytes; a 3 cm print stays readable below it.
        assert!(qr.len() < 600, "{} bytes", qr.len());
    }
}
