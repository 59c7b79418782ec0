//! 审计锚点 — the audit chain's head, written outside the database at intervals: appended
//! to `{data_dir}/audit-anchors.log` and to the service log. `verify-audit` checks the chain
//! against every anchor, so a log rewritten from the start (even by someone holding the
//! audit key) or cut short no longer matches what was written down earlier.

use std::{io::Write, path::Path};

use anyhow::Context;
use zc_db::{Db, audit::Anchor};

/// The anchors file in the data folder.
pub fn path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join("audit-anchors.log")
}

/// Every anchor written so far (none when the file does not exist yet).
pub fn read(file: &Path) -> anyhow::Result<Vec<Anchor>> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("无法读取审计锚点 {}", file.display())),
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t').skip(1);
            match (cols.next().and_then(|i| i.parse().ok()), cols.next()) {
                (Some(id), Some(hash)) => Ok(Anchor {
                    id,
                    hash: hash.trim().to_string(),
                }),
                _ => anyhow::bail!("审计锚点文件 {} 有无法识别的行：{l}", file.display()),
            }
        })
        .collect()
}

/// Appends the chain's current head when it moved since the last anchor; the anchor.
pub async fn write(db: &Db, file: &Path) -> anyhow::Result<Option<Anchor>> {
    let Some(head) = zc_db::audit::head(db).await? else {
        return Ok(None);
    };
    if read(file)?.last() == Some(&head) {
        return Ok(None);
    }
    let line = format!(
        "{}\t{}\t{}\n",
        db.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        head.id,
        head.hash
    );
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("无法写入审计锚点 {}", file.display()))?;
    f.write_all(line.as_bytes())?;
    f.sync_all()?;
    tracing::info!(id = head.id, hash = %head.hash, "audit anchor");
    Ok(Some(head))
}
