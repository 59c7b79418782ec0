//! 花名册导出 — a review queue, as filtered, written to .xlsx by the job queue with the
//! columns the staff member chose. Identity numbers and mobiles are masked unless a
//! 负责人 asks for them in full and gives a reason; every request and every download is
//! audited; the file carries a watermark (who, when) and expires after seven days.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use zc_db::{
    Db,
    exports::ExportRow,
    jobs::Job,
    review_queue::{PageStart, QueueFilter, QueueScope, RosterRow},
};
use zc_domain::{
    TitleLevel, application::ApplicationStatus, calendar::format_china_time,
    export_status::ExportStatus, organisation::Duty,
};

use crate::{ServiceError, ServiceResult, accounts::Actor, pii::PiiVault};

/// The job kind that writes a roster.
pub const ROSTER_JOB: &str = "roster_export";

/// How long a written export can be downloaded.
const KEEP_DAYS: i64 = 7;

/// Rows read per query while writing.
const CHUNK: i64 = 2_000;

/// A column a roster may have: code, header, ticked by default.
pub const ROSTER_COLUMNS: [(&str, &str, bool); 13] = [
    ("number", "申报编号", true),
    ("kind", "申报类型", true),
    ("name", "姓名", true),
    ("id_number", "证件号码", true),
    ("phone", "手机号码", false),
    ("unit", "工作单位", true),
    ("series", "系列", true),
    ("level", "级别", true),
    ("title", "拟申报资格", true),
    ("committee", "评委会", false),
    ("year", "年度", false),
    ("status", "当前状态", true),
    ("submitted", "报送时间", true),
];

/// What was asked for, kept with the export so the worker writes exactly that.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RosterRequest {
    pub scope: QueueScope,
    pub filter: QueueFilter,
    pub columns: Vec<String>,
    /// Identity numbers and mobiles in full.
    pub reveal: bool,
    /// Who exported it, for the watermark.
    pub exported_by: String,
}

/// Asks for a roster; the export's id. Refused when no column is chosen, or when full
/// identifiers are asked for by someone who is not a 负责人 or without a reason.
#[tracing::instrument(skip_all)]
pub async fn request(
    db: &Db,
    actor: Actor<'_>,
    scope: QueueScope,
    filter: QueueFilter,
    columns: &[String],
    reveal_reason: Option<&str>,
) -> ServiceResult<i64> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let columns: Vec<String> = ROSTER_COLUMNS
        .iter()
        .filter(|(code, _, _)| columns.iter().any(|c| c == code))
        .map(|(code, _, _)| code.to_string())
        .collect();
    if columns.is_empty() {
        return Err(crate::FieldErrors::one("col", "请至少选择一列"));
    }
    let reveal = match reveal_reason.map(str::trim) {
        None | Some("") => false,
        Some(reason) => {
            let duty = zc_db::accounts::duty(db, staff_id)
                .await?
                .and_then(|d| Duty::from_code(&d));
            if !duty.is_some_and(Duty::may_reveal_identity) {
                return Err(ServiceError::refused(
                    "no_reveal",
                    "只有负责人可以导出完整的证件号码和手机号码；其他人员导出的花名册为脱敏号码",
                ));
            }
            if reason.chars().count() < 5 {
                return Err(crate::FieldErrors::one(
                    "reveal_reason",
                    "导出完整号码须写明用途（至少5个字）",
                ));
            }
            true
        }
    };
    let staff = zc_db::accounts::find(db, staff_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = ApplicationStatus::from_code(&filter.status)
        .map_or("", ApplicationStatus::label)
        .to_string();
    let req = RosterRequest {
        scope,
        filter,
        columns,
        reveal,
        exported_by: format!("{}（{}）", staff.display_name, staff.login_name),
    };
    let body = serde_json::to_string(&req).map_err(ServiceError::internal)?;
    let title = format!("申报花名册（{status}）");
    let mut tx = db.begin_write().await?;
    let id = zc_db::exports::insert(
        &mut tx,
        staff_id,
        "roster",
        &title,
        &body,
        db.now() + Duration::days(KEEP_DAYS),
    )
    .await?;
    zc_db::jobs::enqueue_in(&mut tx, ROSTER_JOB, json!({ "export_id": id }), 3).await?;
    let object = format!("export:{id}");
    let detail = match reveal_reason {
        Some(r) if reveal => format!("{title}；完整号码，用途：{}", r.trim()),
        _ => format!("{title}；脱敏"),
    };
    zc_db::audit::record_in(&mut tx, &actor.event("export.roster", &object, &detail)).await?;
    tx.commit().await?;
    Ok(id)
}

/// An export of this person's, if it exists (anyone else's is "not found").
#[tracing::instrument(skip_all)]
pub async fn mine(db: &Db, staff_id: i64, export_id: i64) -> ServiceResult<ExportRow> {
    zc_db::exports::find(db, export_id)
        .await?
        .filter(|e| e.account_id == staff_id)
        .ok_or(ServiceError::NotFound)
}

/// The file of a ready export to download, audited; refused once it has expired.
#[tracing::instrument(skip_all)]
pub async fn download(
    db: &Db,
    actor: Actor<'_>,
    storage: &zc_storage::Storage,
    export_id: i64,
) -> ServiceResult<(ExportRow, zc_storage::Download)> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let export = mine(db, staff_id, export_id).await?;
    if export.expires_at < db.now() {
        return Err(ServiceError::refused(
            "expired",
            "该导出文件已超过7天有效期并已失效，请重新导出",
        ));
    }
    let key = export
        .file_key
        .clone()
        .filter(|_| export.status == ExportStatus::Ready)
        .ok_or_else(|| ServiceError::refused("not_ready", "导出文件尚未生成，请稍后刷新"))?;
    let file = storage
        .open(&key)
        .await
        .map_err(anyhow::Error::from)?
        .ok_or(ServiceError::NotFound)?;
    let object = format!("export:{export_id}");
    zc_db::audit::record(db, &actor.event("export.download", &object, &export.title)).await?;
    Ok((export, file))
}

/// Writes rosters (the job a request enqueued).
pub struct RosterJob {
    pub vault: Arc<PiiVault>,
    pub storage: zc_storage::Storage,
}

#[async_trait]
impl zc_db::jobs::JobHandler for RosterJob {
    async fn run(&self, db: &Db, job: &Job) -> anyhow::Result<()> {
        run_export(
            db,
            job,
            |export| async move { write(db, &self.vault, &self.storage, &export).await },
            |_| "生成失败，请重新导出或联系系统管理员".to_string(),
        )
        .await
    }
}

/// Runs an export job: finds the pending export its payload names, writes the file with
/// `write` and marks the export ready, or failed with the words `failed` gives. An export
/// already written (a retried job) is left alone, so the job is idempotent.
#[tracing::instrument(skip_all)]
pub async fn run_export<W, F>(
    db: &Db,
    job: &Job,
    write: W,
    failed: impl Fn(&anyhow::Error) -> String,
) -> anyhow::Result<()>
where
    W: FnOnce(ExportRow) -> F,
    F: std::future::Future<Output = anyhow::Result<(String, i64)>>,
{
    let id = job.payload.0["export_id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("{} without export_id", job.kind))?;
    let Some(export) = zc_db::exports::find(db, id).await? else {
        return Ok(());
    };
    if export.status != ExportStatus::Pending {
        return Ok(());
    }
    match write(export).await {
        Ok((key, rows)) => zc_db::exports::mark_ready(db, id, &key, rows).await?,
        Err(e) => {
            tracing::error!(export = id, kind = %job.kind, error = %e, "export failed");
            zc_db::exports::mark_failed(db, id, &failed(&e)).await?;
        }
    }
    Ok(())
}

/// Writes the roster file; its key and row count.
#[tracing::instrument(skip_all)]
pub async fn write(
    db: &Db,
    vault: &PiiVault,
    storage: &zc_storage::Storage,
    export: &ExportRow,
) -> anyhow::Result<(String, i64)> {
    let req: RosterRequest = serde_json::from_str(&export.request)?;
    let headers: Vec<&str> = req
        .columns
        .iter()
        .filter_map(|c| ROSTER_COLUMNS.iter().find(|(code, _, _)| code == c))
        .map(|(_, header, _)| *header)
        .collect();
    let watermark = format!(
        "导出人：{}　导出时间：{}　{}　仅限职称评审工作使用，请勿外传",
        req.exported_by,
        format_china_time(db.now()),
        if req.reveal {
            "含完整号码"
        } else {
            "号码已脱敏"
        }
    );
    let mut sheet = zc_docs::Sheet::new("花名册", &export.title, &watermark, &headers)?;
    let mut start = PageStart::Offset(0);
    let mut read = 0;
    loop {
        let rows = zc_db::review_queue::roster(db, req.scope, &req.filter, CHUNK, start).await?;
        for row in &rows {
            let cells: Vec<String> = req
                .columns
                .iter()
                .map(|c| cell(vault, &req, row, c))
                .collect();
            sheet.push(&cells)?;
        }
        if (rows.len() as i64) < CHUNK {
            break;
        }
        read += CHUNK;
        start = zc_db::review_queue::next_chunk(&rows, req.filter.sort, read);
    }
    let rows = i64::from(sheet.rows());
    let key = format!("exports/{:032x}.xlsx", rand::random::<u128>());
    let path = storage.scratch_file("xlsx").await?;
    let scratch = path.clone();
    let saved = tokio::task::spawn_blocking(move || sheet.save(&scratch)).await;
    if !matches!(saved, Ok(Ok(_))) {
        let _ = tokio::fs::remove_file(&path).await;
    }
    saved??;
    storage.put_file(&key, &path).await?;
    Ok((key, rows))
}

fn cell(vault: &PiiVault, req: &RosterRequest, row: &RosterRow, column: &str) -> String {
    let opened = |sealed: &str, masked: &str| {
        if req.reveal {
            vault.open(sealed).unwrap_or_else(|_| masked.to_string())
        } else {
            masked.to_string()
        }
    };
    match column {
        "number" => row.id.to_string(),
        "name" => row.applicant_name.clone(),
        "id_number" => opened(&row.id_number_sealed, &row.id_number_masked),
        "phone" => opened(&row.phone_sealed, &row.phone_masked),
        "unit" => row.unit_name.clone(),
        "kind" => zc_domain::application::ApplicationKind::from_code(&row.kind)
            .map_or("", |k| k.name())
            .to_string(),
        "series" => row.series_name.clone(),
        "level" => TitleLevel::from_rank(row.level_rank)
            .map_or("", TitleLevel::name)
            .to_string(),
        "title" => row.title_name.clone(),
        "committee" => row.committee_name.clone().unwrap_or_default(),
        "year" => row.year.to_string(),
        "status" => ApplicationStatus::from_code(&row.status)
            .map_or("", ApplicationStatus::label)
            .to_string(),
        "submitted" => row.submitted_at.map(format_china_time).unwrap_or_default(),
        _ => String::new(),
    }
}
