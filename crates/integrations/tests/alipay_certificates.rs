//! Certificate mode: the SNs we send match what OpenSSL and Python compute from the same
//! certificates (see `fixtures/README.md`), and the key we check Alipay with is the one in
//! its certificate.

use zc_integrations::alipay::{VerifyingKey, cert};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn the_app_certificate_sn_matches_openssl() {
    assert_eq!(
        cert::app_cert_sn(&fixture("alipay_app_cert.crt")).unwrap(),
        fixture("alipay_app_cert_sn.txt").trim()
    );
}

#[test]
fn the_root_sn_joins_the_rsa_roots_and_skips_the_ec_root() {
    let sn = cert::root_cert_sn(&fixture("alipay_root_cert.crt")).unwrap();
    assert_eq!(sn, fixture("alipay_root_cert_sn.txt").trim());
    assert_eq!(sn.split('_').count(), 2, "three roots, one of them EC");
}

#[test]
fn alipays_key_is_read_from_its_certificate() {
    let from_cert = cert::public_key(&fixture("alipay_public_cert.crt")).unwrap();
    let from_openssl = VerifyingKey::parse(&fixture("alipay_public_cert_key.pem")).unwrap();
    assert_eq!(from_cert, from_openssl);
}

#[test]
fn files_that_are_not_certificates_are_refused_in_words() {
    let key = fixture("alipay_app_public.pem");
    let e = cert::app_cert_sn(&key).unwrap_err().to_string();
    assert!(e.starts_with("证书无法读取"), "{e}");
    assert!(cert::root_cert_sn("").is_err());
}
