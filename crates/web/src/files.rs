//! Uploaded pictures on local disk: the web layer uses `zc-storage`'s disk helpers.

pub use zc_storage::disk::{path_of, store_jpeg};

use std::path::Path;

use axum::extract::Multipart;
use zc_storage::images::{ImageRefusal, ImageSpec};

use crate::error::AppError;

/// The non-empty files posted under `field`, at most `max` of them, in the order sent;
/// the other fields are skipped. A body that breaks off or is malformed is refused in
/// words a person can act on; one over the body limit is 413.
pub async fn posted_files(
    multipart: &mut Multipart,
    field: &str,
    max: usize,
) -> Result<Vec<Vec<u8>>, AppError> {
    let mut files = Vec::new();
    while let Some(part) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Refused("上传的内容不完整或超过20MB，请重新选择图片".into()))?
    {
        if part.name() != Some(field) {
            continue;
        }
        let bytes = part.bytes().await.map_err(|_| AppError::PayloadTooLarge)?;
        if !bytes.is_empty() && files.len() < max {
            files.push(bytes.to_vec());
        }
    }
    Ok(files)
}

/// Normalises an uploaded picture to `spec` and stores it under `folder`; the outer
/// error is a fault, the inner one a refusal to show the person.
pub async fn store_image(
    files_dir: &Path,
    folder: &str,
    bytes: Vec<u8>,
    spec: ImageSpec,
) -> anyhow::Result<Result<String, ImageRefusal>> {
    Ok(
        zc_storage::disk::store_image(files_dir, folder, bytes, spec)
            .await?
            .map(|stored| stored.key),
    )
}
