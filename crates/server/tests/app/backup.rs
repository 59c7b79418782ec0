//! 备份与恢复 with the real binary: a backup taken while the platform serves restores into
//! an empty data folder, where the audit chain verifies and the counts match; a restore
//! over existing data, or from a folder that is no backup, is refused with one clear line.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
};

fn zhicheng(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhicheng"))
        .args(args)
        .env_remove("RUST_LOG")
        .env("ZC_DATA_DIR", data)
        .output()
        .expect("binary runs")
}

fn said(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_backup_taken_while_serving_restores_into_an_empty_folder_and_checks_out() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    assert!(zhicheng(&data, &["demo"]).status.success());
    // An uploaded file, as the platform stores them.
    let upload = data.join("files/applications/1/photo.jpg");
    std::fs::create_dir_all(upload.parent().unwrap()).unwrap();
    std::fs::write(&upload, b"\xff\xd8\xff\xe0 a photo").unwrap();

    // The platform serves while the backup is taken.
    let mut server = Command::new(env!("CARGO_BIN_EXE_zhicheng"))
        .arg("serve")
        .env_remove("RUST_LOG")
        .env("ZC_DATA_DIR", &data)
        .env("ZC_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let serving = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("http://"));
    assert!(serving, "the server says where it listens");

    let backup = root.path().join("backup-2026-12-02");
    let out = zhicheng(&data, &["backup", backup.to_str().unwrap()]);
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(out.status.success(), "{}", said(&out));
    let text = said(&out);
    assert!(
        text.contains("备份完成") && text.contains("上传文件 1 个"),
        "{text}"
    );
    assert!(
        text.contains("请与数据分开、加密保存"),
        "the keys warning: {text}"
    );
    // A second backup into the same folder is refused.
    let again = zhicheng(&data, &["backup", backup.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(said(&again).contains("不是空的"), "{}", said(&again));

    // Restored into an empty folder: checked, and the server's own check agrees.
    let restored = root.path().join("restored");
    let out = zhicheng(&restored, &["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("恢复完成并已校验"), "{}", said(&out));
    assert_eq!(
        std::fs::read(restored.join("files/applications/1/photo.jpg")).unwrap(),
        b"\xff\xd8\xff\xe0 a photo"
    );
    let verified = zhicheng(&restored, &["admin", "verify-audit"]);
    assert!(verified.status.success(), "{}", said(&verified));

    // Not over existing data, and not from a folder that is no backup.
    let over = zhicheng(&restored, &["restore", backup.to_str().unwrap()]);
    assert!(!over.status.success());
    assert!(
        said(&over).contains("恢复只写入空的数据目录"),
        "{}",
        said(&over)
    );
    let empty = root.path().join("not-a-backup");
    std::fs::create_dir_all(&empty).unwrap();
    let wrong = zhicheng(
        &root.path().join("other"),
        &["restore", empty.to_str().unwrap()],
    );
    assert!(!wrong.status.success());
    assert!(
        said(&wrong).contains("不是 zhicheng 备份"),
        "{}",
        said(&wrong)
    );
}

#[test]
fn a_tampered_backup_does_not_restore_quietly() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    assert!(zhicheng(&data, &["demo"]).status.success());
    let backup = root.path().join("backup");
    assert!(
        zhicheng(&data, &["backup", backup.to_str().unwrap()])
            .status
            .success()
    );
    // The manifest says one more certificate than the copy holds.
    let manifest = backup.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
    let n = m["counts"]["certificates"].as_i64().unwrap();
    m["counts"]["certificates"] = serde_json::json!(n + 1);
    std::fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let out = zhicheng(
        &root.path().join("restored"),
        &["restore", backup.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        said(&out).contains("恢复后的数据与备份时不符"),
        "{}",
        said(&out)
    );
}
