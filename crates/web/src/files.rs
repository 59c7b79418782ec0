//! Uploaded pictures on local disk: the web layer uses `zc-storage`'s disk helpers.

pub use zc_storage::disk::{path_of, store_jpeg};

use crate::error::AppError;
use axum::extract::Multipart;

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
