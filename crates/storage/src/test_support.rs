//! For tests: an S3 bucket of their own on the local S3-compatible test server named by
//! `TEST_S3_ENDPOINT` (`.ci/setup` starts `moto_server`; any S3-compatible server will do).

use crate::S3Settings;

/// The variable naming the test S3 server, e.g. `http://127.0.0.1:9000`.
pub const ENDPOINT_VAR: &str = "TEST_S3_ENDPOINT";

/// The test S3 server, if one is configured.
pub fn endpoint() -> Option<String> {
    std::env::var(ENDPOINT_VAR).ok().filter(|v| !v.is_empty())
}

/// The test S3 server when the whole app suite should keep its files there
/// (`TEST_STORAGE=s3`); otherwise the apps under test use their local folder.
pub fn app_endpoint() -> Option<String> {
    let wanted = std::env::var("TEST_STORAGE").is_ok_and(|v| v == "s3");
    if wanted && endpoint().is_none() {
        panic!("TEST_STORAGE=s3 needs {ENDPOINT_VAR}, the S3 test server's address");
    }
    endpoint().filter(|_| wanted)
}

/// Creates a fresh bucket on the test server (S3 CreateBucket, which the test server takes
/// unsigned) and returns the settings to reach it.
pub async fn fresh_bucket(endpoint: &str) -> S3Settings {
    let bucket = format!("zc-test-{:016x}", rand::random::<u64>());
    let res = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("the S3 test server at {endpoint} does not answer: {e}"));
    assert!(
        res.status().is_success(),
        "CreateBucket {bucket}: {}",
        res.status()
    );
    S3Settings {
        bucket,
        endpoint: endpoint.to_string(),
        region: "us-east-1".into(),
        access_key_id: "testing".into(),
        secret_access_key: "testing".into(),
        virtual_hosted: false,
        allow_http: true,
    }
}
