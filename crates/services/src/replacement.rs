//! 遗失补办 — confirming the 遗失申明 starts the 遗失公示 (5 working days) and voids the
//! certificate at once if it is one of ours; the dossier is sent only once the notice has
//! run; the office's certificate then names the one it replaces. Who decides follows the
//! level: 高级 goes to the 职改办 whose committee grants it, and a certificate of ours goes
//! back to the office that issued it.

use zc_db::{
    Db,
    applications::ApplicationRow,
    loss_notices::{NewNotice, NoticeRow},
};
use zc_domain::{
    application::{
        ApplicationKind,
        replacement::{INFO_PART, SENIOR_RANK, may_submit, notice_ends},
        sections::{PartData, Values, part_in, part_missing},
    },
    certificate::CertificateStatus,
    mask::mask_name,
};

use crate::{ServiceError, ServiceResult, application_parts};

/// Whether `office_id` may replace a certificate of this series and level: for 高级, an
/// office that hosts a committee granting it (桂职办〔2018〕72号); for 中初级 the office
/// the person names stands for the 批准机关.
#[tracing::instrument(skip_all)]
pub async fn check_route(
    db: &Db,
    office_id: i64,
    series_id: i64,
    level_rank: i32,
) -> ServiceResult<()> {
    if level_rank < SENIOR_RANK {
        return Ok(());
    }
    let hosts = zc_db::reference::offices_granting(db, series_id, level_rank).await?;
    if hosts.iter().any(|(id, _)| *id == office_id) {
        return Ok(());
    }
    let names: Vec<&str> = hosts.iter().map(|(_, n)| n.as_str()).collect();
    Err(crate::FieldErrors::one(
        "office",
        if names.is_empty() {
            "高级职称证书遗失，须向发证机关（评审会所在职改办）申请；该系列该级别暂无评审会，请联系自治区职改办".to_string()
        } else {
            format!(
                "高级职称证书遗失，须向发证机关（评审会所在职改办）申请，请选择：{}",
                names.join("、")
            )
        },
    ))
}

/// The application's 申报信息 as saved.
fn info_of(parts: &std::collections::BTreeMap<String, PartData>) -> Values {
    match parts.get(INFO_PART) {
        Some(PartData::Single(v)) => v.clone(),
        _ => Values::new(),
    }
}

/// A draft 遗失补办 of the applicant's own.
async fn draft(db: &Db, applicant_id: i64, id: i64) -> ServiceResult<ApplicationRow> {
    let app = application_parts::editable(db, applicant_id, id).await?;
    if app.kind != ApplicationKind::Replacement {
        return Err(ServiceError::NotFound);
    }
    Ok(app)
}

/// Why the 遗失申明 cannot be confirmed yet: the 申报信息 incomplete or the photo missing.
#[tracing::instrument(skip_all)]
pub async fn not_ready(db: &Db, app: &ApplicationRow) -> ServiceResult<Option<String>> {
    let parts = application_parts::load(db, app.id).await?;
    let empty = PartData::Empty;
    if let Some((_, spec)) = part_in(app.kind, INFO_PART) {
        let missing = part_missing(spec, parts.get(INFO_PART).unwrap_or(&empty));
        if let Some(first) = missing.first() {
            return Ok(Some(format!("请先填写并保存申报信息：{first}")));
        }
    }
    let photo = zc_db::application_files::for_application(db, app.id)
        .await?
        .into_iter()
        .any(|f| f.slot == "photo" && f.confirmed);
    if !photo {
        return Ok(Some(
            "请先上传并确认近期免冠2寸彩色照片（用于制作新证书）".into(),
        ));
    }
    Ok(None)
}

/// 确定 in 保存信息确认: publishes the 遗失公示 from today for 5 working days and, when the
/// number is one of ours, voids that certificate in the same transaction. Refused when
/// the notice already runs, the data is incomplete, or the certificate is not the
/// person's or not issued by the chosen office.
#[tracing::instrument(skip_all)]
pub async fn confirm_notice(db: &Db, applicant_id: i64, id: i64) -> ServiceResult<NoticeRow> {
    let app = draft(db, applicant_id, id).await?;
    if let Some(n) = zc_db::loss_notices::of_application(db, id).await? {
        return Err(already(&n));
    }
    if let Some(why) = not_ready(db, &app).await? {
        return Err(ServiceError::refused("incomplete", why));
    }
    check_route(db, app.office_id, app.series_id, app.level_rank).await?;
    let info = info_of(&application_parts::load(db, id).await?);
    let get = |k: &str| info.get(k).cloned().unwrap_or_default();
    let number = get("original_cert_no");
    let applicant = zc_db::applicants::find(db, applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let today = db.today();
    let calendar = zc_db::calendar::working_calendar(db, zc_db::seed::GUANGXI).await?;
    let ends_on = notice_ends(&calendar, today);

    let mut tx = db.begin_write().await?;
    let ours = if number.is_empty() {
        None
    } else {
        zc_db::certificates::by_number_in(&mut tx, &number).await?
    };
    if let Some(cert) = &ours {
        // Another person's number is refused without saying whose it is.
        if cert.holder_id != applicant_id {
            return Err(crate::FieldErrors::one(
                "original_cert_no",
                "原证书编号与您名下的证书不符，请核对后修改申报信息",
            ));
        }
        if cert.status != CertificateStatus::Valid {
            return Err(ServiceError::refused(
                "certificate_not_valid",
                format!(
                    "证书 {} 当前状态为“{}”，不能申请遗失补办",
                    cert.number,
                    cert.status.name()
                ),
            ));
        }
        if cert.office_id != app.office_id {
            let issuer = zc_db::reference::org_name(&mut tx, "office", cert.office_id)
                .await?
                .unwrap_or_default();
            return Err(ServiceError::refused(
                "wrong_office",
                format!(
                    "证书 {} 由{issuer}颁发，遗失补办须向发证机关申请：请先用“报送职改办”改选{issuer}",
                    cert.number
                ),
            ));
        }
    }
    let notice = NewNotice {
        application_id: id,
        holder_masked: &mask_name(&applicant.name),
        cert_number: &number,
        title_name: &app.title_name,
        issuer: &get("original_issuer"),
        obtained: &get("original_obtained"),
        certificate_id: ours.as_ref().map(|c| c.id),
        starts_on: today,
        ends_on,
    };
    if !zc_db::loss_notices::insert(&mut tx, &notice).await? {
        // A second 确定 at the same moment: the first one published it.
        return Err(ServiceError::refused(
            "notice_exists",
            "遗失公示已开始，不能重复确认",
        ));
    }
    if let Some(cert) = &ours {
        zc_db::certificates::set_status(&mut tx, cert.id, CertificateStatus::LostVoid).await?;
    }
    let opinion = format!(
        "遗失公示 {} 至 {}，原证书{}声明作废",
        today,
        ends_on,
        if number.is_empty() {
            String::new()
        } else {
            format!(" {number} ")
        }
    );
    crate::status_change::note(
        &mut tx,
        id,
        &crate::status_change::Note {
            step: "遗失公示",
            action: "确认遗失申明",
            opinion: &opinion,
            actor_id: Some(applicant_id),
            org_name: &applicant.name,
        },
    )
    .await?;
    tx.commit().await?;
    zc_db::loss_notices::of_application(db, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

fn already(n: &NoticeRow) -> ServiceError {
    ServiceError::refused(
        "notice_exists",
        format!(
            "遗失公示已于{}开始（至{}结束），不能重复确认",
            n.starts_on, n.ends_on
        ),
    )
}

/// Why a 遗失补办 cannot be sent today: no notice yet, or the notice still running (with
/// the day sending opens); `None` for other kinds and for a notice that has run.
#[tracing::instrument(skip_all)]
pub async fn submission_gate(db: &Db, app: &ApplicationRow) -> ServiceResult<Option<String>> {
    if app.kind != ApplicationKind::Replacement {
        return Ok(None);
    }
    Ok(
        match zc_db::loss_notices::of_application(db, app.id).await? {
            None => Some("请先保存申报信息并确认遗失申明，遗失公示满5个工作日后方可报送".into()),
            Some(n) => may_submit(n.ends_on, db.today()).err(),
        },
    )
}

/// Whether the 申报信息 and photo of this application are frozen by its notice; the
/// refusal the person reads when they try to change them.
#[tracing::instrument(skip_all)]
pub async fn frozen(db: &Db, app: &ApplicationRow) -> ServiceResult<Option<String>> {
    if app.kind != ApplicationKind::Replacement {
        return Ok(None);
    }
    Ok(zc_db::loss_notices::of_application(db, app.id)
        .await?
        .map(|n| format!("遗失公示已于{}开始，申报信息和照片不能再修改", n.starts_on)))
}

/// The line a replacement certificate carries about the one it replaces, and the voided
/// certificate of ours to point at the new number; `None` for other kinds.
#[tracing::instrument(skip_all)]
pub async fn replaced_of(
    db: &Db,
    app: &ApplicationRow,
) -> ServiceResult<Option<(String, Option<i64>)>> {
    if app.kind != ApplicationKind::Replacement {
        return Ok(None);
    }
    let notice = zc_db::loss_notices::of_application(db, app.id).await?;
    let info = info_of(&application_parts::dossier(db, app).await?);
    let get = |k: &str| info.get(k).cloned().unwrap_or_default();
    let number = get("original_cert_no");
    let line = format!(
        "补发：原证书{}（{}，{}授予）已遗失公示作废",
        if number.is_empty() {
            String::new()
        } else {
            format!("编号 {number}")
        },
        app.title_name,
        get("original_issuer"),
    );
    Ok(Some((line, notice.and_then(|n| n.certificate_id))))
}
