//! 证书签章 — offline checks: an issued certificate carries an Ed25519 seal that verifies
//! against the keys published at `/.well-known/zhicheng/keys.json`, with the real
//! `zhicheng verify-certificate` and in Chromium on `/verify/offline` after the server is
//! gone; a changed byte or an unknown key is refused with a message that says why.

use std::process::Command;

use fantoccini::Locator;
use zc_services::certificate_signing::KeyRing;

use crate::{
    browser::{open_browser, start_driver, text_of},
    delivery::issued,
    helpers::{TestApp, attr, new_client, spawn_app},
};

async fn seal_of(app: &TestApp, cert: i64) -> String {
    zc_db::certificates::find(&app.db, cert)
        .await
        .unwrap()
        .unwrap()
        .seal
        .expect("issued certificates are sealed")
}

async fn published(app: &TestApp) -> String {
    let res = new_client()
        .get(app.url("/.well-known/zhicheng/keys.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    res.text().await.unwrap()
}

fn verify_cli(keys: &std::path::Path, text: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zhicheng"))
        .args(["verify-certificate", "--keys"])
        .arg(keys)
        .arg(text)
        .env_remove("RUST_LOG")
        // Offline means offline: no data folder, no database.
        .env("ZC_DATA_DIR", "/nonexistent/zhicheng")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Flips one character of the payload part, keeping it valid base64url.
fn tampered(seal: &str) -> String {
    let mut parts: Vec<String> = seal.split('.').map(str::to_string).collect();
    let payload: Vec<char> = parts[2].chars().collect();
    let i = payload.len() / 2;
    let mut changed = payload.clone();
    changed[i] = if payload[i] == 'A' { 'B' } else { 'A' };
    parts[2] = changed.into_iter().collect();
    parts.join(".")
}

#[tokio::test]
async fn an_issued_certificate_verifies_offline_with_the_published_keys() {
    let app = spawn_app().await;
    let (_, cert, number, _) = issued(&app, "sealcli").await;
    let seal = seal_of(&app, cert).await;
    let json = published(&app).await;
    let ring = KeyRing::from_json(&json).unwrap();
    let claims = ring.verify(&seal).unwrap();
    assert_eq!(claims.number, number);
    assert_eq!(
        claims.holder, "张*",
        "the public payload carries the masked name"
    );
    assert_eq!(claims.status, "有效");

    // The holder's certificate page links the offline check with the seal in the fragment.
    app.login_applicant().await;
    let (_, doc) = app.get_html(&format!("/my/certificates/{cert}")).await;
    assert_eq!(
        attr(&doc, "#offline-link", "href"),
        Some(format!("/verify/offline#{seal}"))
    );

    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.json");
    std::fs::write(&keys, &json).unwrap();
    let qr = format!("{}/verify/t/x#{seal}", app.address);
    let (ok, said) = verify_cli(&keys, &qr);
    assert!(ok, "{said}");
    assert!(said.contains("签章有效"), "{said}");
    assert!(said.contains(&format!("证书编号：{number}")), "{said}");
    assert!(said.contains("无法得知签发后的撤销"), "{said}");

    let (ok, said) = verify_cli(&keys, &tampered(&seal));
    assert!(!ok);
    assert!(
        said.contains("签名与证书数据不符") || said.contains("不是本平台证书的签章数据"),
        "{said}"
    );
    let kid = seal.split('.').nth(1).unwrap();
    let (ok, said) = verify_cli(&keys, &seal.replace(kid, "cs-unknown"));
    assert!(!ok);
    assert!(
        said.contains("密钥 cs-unknown 不在公布的公钥列表中"),
        "{said}"
    );
    let (ok, said) = verify_cli(&keys, "hello");
    assert!(!ok);
    assert!(said.contains("请完整复制二维码内容"), "{said}");
}

#[tokio::test]
async fn the_offline_page_verifies_a_seal_after_the_server_is_gone() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let (_, cert, number, _) = issued(&app, "sealweb").await;
    let seal = seal_of(&app, cert).await;
    let client = open_browser(&driver, 360).await;
    client.goto(&app.url("/verify/offline")).await.unwrap();
    // From here on nothing answers at the server's address.
    app.stop().await.unwrap();

    let check = |text: String| {
        let client = client.clone();
        async move {
            let box_ = client.find(Locator::Id("f-seal")).await.unwrap();
            box_.clear().await.unwrap();
            box_.send_keys(&text).await.unwrap();
            client
                .find(Locator::Id("offline-check"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
    };
    check(tampered(&seal)).await;
    let error = client
        .wait()
        .for_element(Locator::Css("#seal-error:not([hidden])"))
        .await
        .unwrap();
    let said = error.text().await.unwrap();
    assert!(
        said.contains("签名与证书数据不符") || said.contains("不是本平台证书的签章数据"),
        "{said}"
    );
    // What was pasted stays in the box to be corrected.
    assert_eq!(
        client
            .find(Locator::Id("f-seal"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default(),
        tampered(&seal)
    );

    check(format!("https://example.cn/verify/t/x#{seal}")).await;
    client
        .wait()
        .for_element(Locator::Css("#offline-result:not([hidden])"))
        .await
        .unwrap();
    assert_eq!(text_of(&client, "#offline-number").await, number);
    assert_eq!(text_of(&client, "#offline-holder").await, "张*");
    assert!(
        text_of(&client, "#offline-limit")
            .await
            .contains("无法得知签发后的撤销")
    );
    client.close().await.unwrap();
}
