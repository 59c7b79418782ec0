//! 本地存储 — uploaded pictures on local disk, addressed by key. Every picture is
//! normalised first and kept as a JPEG under a random, server-chosen name; at most a few
//! normalisations run at once, so twenty large uploads arriving together queue instead of
//! each holding hundreds of megabytes.

use std::{
    path::{Path, PathBuf},
    sync::OnceLock,
};

use tokio::sync::Semaphore;

use crate::images::{ImageRefusal, ImageSpec, NormalisedImage, normalise};

/// Normalisations that may run at the same time.
fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores.clamp(1, 4))
    })
}

/// Runs CPU-heavy picture work off the async threads, a bounded number at once.
pub async fn run_bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<T> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// A stored picture: its key and its size.
#[derive(Debug, Clone)]
pub struct Stored {
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
}

/// Normalises an uploaded picture to `spec` and stores it under `folder`; the outer
/// error is a fault, the inner one a refusal to show the person.
pub async fn store_image(
    files_dir: &Path,
    folder: &str,
    bytes: Vec<u8>,
    spec: ImageSpec,
) -> std::io::Result<Result<Stored, ImageRefusal>> {
    match run_bounded(move || normalise(&bytes, spec)).await? {
        Ok(picture) => Ok(Ok(store_normalised(files_dir, folder, &picture).await?)),
        Err(refusal) => Ok(Err(refusal)),
    }
}

/// Stores an already normalised picture under `folder`.
pub async fn store_normalised(
    files_dir: &Path,
    folder: &str,
    picture: &NormalisedImage,
) -> std::io::Result<Stored> {
    let key = store_jpeg(files_dir, folder, &picture.jpeg).await?;
    Ok(Stored {
        key,
        width: picture.width,
        height: picture.height,
        bytes: picture.jpeg.len(),
    })
}

/// Writes that failed since the process started (a full or read-only disk on a
/// deadline day), for the operator's `/metrics`.
static WRITE_FAILURES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many stored writes have failed in this process.
pub fn write_failures() -> u64 {
    WRITE_FAILURES.load(std::sync::atomic::Ordering::Relaxed)
}

/// Stores JPEG bytes under `folder` and returns the key.
pub async fn store_jpeg(files_dir: &Path, folder: &str, jpeg: &[u8]) -> std::io::Result<String> {
    let name = format!("{:032x}.jpg", rand::random::<u128>());
    let dir = files_dir.join(folder);
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(dir.join(&name), jpeg).await
    }
    .await;
    if let Err(e) = written {
        WRITE_FAILURES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return Err(e);
    }
    Ok(format!("{folder}/{name}"))
}

/// The path of a stored key; keys are only ever made here, but a key with path tricks is
/// refused anyway.
pub fn path_of(files_dir: &Path, key: &str) -> Option<PathBuf> {
    let safe = key
        .split('/')
        .all(|part| !part.is_empty() && part != ".." && !part.contains('\\'));
    safe.then(|| files_dir.join(key))
}

/// Removes a stored file; a file already gone is not an error.
pub async fn remove(files_dir: &Path, key: &str) {
    if let Some(path) = path_of(files_dir, key) {
        let _ = tokio::fs::remove_file(path).await;
    }
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
