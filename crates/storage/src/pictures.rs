//! 上传图片 — uploaded pictures, normalised first and kept as JPEGs under random,
//! server-chosen keys in the [`Storage`] (local folder or S3); at most a few
//! normalisations run at once, so twenty large uploads arriving together queue instead of
//! each holding hundreds of megabytes.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use crate::{
    Storage,
    images::{ImageRefusal, ImageSpec, NormalisedImage, normalise},
};

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
    storage: &Storage,
    folder: &str,
    bytes: Vec<u8>,
    spec: ImageSpec,
) -> std::io::Result<Result<Stored, ImageRefusal>> {
    match run_bounded(move || normalise(&bytes, spec)).await? {
        Ok(picture) => Ok(Ok(store_normalised(storage, folder, picture).await?)),
        Err(refusal) => Ok(Err(refusal)),
    }
}

/// Stores an already normalised picture under `folder` (taken whole: its bytes go to the
/// store without a copy).
pub async fn store_normalised(
    storage: &Storage,
    folder: &str,
    picture: NormalisedImage,
) -> std::io::Result<Stored> {
    let key = format!("{folder}/{:032x}.jpg", rand::random::<u128>());
    let (width, height, bytes) = (picture.width, picture.height, picture.jpeg.len());
    storage.put(&key, picture.jpeg).await?;
    Ok(Stored {
        key,
        width,
        height,
        bytes,
    })
}
