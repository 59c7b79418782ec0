//! Uploaded pictures on local disk: the web layer uses `zc-storage`'s disk helpers.

pub use zc_storage::disk::{path_of, store_jpeg};

use std::path::Path;

use zc_storage::images::{ImageRefusal, ImageSpec};

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
