//! Bad configuration stops start-up with one clear line, not a panic trace.

use std::process::Command;

fn run_with(envs: &[(&str, &str)], args: &[&str]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zhicheng"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .envs(envs.iter().copied())
        .output()
        .expect("binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn one_clear_line(stderr: &str) -> String {
    let lines: Vec<_> = stderr
        .lines()
        .filter(|l| l.starts_with("启动失败"))
        .collect();
    assert_eq!(lines.len(), 1, "exactly one error line in:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    lines[0].to_string()
}

#[test]
fn an_unknown_setting_is_named() {
    let (ok, err) = run_with(&[("ZC_DATABSE_URL", "sqlite://x.db")], &["migrate"]);
    assert!(!ok);
    assert!(one_clear_line(&err).contains("未知的环境变量 ZC_DATABSE_URL"));
}

#[test]
fn an_unreachable_database_says_how_to_fix_it() {
    let (ok, err) = run_with(
        &[("ZC_DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")],
        &["migrate"],
    );
    assert!(!ok);
    let line = one_clear_line(&err);
    assert!(
        line.contains("无法连接数据库") && line.contains("ZC_DATABASE_URL"),
        "{line}"
    );
}

#[test]
fn an_unwritable_data_folder_is_reported() {
    let blocker = tempfile::NamedTempFile::new().unwrap();
    let data = format!("{}/data", blocker.path().display());
    let (ok, err) = run_with(
        &[("ZC_DATA_DIR", data.as_str()), ("ZC_BIND", "127.0.0.1:0")],
        &["serve"],
    );
    assert!(!ok);
    let line = one_clear_line(&err);
    assert!(
        line.contains("数据目录") && line.contains("可写目录"),
        "{line}"
    );
}

#[test]
fn a_bad_config_file_key_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("zhicheng.toml");
    std::fs::write(&file, "demo = false\nbindd = \"x\"\n").unwrap();
    let (ok, err) = run_with(&[("ZC_CONFIG", file.to_str().unwrap())], &["migrate"]);
    assert!(!ok);
    assert!(one_clear_line(&err).contains("bindd"));
}

#[test]
fn help_lists_the_subcommands() {
    let out = Command::new(env!("CARGO_BIN_EXE_zhicheng"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in ["serve", "migrate", "admin", "demo"] {
        assert!(text.contains(sub), "--help mentions {sub}:\n{text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_zhicheng"))
        .args(["admin", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("create-user"));
}

#[test]
fn admin_create_user_creates_a_login_and_refuses_weak_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let run = |password: &str| {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhicheng"))
            .args([
                "admin",
                "create-user",
                "--login",
                "opsadmin",
                "--name",
                "运维管理员",
            ])
            .current_dir(dir.path())
            .env("ZC_DEMO", "false")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, _, err) = run("admin123");
    assert!(!ok);
    assert!(
        err.contains("账号未创建") && err.contains("password"),
        "{err}"
    );
    let (ok, out, err) = run("Ops-Secure-2026");
    assert!(ok, "{err}");
    assert!(out.contains("已创建账号 opsadmin"), "{out}");
}

#[test]
fn verify_audit_reports_an_intact_chain_and_a_tampered_one() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_zhicheng"))
            .args(args)
            .current_dir(dir.path())
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    // The demo seeding writes audit events.
    assert!(run(&["demo"]).status.success());
    let out = run(&["admin", "verify-audit"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("哈希链校验通过"));
    // The verified head was anchored outside the database.
    let anchors = std::fs::read_to_string(dir.path().join("data/audit-anchors.log")).unwrap();
    assert_eq!(anchors.lines().count(), 1);

    let db = dir.path().join("data/zhicheng.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    // The last event removed and the head set back: the chain alone looks whole, but the
    // anchor names an event that is gone.
    rt.block_on(async {
        let db = zc_db::Db::connect(&format!("sqlite://{}", db.display()), &zc_db::DbOptions::default()).await.unwrap();
        zc_db::with_pool!(&db, p => sqlx::query("DELETE FROM audit_event WHERE id = (SELECT MAX(id) FROM audit_event)")
            .execute(p).await.map(|_| ())).unwrap();
        zc_db::with_pool!(&db, p => sqlx::query(
            "UPDATE audit_head SET hash = (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1) WHERE id = 1")
            .execute(p).await.map(|_| ())).unwrap();
        db.close().await;
    });
    let out = run(&["admin", "verify-audit"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("最新的记录被删除"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(dir.path().join("data/audit-anchors.log")).unwrap();

    rt.block_on(async {
        let db = zc_db::Db::connect(&format!("sqlite://{}", db.display()), &zc_db::DbOptions::default()).await.unwrap();
        zc_db::with_pool!(&db, p => sqlx::query("UPDATE audit_event SET ip = '10.9.9.9' WHERE id = 2")
            .execute(p).await.map(|_| ())).unwrap();
        db.close().await;
    });
    let out = run(&["admin", "verify-audit"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("第 2 条记录") && err.contains("记录内容被修改"),
        "{err}"
    );
}
