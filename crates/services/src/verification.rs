//! 审验 — who verifies a historic certificate (高级: the 自治区职改办; 中初级: the office
//! named as its 批准机关), the check that it is not on the platform already, and the
//! certificate it becomes once verified: its own number, 来源 审验归集.

use chrono::NaiveDate;
use zc_db::{Db, applications::ApplicationRow};
use zc_domain::application::{
    ApplicationKind,
    replacement::SENIOR_RANK,
    sections::{PartData, Values},
    verification::{INFO_PART, SENIOR_OFFICE_KIND, source_line},
};

use crate::{ServiceResult, application_parts};

/// Whether `office_id` may verify a certificate of this level: 高级 only at the
/// 自治区职改办.
#[tracing::instrument(skip_all)]
pub async fn check_route(db: &Db, office_id: i64, level_rank: i32) -> ServiceResult<()> {
    if level_rank < SENIOR_RANK {
        return Ok(());
    }
    let offices = zc_db::reference::offices(db).await?;
    if offices
        .iter()
        .any(|o| o.id == office_id && o.kind == SENIOR_OFFICE_KIND)
    {
        return Ok(());
    }
    let region = offices
        .iter()
        .find(|o| o.kind == SENIOR_OFFICE_KIND)
        .map_or("自治区职改办", |o| o.name.as_str());
    Err(crate::FieldErrors::one(
        "office",
        format!("高级职称证书由自治区职改办审验，请选择：{region}"),
    ))
}

fn info_of(parts: &std::collections::BTreeMap<String, PartData>) -> Values {
    match parts.get(INFO_PART) {
        Some(PartData::Single(v)) => v.clone(),
        _ => Values::new(),
    }
}

/// Why a 审验 cannot be sent: its number is already a certificate on the platform;
/// `None` for other kinds.
#[tracing::instrument(skip_all)]
pub async fn submission_gate(db: &Db, app: &ApplicationRow) -> ServiceResult<Option<String>> {
    if app.kind != ApplicationKind::Verification {
        return Ok(None);
    }
    let info = info_of(&application_parts::load(db, app.id).await?);
    let Some(number) = info.get("original_cert_no").filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    Ok(zc_db::certificates::by_number(db, number)
        .await?
        .map(|_| format!("证书编号 {number} 已在平台登记，无需审验；可在证书管理或证书查验中查看")))
}

/// A verified certificate as it is brought online.
#[derive(Debug, Clone)]
pub struct Digitised {
    pub number: String,
    pub way: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub line: String,
}

/// The certificate a 审验 dossier describes (from its frozen 证书信息); `None` for other
/// kinds.
#[tracing::instrument(skip_all)]
pub async fn digitised(db: &Db, app: &ApplicationRow) -> ServiceResult<Option<Digitised>> {
    if app.kind != ApplicationKind::Verification {
        return Ok(None);
    }
    let info = info_of(&application_parts::dossier(db, app).await?);
    let get = |k: &str| info.get(k).cloned().unwrap_or_default();
    let obtained = get("original_obtained");
    let issued_on = NaiveDate::parse_from_str(&format!("{obtained}-01"), "%Y-%m-%d")
        .map_err(|e| anyhow::anyhow!("审验 #{}: 授予时间 {obtained:?}: {e}", app.id))?;
    Ok(Some(Digitised {
        number: get("original_cert_no"),
        way: get("original_way"),
        issuer: get("original_issuer"),
        issued_on,
        line: source_line(&get("original_issuer"), &obtained),
    }))
}
