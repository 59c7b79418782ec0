//! 备份与恢复 — `zhicheng backup <dir>` takes a consistent copy while the platform serves
//! (SQLite's `VACUUM INTO`), then the uploaded files, the keys and the audit anchors, and
//! writes what it counted in `manifest.json`; `zhicheng restore <dir>` puts a backup into
//! an empty data folder and checks it: the audit chain verifies and the counts match.
//! PostgreSQL is copied with its own tools (README: pg_dump, base backups with WAL).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use zc_db::backup::Counts;

use crate::{
    Config,
    startup::{ensure_writable, open_database},
};

/// The backup's own description.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    /// Which program wrote it (a restore names it when it refuses).
    written_by: String,
    /// When, in China time.
    taken_at: String,
    counts: Counts,
}

const DB_FILE: &str = "zhicheng.db";
const MANIFEST: &str = "manifest.json";

/// The SQLite file behind a `sqlite://` URL.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))?;
    Some(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

/// Copies a folder's files and subfolders into `to` (created); a missing source copies
/// nothing. Returns how many files were copied.
fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<u64> {
    if !from.exists() {
        return Ok(0);
    }
    std::fs::create_dir_all(to).with_context(|| format!("创建 {}", to.display()))?;
    let mut copied = 0;
    for entry in std::fs::read_dir(from).with_context(|| format!("读取 {}", from.display()))? {
        let entry = entry?;
        // `.scratch` holds exports still being written; they are not kept files yet.
        if entry.file_name() == ".scratch" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copied += copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("复制 {}", entry.path().display()))?;
            copied += 1;
        }
    }
    Ok(copied)
}

fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    Ok(!dir.exists() || std::fs::read_dir(dir)?.next().is_none())
}

/// `zhicheng backup <dir>`.
pub async fn backup(config: &Config, to: &Path) -> anyhow::Result<()> {
    if !is_empty_dir(to)? {
        bail!("备份目录 {} 不是空的，请指定一个新目录", to.display());
    }
    std::fs::create_dir_all(to).with_context(|| format!("创建备份目录 {}", to.display()))?;
    let db = open_database(config).await?;
    // The platform's one clock, like every other time it writes.
    let taken_at = zc_domain::calendar::format_china_time(db.now());
    let counts = zc_db::backup::counts(&db).await;
    // The database first: every file it names was written before the row that names it.
    let copied = zc_db::backup::vacuum_into(&db, &to.join(DB_FILE)).await;
    db.close().await;
    let counts = counts?;
    if copied?.is_none() {
        bail!(
            "数据库为 PostgreSQL：请用 pg_dump（或基础备份加 WAL 归档）备份数据库，见 README“备份与恢复”；本命令只备份 SQLite"
        );
    }
    // Files in an S3 bucket are kept there, by the bucket's versioning (README).
    let files = match config.s3_settings() {
        Some(s3) => {
            println!(
                "上传文件保存在 S3 存储桶 {}，不在本备份中：请确认存储桶已开启版本控制（见 README“备份与恢复”）",
                s3.bucket
            );
            0
        }
        None => copy_tree(&config.files_dir(), &to.join("files"))?,
    };
    copy_tree(&config.keys_dir(), &to.join("keys"))?;
    let anchors = crate::audit_anchor::path(&config.data_dir);
    if anchors.exists() {
        std::fs::copy(&anchors, to.join("audit-anchors.log"))?;
    }
    let manifest = Manifest {
        written_by: format!("zhicheng {}", env!("CARGO_PKG_VERSION")),
        taken_at,
        counts,
    };
    std::fs::write(to.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    println!(
        "备份完成：{}（账号 {}，申报 {}，证书 {}，审计记录 {}，上传文件 {} 个）",
        to.display(),
        counts.accounts,
        counts.applications,
        counts.certificates,
        counts.audit_events,
        files
    );
    println!(
        "注意：备份中的 keys 目录含签名和加密密钥，请与数据分开、加密保存；丢失密钥将无法解密身份证号。"
    );
    Ok(())
}

/// `zhicheng restore <dir>`: into an empty data folder, then checked.
pub async fn restore(config: &Config, from: &Path) -> anyhow::Result<()> {
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(from.join(MANIFEST)).with_context(|| {
            format!("{} 不是 zhicheng 备份（没有 {MANIFEST}）", from.display())
        })?)
        .with_context(|| format!("{} 已损坏", from.join(MANIFEST).display()))?;
    let Some(target) = sqlite_file(&config.database_url()) else {
        bail!("数据库为 PostgreSQL：请用 pg_restore 或基础备份恢复数据库，见 README“备份与恢复”");
    };
    if target.exists() {
        bail!(
            "数据目录中已有数据库 {}：恢复只写入空的数据目录，请先移走现有数据",
            target.display()
        );
    }
    for dir in [config.files_dir(), config.keys_dir()] {
        if !is_empty_dir(&dir)? {
            bail!("{} 不是空的：恢复只写入空的数据目录", dir.display());
        }
    }
    ensure_writable(&config.data_dir, "数据目录")?;
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::copy(from.join(DB_FILE), &target)
        .with_context(|| format!("复制数据库到 {}", target.display()))?;
    copy_tree(&from.join("files"), &config.files_dir())?;
    copy_tree(&from.join("keys"), &config.keys_dir())?;
    let anchors = crate::audit_anchor::path(&config.data_dir);
    if from.join("audit-anchors.log").exists() {
        std::fs::copy(from.join("audit-anchors.log"), &anchors)?;
    }

    // Checked as a server would open it: migrations, the audit chain against its
    // anchors, and the counts taken at the backup.
    let db = open_database(config).await?;
    let chain = zc_db::audit::verify_chain(&db, &crate::audit_anchor::read(&anchors)?).await;
    let counts = zc_db::backup::counts(&db).await;
    db.close().await;
    match chain? {
        zc_db::audit::ChainCheck::Intact { .. } => {}
        zc_db::audit::ChainCheck::Broken { id, reason } => {
            bail!("恢复后的审计日志校验失败：第 {id} 条记录处链条断开（{reason}）")
        }
        zc_db::audit::ChainCheck::Truncated => {
            bail!("恢复后的审计日志校验失败：最新的记录与库外锚点不符")
        }
    }
    let counts = counts?;
    if counts != manifest.counts {
        bail!(
            "恢复后的数据与备份时不符：备份时 {:?}，恢复后 {:?}",
            manifest.counts,
            counts
        );
    }
    println!(
        "恢复完成并已校验：审计日志哈希链完整，账号 {}、申报 {}、证书 {}、审计记录 {}、上传文件 {} 与备份时（{}，{}）一致",
        counts.accounts,
        counts.applications,
        counts.certificates,
        counts.audit_events,
        counts.files,
        manifest.taken_at,
        manifest.written_by
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sqlite_file_is_read_from_the_url() {
        assert_eq!(
            sqlite_file("sqlite://./data/zhicheng.db?mode=rwc"),
            Some(PathBuf::from("./data/zhicheng.db"))
        );
        assert_eq!(sqlite_file("postgres://h/db"), None);
    }
}
