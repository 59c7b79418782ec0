//! 退回理由模板 — each unit and office keeps the return reasons it writes again and again
//! ("学历证书扫描件不清晰，请重新上传"), optionally tied to one section, so that a
//! reviewer picks one instead of typing it. The templates are the organisation's own:
//! nobody sees or removes another organisation's.

use zc_db::{Db, return_templates::TemplateRow};
use zc_domain::application::sections::section;

use crate::{FieldErrors, ServiceError, ServiceResult, accounts::Actor};

/// Whose templates: `("unit", id)` or `("office", id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateOwner {
    pub kind: &'static str,
    pub id: i64,
}

impl TemplateOwner {
    /// The organisation of a staff account, if it reviews dossiers.
    pub async fn of(db: &Db, staff_id: i64) -> ServiceResult<TemplateOwner> {
        let staff = zc_db::accounts::find(db, staff_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let kind = match staff.org_kind.as_deref() {
            Some("unit") => "unit",
            Some("office") => "office",
            _ => return Err(ServiceError::NotFound),
        };
        Ok(TemplateOwner {
            kind,
            id: staff.org_id.ok_or(ServiceError::NotFound)?,
        })
    }
}

/// The owner's templates.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, owner: TemplateOwner) -> ServiceResult<Vec<TemplateRow>> {
    Ok(zc_db::return_templates::for_org(db, owner.kind, owner.id).await?)
}

/// The templates that fit a section: those tied to it and those for any section.
pub fn for_section<'a>(all: &'a [TemplateRow], code: &str) -> Vec<&'a TemplateRow> {
    all.iter()
        .filter(|t| t.section.is_empty() || t.section == code)
        .collect()
}

/// Adds a template (at least 5 and at most 200 characters; `section` empty or a real one).
#[tracing::instrument(skip_all)]
pub async fn add(
    db: &Db,
    actor: Actor<'_>,
    owner: TemplateOwner,
    section_code: &str,
    body: &str,
) -> ServiceResult<i64> {
    let body = body.trim();
    let mut errors = FieldErrors::default();
    if !section_code.is_empty() && section(section_code).is_none() {
        errors.add("section", "请选择适用的栏目");
    }
    match body.chars().count() {
        0..5 => errors.add("body", "请填写退回理由（至少5个字）"),
        201.. => errors.add("body", "退回理由不能超过200个字"),
        _ => {}
    }
    errors.into_result()?;
    let mut tx = db.begin_write().await?;
    let id =
        zc_db::return_templates::insert(&mut tx, owner.kind, owner.id, section_code, body).await?;
    let object = format!("return_template:{id}");
    zc_db::audit::record_in(&mut tx, &actor.event("return_template.add", &object, body)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes one of the owner's templates; another's id is "not found".
#[tracing::instrument(skip_all)]
pub async fn remove(db: &Db, actor: Actor<'_>, owner: TemplateOwner, id: i64) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    if !zc_db::return_templates::delete(&mut tx, owner.kind, owner.id, id).await? {
        return Err(ServiceError::NotFound);
    }
    let object = format!("return_template:{id}");
    zc_db::audit::record_in(&mut tx, &actor.event("return_template.remove", &object, "")).await?;
    tx.commit().await?;
    Ok(())
}
