//! 个人信息保护 — personal identifiers at rest.
//!
//! ID numbers and mobiles are sealed with AES-256-GCM under the field key from
//! `data/keys/field.key`; a keyed HMAC of the normalised value (the blind index) finds
//! and de-duplicates them without storing them readable. Sealed values carry a key id
//! (`v1:`) so that a future key can be introduced while old rows stay readable.

use aes_gcm::{
    Aes256Gcm, Nonce,
    aead::{Aead, KeyInit, consts::U12},
};
use anyhow::{Context, bail};
use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const KEY_ID: &str = "v1";

/// Seals, opens and indexes personal identifiers.
#[derive(Clone)]
pub struct PiiVault {
    cipher: Aes256Gcm,
    index_key: [u8; 32],
}

impl std::fmt::Debug for PiiVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiVault([redacted])")
    }
}

impl PiiVault {
    /// A vault over a 32-byte field key. The index key is derived from it, so one secret
    /// serves both; the derivation label keeps the two uses apart.
    pub fn new(field_key: &[u8]) -> anyhow::Result<PiiVault> {
        if field_key.len() != 32 {
            bail!(
                "the field-encryption key must be 32 bytes, got {}",
                field_key.len()
            );
        }
        let cipher = Aes256Gcm::new_from_slice(field_key).context("field key")?;
        let mut h = Sha256::new();
        h.update(b"zhicheng blind index v1");
        h.update(field_key);
        Ok(PiiVault {
            cipher,
            index_key: h.finalize().into(),
        })
    }

    /// Encrypts a value with a fresh random nonce: `v1:` + base64(nonce ‖ ciphertext).
    pub fn seal(&self, plaintext: &str) -> String {
        let nonce_bytes: [u8; 12] = rand::random();
        let nonce = Nonce::<U12>::from(nonce_bytes);
        let ciphertext = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .expect("AES-GCM encryption of a short value cannot fail");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{KEY_ID}:{}", STANDARD.encode(out))
    }

    /// Decrypts a sealed value; tampering or a wrong key is an error.
    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let Some(body) = sealed.strip_prefix("v1:") else {
            bail!("unknown key id in sealed value")
        };
        let bytes = STANDARD
            .decode(body)
            .context("sealed value is not base64")?;
        if bytes.len() < 12 + 16 {
            bail!("sealed value too short");
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let mut nonce_bytes = [0u8; 12];
        nonce_bytes.copy_from_slice(nonce);
        let plain = self
            .cipher
            .decrypt(&Nonce::<U12>::from(nonce_bytes), ciphertext)
            .map_err(|_| anyhow::anyhow!("sealed value failed authentication"))?;
        String::from_utf8(plain).context("sealed value is not UTF-8")
    }

    /// The blind index of a normalised value of one kind (`id`, `phone`, …).
    pub fn index(&self, kind: &str, normalised: &str) -> String {
        let mut m = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.index_key)
            .expect("any key length");
        m.update(kind.as_bytes());
        m.update(&[0]);
        m.update(normalised.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> PiiVault {
        PiiVault::new(&[42u8; 32]).unwrap()
    }

    #[test]
    fn sealed_values_open_and_never_show_the_plaintext() {
        let v = vault();
        let sealed = v.seal("450103199001011234");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("450103199001011234"));
        assert_ne!(
            sealed,
            v.seal("450103199001011234"),
            "fresh nonce each time"
        );
        assert_eq!(v.open(&sealed).unwrap(), "450103199001011234");
    }

    #[test]
    fn tampering_and_wrong_keys_are_detected() {
        let v = vault();
        let sealed = v.seal("13812345678");
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        bytes[20] ^= 1;
        assert!(v.open(&format!("v1:{}", STANDARD.encode(bytes))).is_err());
        assert!(PiiVault::new(&[7u8; 32]).unwrap().open(&sealed).is_err());
        assert!(v.open("v9:abc").is_err());
        assert!(PiiVault::new(&[1u8; 16]).is_err());
    }

    #[test]
    fn the_index_is_keyed_stable_and_kind_separated() {
        let v = vault();
        assert_eq!(
            v.index("phone", "13812345678"),
            v.index("phone", "13812345678")
        );
        assert_ne!(
            v.index("phone", "13812345678"),
            v.index("id", "13812345678")
        );
        assert_ne!(
            v.index("phone", "13812345678"),
            PiiVault::new(&[7u8; 32])
                .unwrap()
                .index("phone", "13812345678")
        );
        assert_eq!(v.index("id", "x").len(), 64);
    }
}
