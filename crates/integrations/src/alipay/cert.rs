//! 证书模式 — Alipay's certificate mode. Instead of pasting public keys, the merchant keeps
//! three certificates: its app certificate, Alipay's public certificate and Alipay's root
//! bundle. Every request carries `app_cert_sn` and `alipay_root_cert_sn`, which Alipay's
//! SDKs define as the MD5 of the issuer (RFC 2253 form, as Java's `X500Principal.getName()`
//! writes it) followed by the serial number in decimal; the root SN joins the SNs of the
//! bundle's RSA-signed roots with `_` (its EC roots are left out). Notifies and responses
//! are checked with the public key inside Alipay's certificate.

use md5::{Digest, Md5};
use x509_cert::{
    Certificate,
    der::{DecodePem, Encode, oid::ObjectIdentifier},
};

use super::VerifyingKey;

/// A certificate file that cannot serve certificate mode.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    #[error("证书无法读取（应为 PEM 格式的 X.509 证书）：{0}")]
    Unreadable(String),
    #[error("根证书文件中没有 RSA 签名的证书")]
    NoRsaRoot,
    #[error("证书中的公钥不是可用的 RSA 公钥")]
    Key,
}

const SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

fn unreadable(e: impl std::fmt::Display) -> CertError {
    CertError::Unreadable(e.to_string())
}

/// The SN of one certificate: MD5(issuer + decimal serial), in lower-case hex.
fn sn_of(cert: &Certificate) -> String {
    let tbs = &cert.tbs_certificate;
    let text = format!("{}{}", tbs.issuer, decimal(tbs.serial_number.as_bytes()));
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A big-endian unsigned number in decimal, as Java's `BigInteger.toString()` writes a
/// serial (serials run to 20 bytes, past any machine integer).
fn decimal(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new(); // least significant first
    for &byte in bytes {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            let v = u32::from(*d) * 256 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

/// `app_cert_sn`: the SN of the app certificate (the first certificate in the file).
pub fn app_cert_sn(pem: &str) -> Result<String, CertError> {
    let cert = Certificate::from_pem(pem.as_bytes()).map_err(unreadable)?;
    Ok(sn_of(&cert))
}

/// `alipay_root_cert_sn`: the SNs of the bundle's RSA-signed roots, joined with `_`.
pub fn root_cert_sn(pem_bundle: &str) -> Result<String, CertError> {
    // x509-cert 0.2 underflows on an empty bundle, so an empty file is refused here.
    if pem_bundle.trim().is_empty() {
        return Err(CertError::Unreadable("文件为空".into()));
    }
    let certs = Certificate::load_pem_chain(pem_bundle.as_bytes()).map_err(unreadable)?;
    let sns: Vec<String> = certs
        .iter()
        .filter(|c| [SHA1_WITH_RSA, SHA256_WITH_RSA].contains(&c.signature_algorithm.oid))
        .map(sn_of)
        .collect();
    if sns.is_empty() {
        return Err(CertError::NoRsaRoot);
    }
    Ok(sns.join("_"))
}

/// The public key inside Alipay's public certificate.
pub fn public_key(pem: &str) -> Result<VerifyingKey, CertError> {
    let cert = Certificate::from_pem(pem.as_bytes()).map_err(unreadable)?;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(unreadable)?;
    VerifyingKey::from_der(spki).map_err(|_| CertError::Key)
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn serials_are_written_in_decimal_beyond_machine_integers() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0x30, 0x39]), "12345");
        assert_eq!(decimal(&[0x00, 0xff]), "255");
        // 2^128, one past u128::MAX.
        let mut big = vec![1u8];
        big.extend([0u8; 16]);
        assert_eq!(decimal(&big), "340282366920938463463374607431768211456");
    }
}
