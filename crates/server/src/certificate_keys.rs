//! 证书签章密钥 — the Ed25519 keys that seal certificates, kept in `keys/certificate/`:
//! `<kid>.pk8` is the current private key (0600, base64 PKCS#8) and `keys.json` lists
//! every public key ever used, as `/.well-known/zhicheng/keys.json` publishes it.
//!
//! Rotation retires the current key (its private file is deleted, its public key stays
//! listed with the day it was retired) and starts a new one, so certificates sealed
//! before still verify and a stolen old key file cannot seal new ones.

use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::NaiveDate;
use zc_services::certificate_signing::{CertificateSigner, KeyRing, generate_pkcs8, public_key_of};

fn dir_of(keys_dir: &Path) -> PathBuf {
    keys_dir.join("certificate")
}

fn ring_path(keys_dir: &Path) -> PathBuf {
    dir_of(keys_dir).join("keys.json")
}

/// The published keys, as kept beside the private key.
pub fn published(keys_dir: &Path) -> anyhow::Result<KeyRing> {
    let path = ring_path(keys_dir);
    if !path.exists() {
        return Ok(KeyRing::default());
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取公钥列表 {}", path.display()))?;
    KeyRing::from_json(&text).map_err(|e| anyhow::anyhow!("{}：{e}", path.display()))
}

fn write_ring(keys_dir: &Path, ring: &KeyRing) -> anyhow::Result<()> {
    let path = ring_path(keys_dir);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, ring.to_json())?;
    std::fs::rename(&tmp, &path).with_context(|| format!("无法写入公钥列表 {}", path.display()))
}

/// Starts a new key: writes its private file and lists its public key.
fn start_key(keys_dir: &Path, ring: &mut KeyRing, today: NaiveDate) -> anyhow::Result<String> {
    let kid = format!(
        "cs-{}-{:04x}",
        today.format("%Y%m%d"),
        rand::random::<u16>()
    );
    let pkcs8 = generate_pkcs8()?;
    let file = format!("{kid}.pk8");
    crate::keys::read_or_create(&dir_of(keys_dir), &file, || STANDARD.encode(&pkcs8))?;
    ring.keys.push(public_key_of(&kid, &pkcs8, today)?);
    write_ring(keys_dir, ring)?;
    Ok(kid)
}

/// The signer of the current key, creating the first key on a fresh installation.
pub fn load_or_create(keys_dir: &Path, today: NaiveDate) -> anyhow::Result<CertificateSigner> {
    let dir = dir_of(keys_dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("无法创建证书签章密钥目录 {}", dir.display()))?;
    let mut ring = published(keys_dir)?;
    let current = ring
        .keys
        .iter()
        .rev()
        .find(|k| k.retired.is_none() && dir.join(format!("{}.pk8", k.kid)).exists())
        .map(|k| k.kid.clone());
    let kid = match current {
        Some(kid) => kid,
        None => start_key(keys_dir, &mut ring, today)?,
    };
    let text = crate::keys::read_or_create(&dir, &format!("{kid}.pk8"), String::new)?;
    let pkcs8 = STANDARD
        .decode(text)
        .map_err(|_| anyhow::anyhow!("证书签章密钥文件 {kid}.pk8 已损坏"))?;
    CertificateSigner::new(&kid, &pkcs8, ring)
}

/// Retires the current key and starts a new one; the new key's id.
pub fn rotate(keys_dir: &Path, today: NaiveDate) -> anyhow::Result<String> {
    let old = load_or_create(keys_dir, today)?;
    let mut ring = old.ring().clone();
    for k in &mut ring.keys {
        if k.kid == old.key_id() {
            k.retired = Some(today);
        }
    }
    let kid = start_key(keys_dir, &mut ring, today)?;
    std::fs::remove_file(dir_of(keys_dir).join(format!("{}.pk8", old.key_id())))
        .context("无法删除已停用的证书签章私钥")?;
    Ok(kid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use zc_domain::certificate_seal::SealedClaims;

    fn claims() -> SealedClaims {
        SealedClaims {
            number: "GX2026-000001".into(),
            holder: "李*".into(),
            title: "高级工程师".into(),
            level: "副高级".into(),
            way: "评审".into(),
            office: "广西职改办".into(),
            issued_on: "2026-12-02".into(),
            status: "有效".into(),
        }
    }

    #[test]
    fn the_first_key_is_made_once_and_rotation_keeps_old_seals_valid() {
        let dir = tempfile::tempdir().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let a = load_or_create(dir.path(), today).unwrap();
        let again = load_or_create(dir.path(), today).unwrap();
        assert_eq!(a.key_id(), again.key_id());
        let old_seal = a.seal(&claims());

        let later = NaiveDate::from_ymd_opt(2027, 6, 1).unwrap();
        let new_kid = rotate(dir.path(), later).unwrap();
        assert_ne!(new_kid, a.key_id());
        assert!(
            !dir_of(dir.path())
                .join(format!("{}.pk8", a.key_id()))
                .exists()
        );
        let b = load_or_create(dir.path(), later).unwrap();
        assert_eq!(b.key_id(), new_kid);
        let ring = published(dir.path()).unwrap();
        assert_eq!(ring.keys.len(), 2);
        assert_eq!(ring.keys[0].retired, Some(later));
        assert_eq!(ring.verify(&old_seal).unwrap(), claims());
        assert_eq!(ring.verify(&b.seal(&claims())).unwrap(), claims());
    }
}
