//! 单位重新提交 — a unit whose registration was returned corrects it and submits it again;
//! it goes back to the same kind of queue with a fresh 3-working-day clock.

use zc_db::{Db, units};
use zc_domain::Role;

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    pii::PiiVault,
    units::{
        UnitRegistration, check_unit_details, checked_or_refused, credit_code_taken, unit_of_admin,
    },
};

const ONLY_ADMIN: &str = "只有本单位管理员可以修改注册信息";

/// The returned unit of an administrator with its details as a form to correct, or a
/// refusal when there is nothing to correct.
#[tracing::instrument(skip_all)]
pub async fn correction_form(
    db: &Db,
    vault: &PiiVault,
    admin_id: i64,
) -> ServiceResult<(units::UnitRow, UnitRegistration)> {
    let unit_id = unit_of_admin(db, admin_id, ONLY_ADMIN).await?;
    let unit = units::find(db, unit_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !unit.status.may_resubmit() {
        return Err(ServiceError::refused(
            "not_returned",
            "本单位的注册信息没有被退回，无需重新提交",
        ));
    }
    let phone = match units::contact_phone_sealed(db, unit_id).await? {
        Some(sealed) => vault.open(&sealed)?,
        None => String::new(),
    };
    let form = UnitRegistration {
        name: unit.name.clone(),
        credit_code: unit.credit_code.clone(),
        kind: unit.kind.clone(),
        region_code: unit.region_code.clone(),
        office_id: unit.office_id.to_string(),
        address: unit.address.clone(),
        contact_name: unit.contact_name.clone(),
        contact_phone: phone,
        ..UnitRegistration::default()
    };
    Ok((unit, form))
}

/// Resubmits a returned registration with corrected details; a new licence photo is
/// optional (the old one stays). One transaction with its audit event.
#[tracing::instrument(skip_all)]
pub async fn resubmit_unit(
    db: &Db,
    vault: &PiiVault,
    actor: Actor<'_>,
    input: &UnitRegistration,
    new_licence_key: Option<&str>,
) -> ServiceResult<()> {
    let admin_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    if actor.role != Some(Role::UnitAdmin) {
        return Err(ServiceError::refused("forbidden", ONLY_ADMIN));
    }
    let unit_id = unit_of_admin(db, admin_id, ONLY_ADMIN).await?;
    let current = units::find(db, unit_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut errors = FieldErrors::default();
    let has_licence = new_licence_key.is_some() || current.licence_key.is_some();
    let checked = check_unit_details(db, input, has_licence, &mut errors).await?;
    let checked = checked_or_refused(checked, errors)?;
    let mut tx = db.begin_write().await?;
    let contact = checked.contact(vault);
    let corrected = checked.row(input, &contact, new_licence_key);
    match units::resubmit(&mut tx, unit_id, &corrected).await {
        Ok(true) => {}
        Ok(false) => {
            return Err(ServiceError::refused(
                "not_returned",
                "本单位的注册信息没有被退回，无需重新提交",
            ));
        }
        Err(e) if e.is_unique_violation() => return Err(credit_code_taken()),
        Err(e) => return Err(e.into()),
    }
    let object = format!("unit:{unit_id}");
    let detail = format!(
        "单位修改后重新提交：{}，报送{}（上次退回原因：{}）",
        corrected.name, checked.office_name, current.review_note
    );
    zc_db::audit::record_in(&mut tx, &actor.event("unit.resubmit", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}
