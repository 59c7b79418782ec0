//! 证书 — the 职改办 confirms a result with its document number (文号) and the certificate
//! is issued in the same transaction: the application moves 待发文确认 → 已确认 → 已发证,
//! the number is taken from the office's sequence for the year, and the holder gets a
//! message. The same path serves 职称认定, which reaches 待发文确认 without a committee.
//! Anyone can verify a certificate by number and name or by its QR token; every
//! verification is counted and the holder sees when.

use chrono::Datelike;
use zc_db::{
    Db, applications,
    certificates::{CertificateRow, NewCertificate},
};
use zc_domain::{
    application::{ApplicationStatus, Event, Party},
    committee::certificate_number::{NumberParts, format},
};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    office_review::{Desk, in_scope},
    status_change::{self, Change, Notice},
};

/// A certificate just issued.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: i64,
    pub number: String,
}

/// Checks a 文号 such as `桂职改〔2026〕12号`.
pub fn check_doc_number(doc: &str) -> ServiceResult<()> {
    let n = doc.trim().chars().count();
    if !(4..=40).contains(&n) {
        return Err(FieldErrors::one(
            "doc_number",
            "请填写发文确认的文号（4–40个字），例如 桂职改〔2026〕12号",
        ));
    }
    Ok(())
}

/// 重新确认: the certificate held elsewhere, as the applicant described it in 申报信息
/// (`原证书编号 …，…授予`); `None` for other kinds.
async fn original_of(db: &Db, app: &applications::ApplicationRow) -> ServiceResult<Option<String>> {
    use zc_domain::application::{ApplicationKind, sections::PartData};
    if app.kind != ApplicationKind::Reconfirmation {
        return Ok(None);
    }
    let parts = crate::application_parts::dossier(db, app).await?;
    let Some(PartData::Single(v)) = parts.get("rf_info") else {
        return Ok(None);
    };
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    Ok(Some(format!(
        "原证书编号 {}，{}，{}授予",
        get("original_cert_no"),
        get("original_title"),
        get("original_issuer")
    )))
}

/// 发文确认并发证: confirms a dossier waiting for confirmation at this 职改办 and issues
/// its certificate with a number in `pattern`.
#[tracing::instrument(skip_all)]
pub async fn confirm_and_issue(
    db: &Db,
    actor: Actor<'_>,
    application_id: i64,
    doc_number: &str,
    pattern: &str,
    signer: &crate::certificate_signing::CertificateSigner,
) -> ServiceResult<Issued> {
    check_doc_number(doc_number)?;
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let desk = Desk::of(db, staff_id).await?;
    let Desk::Office(office_id) = desk else {
        return Err(ServiceError::NotFound);
    };
    let app = in_scope(db, desk, application_id).await?;
    let applicant = zc_db::applicants::find(db, app.applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let unit_name = zc_db::reference::org_name(db, "unit", app.unit_id)
        .await?
        .unwrap_or_default();
    let office_name = app.office_name.clone();
    let already = || {
        ServiceError::refused(
            "already_decided",
            "该申报不在待发文确认状态，可能已由其他工作人员办理，请刷新后查看",
        )
    };
    let today = db.today();
    let year = today.year();
    let token = format!("{:032x}", rand::random::<u128>());
    let doc = doc_number.trim();

    if app.status != ApplicationStatus::AwaitingConfirmation {
        return Err(already());
    }
    // 遗失补办: the new certificate names the voided one, which points back at it.
    let replaced = crate::replacement::replaced_of(db, &app).await?;
    // 审验: the certificate comes online with its own number, date and 取得方式.
    let historic = crate::verification::digitised(db, &app).await?;
    let original_ref = match (&replaced, &historic) {
        (Some((line, _)), _) => Some(line.clone()),
        (_, Some(h)) => Some(h.line.clone()),
        _ => original_of(db, &app).await?,
    };
    if let Some(h) = &historic
        && zc_db::certificates::by_number(db, &h.number)
            .await?
            .is_some()
    {
        return Err(ServiceError::refused(
            "number_taken",
            format!("证书编号 {} 已在平台登记，不能重复归集", h.number),
        ));
    }
    let mut tx = db.begin_write().await?;
    // Compare-and-set: of two staff confirming at once, exactly one moves it.
    let confirm = Change {
        event: Event::Confirm,
        party: Party::Office,
        actor_id: Some(staff_id),
        step: "发文确认",
        org_name: &office_name,
        opinion: doc,
        notice: Notice::Silent,
    };
    if status_change::apply(&mut tx, &app, &confirm)
        .await?
        .is_err()
    {
        return Err(already());
    }
    let (number, year, seq) = match &historic {
        // Historic numbers take no place in the office's sequence: the dossier's id,
        // negated, keeps (office, year, seq) unique without using up a number.
        Some(h) => (h.number.clone(), h.issued_on.year(), -app.id),
        None => {
            let seq = zc_db::certificates::next_seq(&mut tx, office_id, year).await?;
            let number = format(
                pattern,
                NumberParts {
                    year,
                    series: app.series_id,
                    level: app.level_rank,
                    office: office_id,
                    seq,
                },
            )
            .map_err(|e| ServiceError::refused("number_format", e.to_string()))?;
            (number, year, seq)
        }
    };
    let mut new = NewCertificate {
        number: &number,
        office_id,
        year,
        seq,
        application_id: Some(app.id),
        holder_id: app.applicant_id,
        holder_name: &applicant.name,
        id_number_masked: &applicant.id_number_masked,
        unit_name: &unit_name,
        series_name: &app.series_name,
        level_rank: app.level_rank,
        title_name: &app.title_name,
        committee_name: historic.as_ref().map_or_else(
            || app.committee_name.as_deref().unwrap_or(&office_name),
            |h| h.issuer.as_str(),
        ),
        way: historic
            .as_ref()
            .map_or(app.kind.name(), |h| h.way.as_str()),
        doc_number: doc,
        issued_on: historic.as_ref().map_or(today, |h| h.issued_on),
        token: &token,
        original_ref: original_ref.as_deref(),
        source: if historic.is_some() {
            zc_domain::certificate::CertificateSource::Verified
        } else {
            zc_domain::certificate::CertificateSource::New
        },
        seal: None,
    };
    let seal = signer.seal(&crate::certificate_signing::claims_of_new(
        &new,
        &office_name,
    ));
    new.seal = Some(&seal);
    let id = zc_db::certificates::insert(&mut tx, &new).await?;
    if let Some((_, Some(voided))) = replaced {
        zc_db::certificates::set_replaced_by(&mut tx, voided, &number).await?;
    }
    let issued_as = format!("证书编号 {number}");
    let told = format!("证书编号 {number}，文号 {doc}");
    let issue = Change {
        event: Event::IssueCertificate,
        party: Party::Office,
        actor_id: Some(staff_id),
        step: "发文确认",
        org_name: &office_name,
        opinion: &issued_as,
        notice: Notice::Titled {
            title: "已发证",
            opinion: &told,
        },
    };
    status_change::apply(&mut tx, &app, &issue)
        .await?
        .map_err(|_| already())?;
    let object = format!("certificate:{id}");
    let detail = format!("申报 #{}；证书编号 {number}；文号 {doc}", app.id);
    zc_db::audit::record_in(&mut tx, &actor.event("certificate.issue", &object, &detail)).await?;
    tx.commit().await?;
    Ok(Issued { id, number })
}

/// How a certificate was looked up on the public page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// 证书编号 + 姓名.
    NumberAndName(&'a str, &'a str),
    /// The QR code's token.
    Token(&'a str),
}

/// A public verification: the certificate if found, counted as one view.
#[tracing::instrument(skip_all)]
pub async fn verify(db: &Db, lookup: Lookup<'_>) -> ServiceResult<Option<CertificateRow>> {
    let (found, channel) = match lookup {
        Lookup::NumberAndName(number, name) => (
            zc_db::certificates::by_number_and_name(db, number, name).await?,
            "number",
        ),
        Lookup::Token(token) => (zc_db::certificates::by_token(db, token).await?, "token"),
    };
    let Some(mut cert) = found else {
        return Ok(None);
    };
    let mut tx = db.begin_write().await?;
    zc_db::certificates::record_view(&mut tx, cert.id, channel).await?;
    tx.commit().await?;
    cert.view_count += 1;
    Ok(Some(cert))
}

/// A holder's own certificate; anyone else's is "not found".
#[tracing::instrument(skip_all)]
pub async fn of_holder(db: &Db, holder_id: i64, id: i64) -> ServiceResult<CertificateRow> {
    zc_db::certificates::find(db, id)
        .await?
        .filter(|c| c.holder_id == holder_id)
        .ok_or(ServiceError::NotFound)
}

/// 撤销: the issuing 职改办 revokes a certificate (e.g. fraud found later), with a reason;
/// the public page shows it as revoked at once.
#[tracing::instrument(skip_all)]
pub async fn revoke(db: &Db, actor: Actor<'_>, id: i64, reason: &str) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let Desk::Office(office_id) = Desk::of(db, staff_id).await? else {
        return Err(ServiceError::NotFound);
    };
    let cert = zc_db::certificates::find(db, id)
        .await?
        .filter(|c| c.office_id == office_id)
        .ok_or(ServiceError::NotFound)?;
    // Checked after the scope, so another office learns nothing from the answer.
    if reason.trim().chars().count() < 5 {
        return Err(FieldErrors::one("reason", "请写明撤销的原因（至少5个字）"));
    }
    let mut tx = db.begin_write().await?;
    if !zc_db::certificates::set_status(
        &mut tx,
        id,
        zc_domain::certificate::CertificateStatus::Revoked,
    )
    .await?
    {
        return Err(ServiceError::refused("not_valid", "该证书已作废或已撤销"));
    }
    if let Some(app_id) = cert.application_id {
        let app = applications::find(&mut tx, app_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // A certificate issued before the dossier reached 已发证 (none today) has no move to
        // make; the certificate's own status is what the public sees.
        let revoke = Change {
            event: Event::Revoke,
            party: Party::Office,
            actor_id: Some(staff_id),
            step: "证书管理",
            org_name: &app.office_name,
            opinion: reason.trim(),
            notice: Notice::Titled {
                title: "证书撤销",
                opinion: reason,
            },
        };
        let _ = status_change::apply(&mut tx, &app, &revoke).await?;
    }
    let object = format!("certificate:{id}");
    let detail = format!("{}：{}", cert.number, reason.trim());
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("certificate.revoke", &object, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
