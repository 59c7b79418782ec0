//! 所在单位 — an applicant chooses the approved unit they work for (or the floating-
//! personnel office, for people without an employer).

use zc_db::{Db, applicants, audit::AuditEvent, reference};
use zc_domain::Role;

use crate::{ServiceError, ServiceResult};

/// Sets the applicant's unit; only approved units may be chosen. Returns the unit name.
#[tracing::instrument(skip_all)]
pub async fn choose_unit(
    db: &Db,
    account_id: i64,
    unit_id: i64,
    ip: &str,
) -> ServiceResult<String> {
    let Some(name) = reference::approved_unit_name(db, unit_id).await? else {
        return Err(ServiceError::refused(
            "unit_not_approved",
            "该单位不存在或尚未通过审核，请重新选择；如单位未注册，请先请单位完成注册",
        ));
    };
    if applicants::find(db, account_id).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.begin_write().await?;
    applicants::set_unit(&mut tx, account_id, unit_id).await?;
    let object = format!("account:{account_id}");
    let detail = format!("选择所在单位：{name}");
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(account_id),
            actor_role: Some(Role::Applicant.code()),
            action: "applicant.unit",
            object: &object,
            result: "ok",
            detail: &detail,
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(name)
}
