//! Posted files in, kept files out: multipart reading and the bytes of a stored key.

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

/// A multipart form of text fields and at most one picture.
#[derive(Debug, Default)]
pub struct PostedForm {
    pub fields: std::collections::HashMap<String, String>,
    pub file: Option<Vec<u8>>,
}

impl PostedForm {
    /// A text field as posted, or empty.
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Reads a multipart form: every text field, and the last non-empty file under
/// `file_field` (the form has one file input).
pub async fn posted_form(
    multipart: &mut Multipart,
    file_field: &str,
) -> Result<PostedForm, AppError> {
    let mut form = PostedForm::default();
    while let Some(part) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::Refused("上传的内容不完整或超过20MB，请重新提交".into()))?
    {
        let name = part.name().unwrap_or_default().to_string();
        if name == file_field {
            let bytes = part.bytes().await.map_err(|_| AppError::PayloadTooLarge)?;
            if !bytes.is_empty() {
                form.file = Some(bytes.to_vec());
            }
        } else {
            let value = part.text().await.map_err(|_| AppError::PayloadTooLarge)?;
            form.fields.insert(name, value);
        }
    }
    Ok(form)
}

/// The bytes kept under `key`, once the caller has checked who may see them; a key the
/// store no longer holds is 404, a store that does not answer a fault.
pub async fn kept_bytes(storage: &zc_storage::Storage, key: &str) -> Result<Vec<u8>, AppError> {
    storage
        .get(key)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .ok_or(AppError::NotFound)
}
