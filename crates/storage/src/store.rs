//! 文件存储 — where kept files live: a local folder (the default) or S3-compatible object
//! storage, behind one interface so every upload, picture, export and seal goes the same
//! way whichever the province runs. Keys are made by the server (`folder/random.ext`);
//! nothing a person types becomes a key.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream::BoxStream};
use object_store::{
    ObjectStore, ObjectStoreExt, PutPayload, aws::AmazonS3Builder, buffered::BufWriter,
    local::LocalFileSystem, path::Path as ObjectPath,
};
use tokio::io::AsyncWriteExt;

/// Where S3-compatible object storage is and how to sign in to it.
#[derive(Clone, Default)]
pub struct S3Settings {
    /// The bucket; it must exist (the province creates it, with versioning on).
    pub bucket: String,
    /// `https://…` of an S3-compatible server; empty means Amazon S3 in `region`.
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Virtual-host addressing (`bucket.endpoint`) instead of path style (`endpoint/bucket`).
    pub virtual_hosted: bool,
    /// Plain `http://` endpoints, for a server on the same private network.
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"[redacted]")
            .field("virtual_hosted", &self.virtual_hosted)
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// A stored file opened for download: its length and its bytes as they arrive, so a large
/// export is never held whole in memory.
pub struct Download {
    pub size: u64,
    pub body: BoxStream<'static, std::io::Result<Bytes>>,
}

/// Kept files, in a local folder or an S3 bucket.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Where big generated files (exports, bundles) are written before they are kept.
    scratch: PathBuf,
    describe: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

/// Reads and writes that failed since the process started (a full disk, an unreachable
/// bucket), for the operator's `/metrics`.
static FAILURES: AtomicU64 = AtomicU64::new(0);

/// How many storage operations have failed in this process.
pub fn failures() -> u64 {
    FAILURES.load(Ordering::Relaxed)
}

fn fault(e: object_store::Error) -> std::io::Error {
    FAILURES.fetch_add(1, Ordering::Relaxed);
    std::io::Error::other(e.to_string())
}

/// A key as the store names it; a key with path tricks is refused even though keys are
/// only ever made by the server.
fn object_path(key: &str) -> std::io::Result<ObjectPath> {
    let safe = !key.is_empty()
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    if !safe {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "invalid storage key",
        ));
    }
    ObjectPath::parse(key)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))
}

impl Storage {
    /// Files under `dir` on this machine (created if missing).
    pub fn local(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(fault)?;
        Ok(Self {
            store: Arc::new(store),
            scratch: dir.join(".scratch"),
            describe: format!("本地目录 {}", dir.display()),
        })
    }

    /// Files in an S3 bucket; `scratch` is a local folder for building large files.
    pub fn s3(settings: &S3Settings, scratch: &Path) -> std::io::Result<Self> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(if settings.region.is_empty() {
                "us-east-1"
            } else {
                &settings.region
            })
            .with_virtual_hosted_style_request(settings.virtual_hosted)
            .with_allow_http(settings.allow_http);
        if !settings.endpoint.is_empty() {
            builder = builder.with_endpoint(&settings.endpoint);
        }
        if !settings.access_key_id.is_empty() {
            builder = builder
                .with_access_key_id(&settings.access_key_id)
                .with_secret_access_key(&settings.secret_access_key);
        }
        let store = builder.build().map_err(fault)?;
        Ok(Self {
            store: Arc::new(store),
            scratch: scratch.to_path_buf(),
            describe: format!(
                "S3 存储桶 {}（{}）",
                settings.bucket,
                if settings.endpoint.is_empty() {
                    "Amazon S3"
                } else {
                    &settings.endpoint
                }
            ),
        })
    }

    /// What this storage is, for logs and the start-up banner (no credentials).
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// Keeps `bytes` under `key`, replacing what was there.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        let path = object_path(key)?;
        self.store
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(fault)?;
        Ok(())
    }

    /// Keeps a local file under `key` in parts (a multipart upload on S3), so a large export
    /// is never read whole into memory; the local file is removed afterwards.
    pub async fn put_file(&self, key: &str, file: &Path) -> std::io::Result<()> {
        let path = object_path(key)?;
        let mut source = tokio::fs::File::open(file).await?;
        let mut sink = BufWriter::new(Arc::clone(&self.store), path);
        let copied = tokio::io::copy(&mut source, &mut sink).await;
        let finished = match copied {
            Ok(_) => sink.shutdown().await,
            Err(e) => {
                let _ = sink.abort().await;
                Err(e)
            }
        };
        let _ = tokio::fs::remove_file(file).await;
        finished.inspect_err(|_| {
            FAILURES.fetch_add(1, Ordering::Relaxed);
        })
    }

    /// The bytes under `key`, or `None` when nothing is kept there.
    pub async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>> {
        let path = object_path(key)?;
        match self.store.get(&path).await {
            Ok(found) => Ok(Some(found.bytes().await.map_err(fault)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(fault(e)),
        }
    }

    /// The file under `key` as a stream for a download, or `None` when nothing is there.
    pub async fn open(&self, key: &str) -> std::io::Result<Option<Download>> {
        let path = object_path(key)?;
        match self.store.get(&path).await {
            Ok(found) => Ok(Some(Download {
                size: found.meta.size,
                body: found.into_stream().map_err(fault).boxed(),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(fault(e)),
        }
    }

    /// Removes the file under `key`; one already gone is not an error.
    pub async fn remove(&self, key: &str) {
        let Ok(path) = object_path(key) else { return };
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => {
                tracing::warn!(error = %e, "a stored file could not be removed");
                FAILURES.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// A fresh local path with extension `ext` to build a large file in before
    /// [`Storage::put_file`] keeps it.
    pub async fn scratch_file(&self, ext: &str) -> std::io::Result<PathBuf> {
        tokio::fs::create_dir_all(&self.scratch).await?;
        Ok(self
            .scratch
            .join(format!("{:032x}.{ext}", rand::random::<u128>())))
    }

    /// Writes, reads back and removes a probe, so a server refuses to start (and `/readyz`
    /// reports) when its storage cannot keep files.
    pub async fn probe(&self) -> std::io::Result<()> {
        let key = format!("probes/{:032x}", rand::random::<u128>());
        self.put(&key, b"ok".to_vec()).await?;
        let back = self.get(&key).await?;
        self.remove(&key).await;
        if back.as_deref() == Some(b"ok") {
            Ok(())
        } else {
            Err(std::io::Error::other("the storage probe did not read back"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_climb_out_of_the_store() {
        assert!(object_path("licences/ab.jpg").is_ok());
        for bad in ["../etc/passwd", "licences//x", "a/./b", "", "a\\b", "/abs"] {
            assert!(object_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let s = S3Settings {
            bucket: "zc".into(),
            secret_access_key: "very-secret".into(),
            ..Default::default()
        };
        assert!(!format!("{s:?}").contains("very-secret"));
    }
}
