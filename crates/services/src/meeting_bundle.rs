//! 会议材料包 — a meeting's dossiers as one zip of 评审表 PDFs for the experts, written by
//! the job queue one dossier at a time (each PDF goes to disk before the next is laid
//! out), so memory stays bounded at a thousand dossiers. The bundle is listed at
//! `/exports` like a roster, downloadable for seven days by the committee staff member
//! who asked, and both the request and each download are audited.

use std::io::Write;

use async_trait::async_trait;
use chrono::Duration;
use serde_json::json;
use zc_db::{Db, exports::ExportRow, jobs::Job};

use crate::{ServiceError, ServiceResult, accounts::Actor};

/// The job kind.
pub const BUNDLE_JOB: &str = "meeting_bundle";
const KEEP_DAYS: i64 = 7;

/// Asks for the bundle of a meeting of the staff member's committee; the export's id.
#[tracing::instrument(skip_all)]
pub async fn request(db: &Db, actor: Actor<'_>, meeting_id: i64) -> ServiceResult<i64> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let meeting = crate::committee_meetings::mine(db, staff_id, meeting_id).await?;
    let dossiers = zc_db::meetings::agenda(db, meeting.id).await?.len();
    if dossiers == 0 {
        return Err(ServiceError::refused(
            "empty",
            "本次会议还没有加入申报，无法生成会议材料包；请先“加入待评审的申报”",
        ));
    }
    let title = format!("会议材料包（{}，{dossiers}份评审表）", meeting.name);
    let mut tx = db.begin_write().await?;
    let id = zc_db::exports::insert(
        &mut tx,
        staff_id,
        "meeting_bundle",
        &title,
        &json!({ "meeting_id": meeting.id }).to_string(),
        db.now() + Duration::days(KEEP_DAYS),
    )
    .await?;
    zc_db::jobs::enqueue_in(&mut tx, BUNDLE_JOB, json!({ "export_id": id }), 3).await?;
    let object = format!("export:{id}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("export.meeting_bundle", &object, &title),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes bundles (the job a request enqueued).
pub struct BundleJob {
    pub storage: zc_storage::Storage,
}

#[async_trait]
impl zc_db::jobs::JobHandler for BundleJob {
    async fn run(&self, db: &Db, job: &Job) -> anyhow::Result<()> {
        crate::roster_export::run_export(
            db,
            job,
            |export| async move { write(db, &self.storage, &export).await },
            // The reason names the dossier whose form could not be laid out.
            |e| format!("生成失败：{e}"),
        )
        .await
    }
}

/// Writes the zip; its key and how many forms it holds.
#[tracing::instrument(skip_all)]
pub async fn write(
    db: &Db,
    storage: &zc_storage::Storage,
    export: &ExportRow,
) -> anyhow::Result<(String, i64)> {
    let meeting_id = serde_json::from_str::<serde_json::Value>(&export.request)?["meeting_id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("bundle request without meeting_id"))?;
    let key = format!("exports/{:032x}.zip", rand::random::<u128>());
    // Built in a local scratch file, then kept in parts: a meeting's forms can run to
    // hundreds of megabytes. A failed build leaves no scratch file behind.
    let path = storage.scratch_file("zip").await?;
    let built = build_zip(db, storage, meeting_id, &path).await;
    if built.is_err() {
        let _ = tokio::fs::remove_file(&path).await;
    }
    let count = built?;
    storage.put_file(&key, &path).await?;
    Ok((key, count))
}

/// Writes the meeting's forms into a zip at `path`; how many it holds.
async fn build_zip(
    db: &Db,
    storage: &zc_storage::Storage,
    meeting_id: i64,
    path: &std::path::Path,
) -> anyhow::Result<i64> {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    let mut count = 0;
    for row in zc_db::meetings::agenda(db, meeting_id).await? {
        let Some(app) = zc_db::applications::find(db, row.application_id).await? else {
            continue;
        };
        let pdf = crate::documents::form_pdf(db, storage, &app)
            .await
            .map_err(|e| anyhow::anyhow!("申报 #{} 的评审表：{e}", app.id))?;
        let name = format!("{:06}-{}.pdf", app.id, row.applicant_name);
        // PDFs are compressed already; storing them keeps the job's CPU for layout.
        zip = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            zip.start_file(name, options)?;
            zip.write_all(&pdf)?;
            Ok(zip)
        })
        .await??;
        count += 1;
    }
    tokio::task::spawn_blocking(move || zip.finish()).await??;
    Ok(count)
}
