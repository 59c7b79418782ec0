//! 证书签章 — seals certificates with the platform's Ed25519 key and checks sealed texts
//! against the published public keys, so a certificate can be checked without the server.
//!
//! Keys rotate: every key ever used stays in the published list with the day it was
//! retired, so a certificate sealed years ago still verifies. Key files are the server's
//! business (`zhicheng` keeps them in `data/keys/certificate/`); this module only signs
//! and verifies.

use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zc_domain::{
    certificate_seal::{self, SealError, SealedClaims},
    level::TitleLevel,
};

/// One public key as published at `/.well-known/zhicheng/keys.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedKey {
    /// The key id the seals name.
    pub kid: String,
    /// Always `Ed25519`.
    pub alg: String,
    /// The raw 32-byte public key, base64url without padding.
    pub x: String,
    /// The day the key started sealing.
    pub created: NaiveDate,
    /// The day it stopped (certificates sealed before then still verify).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<NaiveDate>,
}

/// The published keys, current and retired.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRing {
    /// Oldest first.
    pub keys: Vec<PublishedKey>,
}

impl KeyRing {
    /// Reads a ring from the published JSON (the keys file or a download of
    /// `keys.json`); the message says what is wrong.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let ring: KeyRing =
            serde_json::from_str(text).map_err(|e| format!("公钥列表格式不正确：{e}"))?;
        for k in &ring.keys {
            let ok = k.alg == "Ed25519"
                && URL_SAFE_NO_PAD
                    .decode(&k.x)
                    .is_ok_and(|raw| raw.len() == 32);
            if !ok {
                return Err(format!("公钥 {} 不是有效的 Ed25519 公钥", k.kid));
            }
        }
        Ok(ring)
    }

    /// The published JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks a sealed text (or a whole QR text) and returns what it asserts.
    pub fn verify(&self, text: &str) -> Result<SealedClaims, SealError> {
        let parsed = certificate_seal::parse(text)?;
        let key = self
            .keys
            .iter()
            .find(|k| k.kid == parsed.key_id)
            .ok_or_else(|| SealError::UnknownKey(parsed.key_id.to_string()))?;
        let raw = URL_SAFE_NO_PAD
            .decode(&key.x)
            .map_err(|_| SealError::UnknownKey(parsed.key_id.to_string()))?;
        UnparsedPublicKey::new(&ED25519, raw)
            .verify(parsed.signed.as_bytes(), &parsed.signature)
            .map_err(|_| SealError::BadSignature)?;
        certificate_seal::claims(&parsed)
    }
}

/// The key that seals new certificates.
pub struct CertificateSigner {
    kid: String,
    pair: Ed25519KeyPair,
    ring: KeyRing,
}

impl std::fmt::Debug for CertificateSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateSigner")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// A new private key as a PKCS#8 document.
pub fn generate_pkcs8() -> anyhow::Result<Vec<u8>> {
    let doc = Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new())
        .map_err(|_| anyhow::anyhow!("无法生成证书签章密钥"))?;
    Ok(doc.as_ref().to_vec())
}

/// The published form of a private key's public half.
pub fn public_key_of(kid: &str, pkcs8: &[u8], created: NaiveDate) -> anyhow::Result<PublishedKey> {
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8)
        .map_err(|_| anyhow::anyhow!("证书签章密钥 {kid} 已损坏"))?;
    Ok(PublishedKey {
        kid: kid.to_string(),
        alg: "Ed25519".into(),
        x: URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
        created,
        retired: None,
    })
}

impl CertificateSigner {
    /// The signer for key `kid`, which must be in `ring` and not retired.
    pub fn new(kid: &str, pkcs8: &[u8], ring: KeyRing) -> anyhow::Result<Self> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8)
            .map_err(|_| anyhow::anyhow!("证书签章密钥 {kid} 已损坏"))?;
        let public = URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
        match ring.keys.iter().find(|k| k.kid == kid) {
            Some(k) if k.x == public && k.retired.is_none() => {}
            _ => anyhow::bail!("证书签章密钥 {kid} 与公布的公钥列表不一致"),
        }
        Ok(Self {
            kid: kid.to_string(),
            pair,
            ring,
        })
    }

    /// A signer with a fresh key, for tests and demo tools.
    pub fn ephemeral(today: NaiveDate) -> anyhow::Result<Self> {
        let pkcs8 = generate_pkcs8()?;
        let key = public_key_of("cs-ephemeral", &pkcs8, today)?;
        Self::new("cs-ephemeral", &pkcs8, KeyRing { keys: vec![key] })
    }

    /// The id of the key that seals now.
    pub fn key_id(&self) -> &str {
        &self.kid
    }

    /// The published keys, this one included.
    pub fn ring(&self) -> &KeyRing {
        &self.ring
    }

    /// Seals the claims: the text the QR code carries after `#`.
    pub fn seal(&self, claims: &SealedClaims) -> String {
        let input = claims.signing_input(&self.kid);
        let sig = self.pair.sign(input.as_bytes());
        certificate_seal::compose(&input, sig.as_ref())
    }
}

/// The claims of a certificate being issued: masked name, title, level, way, office and date.
pub fn claims_of_new(c: &zc_db::certificates::NewCertificate<'_>, office: &str) -> SealedClaims {
    claims(
        c.number,
        c.holder_name,
        c.title_name,
        c.level_rank,
        c.way,
        office,
        c.issued_on,
    )
}

/// The claims of a certificate already issued, as they were at issue.
pub fn claims_of(c: &zc_db::certificates::CertificateRow, office: &str) -> SealedClaims {
    claims(
        &c.number,
        &c.holder_name,
        &c.title_name,
        c.level_rank,
        &c.way,
        office,
        c.issued_on,
    )
}

fn claims(
    number: &str,
    holder_name: &str,
    title: &str,
    level_rank: i32,
    way: &str,
    office: &str,
    issued_on: NaiveDate,
) -> SealedClaims {
    SealedClaims {
        number: number.to_string(),
        holder: zc_domain::mask::mask_name(holder_name),
        title: title.to_string(),
        level: TitleLevel::from_rank(level_rank)
            .map_or("", TitleLevel::name)
            .to_string(),
        way: way.to_string(),
        office: office.to_string(),
        issued_on: issued_on.format("%Y-%m-%d").to_string(),
        // Sealed at issue, when every certificate is valid; a later 撤销 shows online only.
        status: zc_domain::certificate::CertificateStatus::Valid
            .name()
            .to_string(),
    }
}

/// Seals the certificates issued before sealing existed, in batches; how many it sealed.
/// Runs at start-up; idempotent, so every node of a cluster may run it.
#[tracing::instrument(skip_all)]
pub async fn seal_unsealed(
    db: &zc_db::Db,
    signer: &CertificateSigner,
) -> crate::ServiceResult<usize> {
    let mut sealed = 0;
    loop {
        let batch = zc_db::certificates::unsealed(db, 500).await?;
        if batch.is_empty() {
            return Ok(sealed);
        }
        let mut tx = db.begin_write().await?;
        for (row, office) in &batch {
            let seal = signer.seal(&claims_of(row, office));
            zc_db::certificates::set_seal(&mut tx, row.id, &seal).await?;
        }
        tx.commit().await?;
        sealed += batch.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn claims() -> SealedClaims {
        SealedClaims {
            number: "GX2026-000001".into(),
            holder: "张*三".into(),
            title: "工程师".into(),
            level: "中级".into(),
            way: "评审".into(),
            office: "广西职改办".into(),
            issued_on: "2026-12-02".into(),
            status: "有效".into(),
        }
    }

    #[test]
    fn a_seal_verifies_and_a_changed_byte_does_not() {
        let signer = CertificateSigner::ephemeral(day(2)).unwrap();
        let sealed = signer.seal(&claims());
        assert_eq!(signer.ring().verify(&sealed).unwrap(), claims());
        // Change one character of the payload: the signature no longer matches.
        let (head, tail) = sealed.split_at(20);
        let mut flipped: Vec<char> = tail.chars().collect();
        flipped[0] = if flipped[0] == 'A' { 'B' } else { 'A' };
        let changed = format!("{head}{}", flipped.iter().collect::<String>());
        assert_ne!(changed, sealed);
        assert!(matches!(
            signer.ring().verify(&changed),
            Err(SealError::BadSignature | SealError::Malformed)
        ));
    }

    #[test]
    fn an_unknown_key_is_named() {
        let a = CertificateSigner::ephemeral(day(2)).unwrap();
        let sealed = a.seal(&claims()).replace("cs-ephemeral", "cs-other");
        assert_eq!(
            a.ring().verify(&sealed),
            Err(SealError::UnknownKey("cs-other".into()))
        );
    }

    #[test]
    fn a_rotated_ring_still_verifies_old_seals() {
        let old_pk8 = generate_pkcs8().unwrap();
        let mut old = public_key_of("cs-1", &old_pk8, day(1)).unwrap();
        let old_signer = CertificateSigner::new(
            "cs-1",
            &old_pk8,
            KeyRing {
                keys: vec![old.clone()],
            },
        )
        .unwrap();
        let old_seal = old_signer.seal(&claims());
        old.retired = Some(day(2));
        let new_pk8 = generate_pkcs8().unwrap();
        let new = public_key_of("cs-2", &new_pk8, day(2)).unwrap();
        let ring = KeyRing {
            keys: vec![old, new],
        };
        let ring = KeyRing::from_json(&ring.to_json()).unwrap();
        assert!(CertificateSigner::new("cs-1", &old_pk8, ring.clone()).is_err());
        let signer = CertificateSigner::new("cs-2", &new_pk8, ring).unwrap();
        assert_eq!(signer.ring().verify(&old_seal).unwrap(), claims());
        assert_eq!(
            signer.ring().verify(&signer.seal(&claims())).unwrap(),
            claims()
        );
    }

    #[test]
    fn a_broken_key_list_is_refused() {
        let e = KeyRing::from_json(
            r#"{"keys":[{"kid":"k","alg":"Ed25519","x":"AAAA","created":"2026-12-01"}]}"#,
        )
        .unwrap_err();
        assert!(e.contains("不是有效的 Ed25519 公钥"), "{e}");
        assert!(
            KeyRing::from_json("nope")
                .unwrap_err()
                .contains("格式不正确")
        );
    }
}
