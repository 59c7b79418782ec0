//! 文书下载 — the PDFs people download: an application's 申报表 (评审表, 认定表 … by
//! kind) and a certificate. Each is laid out from the platform's records when asked, on a
//! blocking thread so layout never stalls the server, and every download is audited.
//! Who may download what is the caller's check, the same as for the dossier's pictures.

use zc_storage::Storage;

use zc_db::{Db, applications::ApplicationRow, certificates::CertificateRow};
use zc_docs::pdf::{
    PdfError,
    certificate::{CertificateDoc, Seal},
    form::{FormDoc, FormSection, paragraphs_of},
};
use zc_domain::{
    application::sections::{PartData, PartShape, sections_for},
    level::TitleLevel,
};

use crate::{ServiceError, ServiceResult, accounts::Actor};

/// A file to send.
#[derive(Debug, Clone)]
pub struct Document {
    /// ASCII file name for `Content-Disposition`.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn refused(e: PdfError) -> ServiceError {
    ServiceError::refused("document", e.to_string())
}

fn china_date(d: chrono::NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// The bytes of an application's confirmed 2-inch photo, if it has one. A photo the store
/// has lost prints without it; a store that does not answer is a fault.
async fn photo_of(
    db: &Db,
    storage: &Storage,
    application_id: i64,
) -> ServiceResult<Option<Vec<u8>>> {
    let files = zc_db::application_files::for_application(db, application_id).await?;
    let Some(file) = files.iter().find(|f| f.slot == "photo" && f.confirmed) else {
        return Ok(None);
    };
    Ok(storage
        .get(&file.file_key)
        .await
        .map_err(anyhow::Error::from)?)
}

/// The dossier's sections as the form prints them.
async fn sections(db: &Db, app: &ApplicationRow) -> ServiceResult<Vec<FormSection>> {
    let dossier = crate::application_parts::dossier(db, app).await?;
    let mut out = Vec::new();
    for part in sections_for(app.kind).iter().flat_map(|s| s.parts.iter()) {
        let title = part.title.to_string();
        let data = dossier.get(part.code).cloned().unwrap_or_default();
        out.push(match (part.shape, data) {
            (PartShape::Summary, PartData::Summary { html, .. }) => FormSection::Text {
                title,
                paragraphs: paragraphs_of(&html),
            },
            (PartShape::Summary, _) => FormSection::Text {
                title,
                paragraphs: Vec::new(),
            },
            (PartShape::Rows { .. }, data) => FormSection::Table {
                title,
                headers: part.fields.iter().map(|f| f.label.to_string()).collect(),
                rows: match data {
                    PartData::Rows(rows) => rows
                        .iter()
                        .map(|r| {
                            part.fields
                                .iter()
                                .map(|f| r.get(f.key).cloned().unwrap_or_default())
                                .collect()
                        })
                        .collect(),
                    _ => Vec::new(),
                },
            },
            (PartShape::Single, data) => FormSection::Pairs {
                title,
                pairs: part
                    .fields
                    .iter()
                    .map(|f| {
                        let value = match &data {
                            PartData::Single(v) => v.get(f.key).cloned().unwrap_or_default(),
                            _ => String::new(),
                        };
                        (f.label.to_string(), value)
                    })
                    .collect(),
            },
        });
    }
    Ok(out)
}

/// The 申报表 of an application as a PDF, audited as downloaded by `actor`.
#[tracing::instrument(skip_all)]
pub async fn application_form(
    db: &Db,
    actor: Actor<'_>,
    storage: &Storage,
    app: &ApplicationRow,
) -> ServiceResult<Document> {
    let bytes = form_pdf(db, storage, app).await?;
    let object = format!("application:{}", app.id);
    zc_db::audit::record(
        db,
        &actor.event("document.download", &object, app.kind.form_title()),
    )
    .await?;
    Ok(Document {
        file_name: format!("shenbaobiao-{}.pdf", app.id),
        bytes,
    })
}

/// The 申报表 PDF itself; the caller audits (a download) or bundles (a meeting's files).
#[tracing::instrument(skip_all)]
pub async fn form_pdf(db: &Db, storage: &Storage, app: &ApplicationRow) -> ServiceResult<Vec<u8>> {
    let applicant = zc_db::applicants::find(db, app.applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let unit = zc_db::reference::org_name(db, "unit", app.unit_id)
        .await?
        .unwrap_or_default();
    let level = TitleLevel::from_rank(app.level_rank).map_or("", TitleLevel::name);
    let mut head = vec![
        ("姓名".to_string(), applicant.name.clone()),
        ("证件号码".to_string(), applicant.id_number_masked.clone()),
        ("工作单位".to_string(), unit),
        ("申报类型".to_string(), app.kind.name().to_string()),
        (
            "申报资格".to_string(),
            format!("{} · {}（{level}）", app.series_name, app.title_name),
        ),
        ("申报年度".to_string(), app.year.to_string()),
    ];
    if let Some(c) = &app.committee_name {
        head.push(("评审委员会".to_string(), c.clone()));
    }
    head.push(("受理职改办".to_string(), app.office_name.clone()));
    head.push(("当前状态".to_string(), app.status.label().to_string()));
    if let Some(at) = app.submitted_at {
        head.push((
            "报送时间".to_string(),
            zc_domain::calendar::format_china_time(at),
        ));
    }
    let photo = photo_of(db, storage, app.id).await?;
    let sections = sections(db, app).await?;
    let generated_on = china_date(db.today());
    let (id, kind) = (app.id, app.kind);
    let bytes = tokio::task::spawn_blocking(move || {
        zc_docs::pdf::form::form(&FormDoc {
            title: kind.form_title(),
            copy_no: format!("{id:06}"),
            head,
            sections,
            photo: photo.as_deref(),
            signatures: kind
                .signature_boxes()
                .into_iter()
                .map(str::to_string)
                .collect(),
            generated_on: &generated_on,
        })
    })
    .await
    .map_err(|e| ServiceError::Internal(anyhow::anyhow!(e)))?
    .map_err(refused)?;
    Ok(bytes)
}

/// The office's own seal picture, `seals/office-<id>.png` (or `.jpg`) among the stored
/// files; `None` draws the demo seal.
async fn seal_of(storage: &Storage, office_id: i64) -> ServiceResult<Option<Vec<u8>>> {
    for ext in ["png", "jpg"] {
        let key = format!("seals/office-{office_id}.{ext}");
        if let Some(bytes) = storage.get(&key).await.map_err(anyhow::Error::from)? {
            return Ok(Some(bytes));
        }
    }
    Ok(None)
}

/// A certificate as a PDF with its photo, seal and sealed QR code, audited as downloaded.
/// `verify_url` is the online check's address for this certificate.
#[tracing::instrument(skip_all)]
pub async fn certificate(
    db: &Db,
    actor: Actor<'_>,
    storage: &Storage,
    cert: &CertificateRow,
    verify_url: &str,
) -> ServiceResult<Document> {
    let office = zc_db::reference::org_name(db, "office", cert.office_id)
        .await?
        .unwrap_or_default();
    let photo = match cert.application_id {
        Some(app) => photo_of(db, storage, app).await?,
        None => None,
    };
    let seal = seal_of(storage, cert.office_id).await?;
    let qr_text = cert.seal.as_deref().map_or_else(
        || verify_url.to_string(),
        |s| zc_domain::certificate_seal::qr_text(verify_url, s),
    );
    let qr_svg = zc_docs::qr::svg(&qr_text, 240)
        .ok_or_else(|| ServiceError::refused("document", "证书二维码内容过长，无法生成证书文件"))?;
    let level = TitleLevel::from_rank(cert.level_rank).map_or("", TitleLevel::name);
    let cert = cert.clone();
    let verify_url = verify_url.to_string();
    let bytes = tokio::task::spawn_blocking(move || {
        let status_note = if cert.status.is_valid() {
            String::new()
        } else {
            format!("该证书{}", cert.status.name())
        };
        zc_docs::pdf::certificate::certificate(&CertificateDoc {
            number: &cert.number,
            holder_name: &cert.holder_name,
            id_number_masked: &cert.id_number_masked,
            unit_name: &cert.unit_name,
            series_name: &cert.series_name,
            qualification: &format!("{}（{level}）", cert.title_name),
            way: &cert.way,
            committee_name: &cert.committee_name,
            doc_number: &cert.doc_number,
            issued_on: &china_date(cert.issued_on),
            office_name: &office,
            status_note: &status_note,
            photo: photo.as_deref(),
            seal: seal.as_deref().map_or(Seal::Drawn, Seal::Image),
            qr_svg: &qr_svg,
            verify_url: &verify_url,
        })
        .map(|bytes| (bytes, cert.id))
    })
    .await
    .map_err(|e| ServiceError::Internal(anyhow::anyhow!(e)))?
    .map_err(refused)?;
    let (bytes, id) = bytes;
    let object = format!("certificate:{id}");
    zc_db::audit::record(db, &actor.event("document.download", &object, "证书")).await?;
    Ok(Document {
        file_name: format!("zhengshu-{id}.pdf"),
        bytes,
    })
}

/// What a 公示表 says around its rows.
#[derive(Debug, Clone)]
pub struct SheetText {
    /// `单位内部公示表`, `评审结果公示表` …
    pub title: String,
    /// The sentence above the table.
    pub intro: String,
    /// Where to object, below it.
    pub closing: String,
    /// Who publishes it (signed under the table).
    pub issuer: String,
}

/// A 公示表 to print and post, as a PDF: `rows` under `headers`, audited as downloaded.
/// `object` names what it lists for the audit log (`unit:7`).
#[tracing::instrument(skip_all)]
pub async fn publicity_sheet(
    db: &Db,
    actor: Actor<'_>,
    object: &str,
    text: SheetText,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
) -> ServiceResult<Document> {
    let date = china_date(db.today());
    let title = text.title.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        zc_docs::pdf::roster::roster(&zc_docs::pdf::roster::RosterDoc {
            title: &text.title,
            intro: vec![text.intro],
            headers,
            rows,
            closing: vec![text.closing],
            issuer: &text.issuer,
            date: &date,
            landscape: false,
        })
    })
    .await
    .map_err(|e| ServiceError::Internal(anyhow::anyhow!(e)))?
    .map_err(refused)?;
    zc_db::audit::record(db, &actor.event("document.download", object, &title)).await?;
    Ok(Document {
        file_name: "gongshibiao.pdf".into(),
        bytes,
    })
}
