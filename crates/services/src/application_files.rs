//! 附件上传 — pictures in an application's upload slots. Each upload is normalised to its
//! slot's pixel and size limits; the 2-inch photo waits for the crop to be confirmed.
//! Only the owner changes files, only while the application is editable.

use zc_db::{
    Db,
    application_files::{self, FileRow, NewFile, SlotRow},
};
use zc_storage::{
    Storage,
    images::{ImageSpec, crop_photo},
    pictures,
};

use crate::{ServiceError, ServiceResult, application_parts};

/// A stored file's pixel limit while it waits for its photo crop (enough to choose a
/// frame on a phone).
const PHOTO_PREVIEW_SIDE: u32 = 1200;

/// The slots of an application.
#[tracing::instrument(skip_all)]
pub async fn slots(
    db: &Db,
    app: &zc_db::applications::ApplicationRow,
) -> ServiceResult<Vec<SlotRow>> {
    Ok(application_files::slots(db, app.kind.code(), app.committee_id).await?)
}

async fn editable_slot(
    db: &Db,
    applicant_id: i64,
    application_id: i64,
    slot: &str,
) -> ServiceResult<SlotRow> {
    let app = application_parts::editable(db, applicant_id, application_id).await?;
    let slot = slots(db, &app)
        .await?
        .into_iter()
        .find(|s| s.code == slot)
        .ok_or(ServiceError::NotFound)?;
    // 遗失补办: the photo in 申报信息 is printed on the new certificate as confirmed.
    if slot.section == zc_domain::application::replacement::INFO_PART
        && let Some(why) = crate::replacement::frozen(db, &app).await?
    {
        return Err(crate::FieldErrors::one("upload", why));
    }
    Ok(slot)
}

fn folder(application_id: i64) -> String {
    format!("applications/{application_id}")
}

/// Uploads one picture into a slot. Refusals (type, bomb, size, count) are field errors
/// on the slot, in Chinese.
#[tracing::instrument(skip_all)]
pub async fn upload(
    db: &Db,
    storage: &Storage,
    applicant_id: i64,
    application_id: i64,
    slot_code: &str,
    bytes: Vec<u8>,
) -> ServiceResult<i64> {
    let slot = editable_slot(db, applicant_id, application_id, slot_code).await?;
    // Scaling up does not make a thumbnail legible: too small is refused before storing.
    if let Some((w, h)) = zc_storage::images::dimensions(&bytes)
        && (w.min(h) as i32) < slot.min_px
    {
        return Err(crate::FieldErrors::one(
            "upload",
            format!(
                "{}：图片太小（{w}×{h}像素），短边至少需要{}像素，请上传清晰的原图或扫描件",
                slot.label, slot.min_px
            ),
        ));
    }
    let spec = ImageSpec {
        max_side: if slot.photo {
            PHOTO_PREVIEW_SIDE
        } else {
            slot.max_px as u32
        },
        max_kb: if slot.photo { 1024 } else { slot.max_kb as u32 },
        square: false,
    };
    let field = "upload";
    let stored = match pictures::store_image(storage, &folder(application_id), bytes, spec)
        .await
        .map_err(anyhow::Error::from)?
    {
        Ok(s) => s,
        Err(refusal) => {
            return Err(crate::FieldErrors::one(
                field,
                format!("{}：{refusal}", slot.label),
            ));
        }
    };
    let mut tx = db.begin_write().await?;
    let count = application_files::count_in(&mut tx, application_id, &slot.code).await?;
    if count >= i64::from(slot.max_count) {
        drop(tx);
        storage.remove(&stored.key).await;
        return Err(crate::FieldErrors::one(
            field,
            format!(
                "{}最多上传{}张，请先删除不需要的图片",
                slot.label, slot.max_count
            ),
        ));
    }
    let id = application_files::insert(
        &mut tx,
        &NewFile {
            application_id,
            slot: &slot.code,
            file_key: &stored.key,
            width: stored.width as i32,
            height: stored.height as i32,
            bytes: stored.bytes as i64,
            confirmed: !slot.photo,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Confirms the 2-inch photo with the frame chosen in the preview (or the centred one).
#[tracing::instrument(skip_all)]
pub async fn confirm_photo(
    db: &Db,
    storage: &Storage,
    applicant_id: i64,
    application_id: i64,
    file_id: i64,
    frame: Option<(u32, u32, u32, u32)>,
) -> ServiceResult<()> {
    application_parts::editable(db, applicant_id, application_id).await?;
    let file = application_files::find(db, application_id, file_id)
        .await?
        .filter(|f| !f.confirmed)
        .ok_or(ServiceError::NotFound)?;
    let slot = editable_slot(db, applicant_id, application_id, &file.slot).await?;
    let source = storage
        .get(&file.file_key)
        .await
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", file.file_key))?
        .ok_or(ServiceError::NotFound)?;
    let max_kb = slot.max_kb as u32;
    let photo = pictures::run_bounded(move || crop_photo(&source, frame, max_kb))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(|r| crate::FieldErrors::one("upload", format!("{}：{r}", slot.label)))?;
    let stored = pictures::store_normalised(storage, &folder(application_id), photo)
        .await
        .map_err(anyhow::Error::from)?;
    let mut tx = db.begin_write().await?;
    let old = application_files::confirm_photo(
        &mut tx,
        application_id,
        file_id,
        &stored.key,
        stored.bytes as i64,
    )
    .await?;
    tx.commit().await?;
    if let Some(old) = old {
        storage.remove(&old).await;
    }
    Ok(())
}

/// Deletes a file (also the way to replace one).
#[tracing::instrument(skip_all)]
pub async fn delete(
    db: &Db,
    storage: &Storage,
    applicant_id: i64,
    application_id: i64,
    file_id: i64,
) -> ServiceResult<()> {
    application_parts::editable(db, applicant_id, application_id).await?;
    let file = application_files::find(db, application_id, file_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    editable_slot(db, applicant_id, application_id, &file.slot).await?;
    let mut tx = db.begin_write().await?;
    let key = application_files::delete(&mut tx, application_id, file_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    tx.commit().await?;
    storage.remove(&key).await;
    Ok(())
}

/// The files of the owner's application.
#[tracing::instrument(skip_all)]
pub async fn files_of_mine(
    db: &Db,
    applicant_id: i64,
    application_id: i64,
) -> ServiceResult<Vec<FileRow>> {
    crate::applications::mine(db, applicant_id, application_id).await?;
    Ok(application_files::for_application(db, application_id).await?)
}

/// One file of the owner's application, for download.
#[tracing::instrument(skip_all)]
pub async fn file_of_mine(
    db: &Db,
    applicant_id: i64,
    application_id: i64,
    file_id: i64,
) -> ServiceResult<FileRow> {
    crate::applications::mine(db, applicant_id, application_id).await?;
    application_files::find(db, application_id, file_id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// What the slots still lack: required slots under their minimum, photos not cropped.
pub fn slots_missing(slots: &[SlotRow], files: &[FileRow]) -> Vec<(String, String)> {
    slots
        .iter()
        .filter_map(|s| {
            let confirmed = files
                .iter()
                .filter(|f| f.slot == s.code && f.confirmed)
                .count();
            let pending = files.iter().any(|f| f.slot == s.code && !f.confirmed);
            if pending {
                Some((s.section.clone(), format!("{}尚未确认裁剪", s.label)))
            } else if s.required && confirmed < s.min_count as usize {
                Some((
                    s.section.clone(),
                    format!("请上传{}（至少{}张）", s.label, s.min_count),
                ))
            } else {
                None
            }
        })
        .collect()
}
