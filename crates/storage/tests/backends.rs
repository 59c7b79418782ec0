//! One story for both storage backends: what is put comes back, a large file goes up in
//! parts and streams down whole, a missing key is `None`, a removed key is gone. The S3
//! run needs an S3-compatible server (`TEST_S3_ENDPOINT`, started by `.ci/run`); outside
//! CI it is skipped with a message, inside CI a missing server fails the run.

use futures::TryStreamExt;
use zc_storage::{S3Settings, Storage};

async fn exercise(storage: &Storage) {
    assert_eq!(storage.get("photos/none.jpg").await.unwrap(), None);
    assert!(storage.open("photos/none.jpg").await.unwrap().is_none());

    storage
        .put("photos/a.jpg", b"first".to_vec())
        .await
        .unwrap();
    storage
        .put("photos/a.jpg", b"second".to_vec())
        .await
        .unwrap();
    assert_eq!(
        storage.get("photos/a.jpg").await.unwrap().as_deref(),
        Some(&b"second"[..])
    );

    // Over the multipart part size, so S3 gets a real multipart upload.
    let big: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let scratch = storage.scratch_file("bin").await.unwrap();
    tokio::fs::write(&scratch, &big).await.unwrap();
    storage.put_file("exports/big.bin", &scratch).await.unwrap();
    assert!(!scratch.exists(), "the scratch file is removed once kept");
    let download = storage.open("exports/big.bin").await.unwrap().unwrap();
    assert_eq!(download.size, big.len() as u64);
    let chunks: Vec<bytes::Bytes> = download.body.try_collect().await.unwrap();
    let back: Vec<u8> = chunks.concat();
    assert!(back == big, "the large file came back changed");

    storage.remove("photos/a.jpg").await;
    storage.remove("photos/a.jpg").await;
    assert_eq!(storage.get("photos/a.jpg").await.unwrap(), None);
    assert!(storage.get("../outside").await.is_err());
    storage.probe().await.unwrap();
}

#[tokio::test]
async fn the_local_folder_keeps_files() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::local(&dir.path().join("files")).unwrap();
    exercise(&storage).await;
    assert!(dir.path().join("files/exports/big.bin").exists());
}

#[tokio::test]
async fn an_s3_bucket_keeps_files() {
    let Some(endpoint) = zc_storage::test_support::endpoint() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the S3 backend: TEST_S3_ENDPOINT is not set"
        );
        // Written past the test harness's capture, so the skip shows in every run.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: S3 backend not tested; set TEST_S3_ENDPOINT (e.g. moto_server)"
        );
        return;
    };
    let settings = zc_storage::test_support::fresh_bucket(&endpoint).await;
    let scratch = tempfile::tempdir().unwrap();
    let storage = Storage::s3(&settings, scratch.path()).unwrap();
    exercise(&storage).await;

    // Wrong credentials are a fault, not an empty store. (The test server signs nothing
    // back, so this checks a bucket that does not exist instead.)
    let missing = S3Settings {
        bucket: "zc-no-such-bucket".into(),
        ..settings
    };
    let storage = Storage::s3(&missing, scratch.path()).unwrap();
    assert!(storage.put("a/b", b"x".to_vec()).await.is_err());
    assert!(storage.probe().await.is_err());
}
