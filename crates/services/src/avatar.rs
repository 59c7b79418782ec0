//! 头像 — a person's own avatar: normalised to a small square picture, stored, recorded
//! with an audit event, and the picture it replaces removed.

use zc_db::{Db, accounts, audit::AuditEvent};
use zc_storage::{Storage, images::ImageSpec, pictures};

use crate::{FieldErrors, ServiceResult};

/// Replaces the person's avatar with the posted picture. A picture that is not one, or
/// too large, is refused on the `avatar` field in Chinese.
#[tracing::instrument(skip_all)]
pub async fn change(
    db: &Db,
    storage: &Storage,
    account_id: i64,
    role: &str,
    bytes: Vec<u8>,
    ip: &str,
) -> ServiceResult<()> {
    let stored = pictures::store_image(storage, "avatars", bytes, ImageSpec::AVATAR)
        .await
        .map_err(anyhow::Error::from)?;
    let key = match stored {
        Ok(s) => s.key,
        Err(refusal) => return Err(FieldErrors::one("avatar", refusal.to_string())),
    };
    let old = match record(db, account_id, role, &key, ip).await {
        Ok(old) => old,
        Err(e) => {
            // Nothing points at the new file: take it away again.
            storage.remove(&key).await;
            return Err(e);
        }
    };
    if let Some(old) = old {
        // A leftover file would be harmless; the database no longer points at it.
        storage.remove(&old).await;
    }
    Ok(())
}

/// Points the account at its new avatar and audits it; the key it replaces.
async fn record(
    db: &Db,
    account_id: i64,
    role: &str,
    key: &str,
    ip: &str,
) -> ServiceResult<Option<String>> {
    let mut tx = db.begin_write().await?;
    let old = accounts::set_avatar(&mut tx, account_id, key).await?;
    let object = format!("account:{account_id}");
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some(role),
            action: "avatar.change",
            object: &object,
            result: "ok",
            detail: "更换头像",
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(old)
}
