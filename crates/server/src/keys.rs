//! Secrets generated on first run and kept in `data/keys/` with 0600 permissions: the
//! session key (from which the CSRF key is derived), the field-encryption key for
//! identity numbers and the audit chain's key. A lost key folder invalidates sessions and encrypted fields, so
//! back it up with the database.

use std::{
    fs::OpenOptions,
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::Path,
};

use anyhow::Context;
use base64::{Engine, engine::general_purpose::STANDARD};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use sha2::{Digest, Sha256};

/// The platform's secrets. `Debug` never shows them.
#[derive(Debug)]
pub struct Keys {
    pub session_key: SecretSlice<u8>,
    pub field_key: SecretSlice<u8>,
    /// Keys the audit chain (HMAC), so database write access alone cannot rewrite it.
    pub audit_key: SecretSlice<u8>,
}

impl Keys {
    /// The audit chain's key, for the database handle.
    pub fn audit_key(&self) -> zc_db::AuditKey {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&self.audit_key.expose_secret()[..32]);
        zc_db::AuditKey::new(bytes)
    }

    /// The CSRF key, derived from the session key so that there is one secret less to keep.
    pub fn csrf_key(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"zhicheng csrf v1");
        h.update(self.session_key.expose_secret());
        h.finalize().into()
    }
}

/// Writes `contents` to a new file readable only by its owner.
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("无法创建密钥文件 {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

pub(crate) fn read_or_create(
    dir: &Path,
    name: &str,
    make: impl FnOnce() -> String,
) -> anyhow::Result<String> {
    let path = dir.join(name);
    if !path.exists() {
        write_private(&path, &make())?;
    }
    let mode = std::fs::metadata(&path)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        tracing::warn!(file = %path.display(), mode = format!("{mode:o}"), "key file is readable by others; run chmod 600");
    }
    Ok(std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取密钥文件 {}", path.display()))?
        .trim()
        .to_string())
}

fn random_key(len: usize) -> String {
    let bytes: Vec<u8> = (0..len).map(|_| rand::random::<u8>()).collect();
    STANDARD.encode(bytes)
}

fn decode(dir: &Path, name: &str, text: &str, len: usize) -> anyhow::Result<SecretSlice<u8>> {
    let bytes = STANDARD
        .decode(text)
        .ok()
        .filter(|b| b.len() == len)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "密钥文件 {} 已损坏：应为 {len} 字节的 base64 内容",
                dir.join(name).display()
            )
        })?;
    Ok(SecretSlice::from(bytes))
}

/// Loads the keys from `dir`, creating the folder and any missing key.
pub fn load_or_create(dir: &Path) -> anyhow::Result<Keys> {
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建密钥目录 {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("无法设置密钥目录 {} 的权限", dir.display()))?;
    let session = read_or_create(dir, "session.key", || random_key(64))?;
    let field = read_or_create(dir, "field.key", || random_key(32))?;
    let audit = read_or_create(dir, "audit.key", || random_key(32))?;
    Ok(Keys {
        session_key: decode(dir, "session.key", &session, 64)?,
        field_key: decode(dir, "field.key", &field, 32)?,
        audit_key: decode(dir, "audit.key", &audit, 32)?,
    })
}

/// The demo accounts' password: random per installation, kept so it can be shown again.
pub fn demo_password(dir: &Path) -> anyhow::Result<SecretString> {
    let text = read_or_create(dir, "demo-password", || {
        let alphabet: Vec<char> = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
            .chars()
            .collect();
        let body: String = (0..10)
            .map(|_| alphabet[rand::random_range(0..alphabet.len())])
            .collect();
        // Prefix and suffix guarantee the character classes the password policy asks for.
        format!("Zc-{body}-8a")
    })?;
    Ok(SecretString::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_created_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let keys_dir = dir.path().join("keys");
        let a = load_or_create(&keys_dir).unwrap();
        let b = load_or_create(&keys_dir).unwrap();
        assert_eq!(a.session_key.expose_secret(), b.session_key.expose_secret());
        assert_eq!(a.field_key.expose_secret().len(), 32);
        for f in ["session.key", "field.key"] {
            let mode = std::fs::metadata(keys_dir.join(f))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600, "{f}");
        }
        assert!(!format!("{a:?}").contains(&STANDARD.encode(a.field_key.expose_secret())));
        assert_eq!(a.csrf_key(), b.csrf_key());
    }

    #[test]
    fn corrupt_keys_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        write_private(&dir.path().join("session.key"), "not base64!").unwrap();
        let e = load_or_create(dir.path()).unwrap_err().to_string();
        assert!(e.contains("已损坏"), "{e}");
    }

    #[test]
    fn demo_password_passes_the_policy() {
        let dir = tempfile::tempdir().unwrap();
        let p = demo_password(dir.path()).unwrap();
        assert_eq!(
            zc_domain::password::check_password(p.expose_secret(), &[]),
            Ok(())
        );
        assert_eq!(
            demo_password(dir.path()).unwrap().expose_secret(),
            p.expose_secret()
        );
    }
}
