//! Uploaded images on local disk, addressed by key. Every picture is normalised by
//! `zc-storage` (real type from the bytes, bomb limits, upright, metadata dropped,
//! re-encoded) and kept as a JPEG under a random server-chosen name.

use std::path::{Path, PathBuf};

use zc_storage::images::{ImageRefusal, ImageSpec, normalise};

/// Normalises an uploaded picture to `spec` off the async threads and stores it under
/// `folder`; the outer error is a fault, the inner one a refusal to show the person.
pub async fn store_image(
    files_dir: &Path,
    folder: &str,
    bytes: Vec<u8>,
    spec: ImageSpec,
) -> anyhow::Result<Result<String, ImageRefusal>> {
    let normalised = tokio::task::spawn_blocking(move || normalise(&bytes, spec)).await?;
    match normalised {
        Ok(picture) => Ok(Ok(store_jpeg(files_dir, folder, &picture.jpeg).await?)),
        Err(refusal) => Ok(Err(refusal)),
    }
}

/// Stores an already normalised JPEG under `folder` and returns its key.
pub async fn store_jpeg(files_dir: &Path, folder: &str, jpeg: &[u8]) -> std::io::Result<String> {
    let name = format!("{:032x}.jpg", rand::random::<u128>());
    let dir = files_dir.join(folder);
    tokio::fs::create_dir_all(&dir).await?;
    tokio::fs::write(dir.join(&name), jpeg).await?;
    Ok(format!("{folder}/{name}"))
}

/// The path of a stored key; keys are only ever made by [`store_image`], but a key with
/// path tricks is refused anyway.
pub fn path_of(files_dir: &Path, key: &str) -> Option<PathBuf> {
    let safe = key
        .split('/')
        .all(|part| !part.is_empty() && part != ".." && !part.contains('\\'));
    safe.then(|| files_dir.join(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_climb_out_of_the_folder() {
        let root = Path::new("/srv/files");
        assert_eq!(
            path_of(root, "licences/ab.jpg"),
            Some(root.join("licences/ab.jpg"))
        );
        assert_eq!(path_of(root, "../etc/passwd"), None);
        assert_eq!(path_of(root, "licences//x"), None);
    }
}
