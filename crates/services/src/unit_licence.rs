//! 营业执照 — the licence photo posted with a unit registration (or its correction),
//! normalised and stored before the details are checked, so that the check can say
//! whether a picture came; a refused registration's picture is removed again.

use zc_storage::{Storage, images::ImageSpec, pictures};

use crate::ServiceResult;

/// The licence picture as posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostedLicence {
    /// No file was chosen.
    Absent,
    /// Stored under this key.
    Stored(String),
    /// Not a usable picture, with the reason in Chinese.
    Refused(String),
}

impl PostedLicence {
    /// The stored key, if the picture was stored.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Stored(key) => Some(key),
            _ => None,
        }
    }
}

/// Normalises and stores a posted licence picture (an empty upload counts as none).
#[tracing::instrument(skip_all)]
pub async fn store(storage: &Storage, bytes: Option<Vec<u8>>) -> ServiceResult<PostedLicence> {
    let Some(bytes) = bytes.filter(|b| !b.is_empty()) else {
        return Ok(PostedLicence::Absent);
    };
    let stored = pictures::store_image(storage, "licences", bytes, ImageSpec::DOCUMENT)
        .await
        .map_err(anyhow::Error::from)?;
    Ok(match stored {
        Ok(s) => PostedLicence::Stored(s.key),
        Err(refusal) => PostedLicence::Refused(refusal.to_string()),
    })
}

/// Removes the picture of a registration that was refused, so no file is left that
/// nothing points at.
#[tracing::instrument(skip_all)]
pub async fn discard(storage: &Storage, licence: &PostedLicence) {
    if let PostedLicence::Stored(key) = licence {
        storage.remove(key).await;
    }
}
