//! 消息中心 — one message per status change or return: to the applicant (and, when they
//! agreed to SMS notices, a text message through the job queue), and to the staff whose
//! queue the dossier arrives in. Written in the transaction of the change itself.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::json;
use zc_db::{Db, Tx, applications::ApplicationRow, jobs::Job};
use zc_domain::{application::ApplicationStatus, phone::Phone};

use crate::{ServiceResult, pii::PiiVault, sms::SmsSender};

/// Job kind of a status notice by SMS.
pub const SMS_NOTICE_JOB: &str = "sms_notice";

/// Who holds the dossier in `status`, as `(org kind, org id, roles)`.
async fn holders(
    tx: &mut Tx,
    app: &ApplicationRow,
    status: ApplicationStatus,
) -> ServiceResult<Option<(&'static str, i64, &'static [&'static str])>> {
    const UNIT: &[&str] = &["unit_admin", "unit_reviewer"];
    const DEPT: &[&str] = &["department_staff"];
    const OFFICE: &[&str] = &["office_staff"];
    Ok(match status {
        ApplicationStatus::UnitPending | ApplicationStatus::ReturnedToUnit => {
            Some(("unit", app.unit_id, UNIT))
        }
        ApplicationStatus::DepartmentPending => zc_db::units::find(&mut *tx, app.unit_id)
            .await?
            .map(|u| ("office", u.office_id, DEPT)),
        ApplicationStatus::OfficePending => Some(("office", app.office_id, OFFICE)),
        _ => None,
    })
}

/// Writes the messages of a status change inside `tx`.
#[tracing::instrument(skip_all)]
pub async fn status_changed(
    tx: &mut Tx,
    app: &ApplicationRow,
    to: ApplicationStatus,
    what: &str,
    opinion: &str,
) -> ServiceResult<()> {
    // 职称评审 keeps the plain word; the other kinds say which they are.
    let noun = match app.kind {
        zc_domain::application::ApplicationKind::Evaluation => "申报",
        kind => kind.name(),
    };
    let title = format!("{noun} #{} {}：{}", app.id, what, to.label());
    let body = if opinion.trim().is_empty() {
        format!(
            "{}系列/{}，当前状态：{}。",
            app.series_name,
            app.title_name,
            to.label()
        )
    } else {
        format!(
            "{}系列/{}，当前状态：{}。意见：{}",
            app.series_name,
            app.title_name,
            to.label(),
            opinion.trim()
        )
    };
    // 好差评 is offered once the case has ended (一事一评).
    let body = if crate::service_rating::may_rate(to) {
        format!("{body}办理已结束，欢迎在“进度”页对本次服务作出评价。")
    } else {
        body
    };
    let link = format!("/my/applications/{}/progress", app.id);
    let text = format!(
        "【广西职称】您的申报#{}{}，当前状态：{}。请登录平台查看。",
        app.id,
        what,
        to.label()
    );
    notify_person(tx, app.applicant_id, &title, &body, &link, &text).await?;
    if let Some((kind, org, roles)) = holders(tx, app, to).await? {
        let staff_link = match kind {
            "unit" => format!("/unit/applications/{}", app.id),
            _ => format!("/office/applications/{}", app.id),
        };
        let staff_title = format!("{noun} #{} 待处理：{}", app.id, to.label());
        for staff in zc_db::messages::staff_of(&mut *tx, kind, org, roles).await? {
            if staff != app.applicant_id {
                zc_db::messages::insert_in(tx, staff, &staff_title, &body, &staff_link).await?;
            }
        }
    }
    Ok(())
}

/// Tells a person (an applicant account) something inside `tx`: a message in their 消息中心,
/// and, when they agreed to SMS notices, `sms_text` through the job queue.
#[tracing::instrument(skip_all)]
pub async fn notify_person(
    tx: &mut Tx,
    account_id: i64,
    title: &str,
    body: &str,
    link: &str,
    sms_text: &str,
) -> ServiceResult<()> {
    zc_db::messages::insert_in(tx, account_id, title, body, link).await?;
    if zc_db::applicants::find(&mut *tx, account_id)
        .await?
        .is_some_and(|a| a.sms_notices)
    {
        zc_db::jobs::enqueue_in(
            tx,
            SMS_NOTICE_JOB,
            json!({ "account_id": account_id, "text": sms_text }),
            5,
        )
        .await?;
    }
    Ok(())
}

/// Sends a status notice by SMS (the job the change enqueued).
pub struct SmsNoticeJob {
    pub vault: Arc<PiiVault>,
    pub sender: Arc<dyn SmsSender>,
}

#[async_trait]
impl zc_db::jobs::JobHandler for SmsNoticeJob {
    async fn run(&self, db: &Db, job: &Job) -> anyhow::Result<()> {
        let account_id = job.payload.0["account_id"]
            .as_i64()
            .ok_or_else(|| anyhow::anyhow!("sms_notice without account_id"))?;
        let text = job.payload.0["text"].as_str().unwrap_or_default();
        let Some(row) = zc_db::applicants::find(db, account_id).await? else {
            return Ok(());
        };
        let phone = Phone::parse(&self.vault.open(&row.phone_sealed)?)
            .map_err(|e| anyhow::anyhow!("stored phone: {e}"))?;
        let message = crate::sms::SmsMessage {
            phone: &phone,
            template: "status_notice",
            params: &[],
            body: text,
        };
        crate::sms::send_message(db, &self.vault, self.sender.as_ref(), &message)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// 全部标为已读: the person has seen every message. The header's count changes on every
/// server at once (the write announces itself).
#[tracing::instrument(skip_all)]
pub async fn mark_all_read(db: &Db, account_id: i64) -> ServiceResult<()> {
    zc_db::messages::mark_all_read(db, account_id).await?;
    Ok(())
}
