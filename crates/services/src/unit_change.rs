//! 单位信息变更 — a unit's administrator asks to change the unit's registered name, type,
//! place, address or contact, with a reason; the office that reviews the unit's
//! registrations approves (the unit row changes in the same transaction) or refuses with
//! a reason. The credit code and the reviewing office do not change this way. Every step
//! is audited and the unit's staff are told of the decision.

use zc_db::{Db, accounts, unit_changes, units};
use zc_domain::Role;

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::Actor,
    pii::PiiVault,
    units::{UnitRegistration, check_unit_details, checked_or_refused, unit_of_admin},
};

/// The requested details as typed.
#[derive(Debug, Clone, Default)]
pub struct ChangeInput {
    pub name: String,
    pub kind: String,
    pub region_code: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub reason: String,
}

/// Asks for a change of the administrator's unit; the request's id.
#[tracing::instrument(skip_all)]
pub async fn request(
    db: &Db,
    vault: &PiiVault,
    actor: Actor<'_>,
    input: &ChangeInput,
) -> ServiceResult<i64> {
    let admin_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let unit_id = unit_of_admin(db, admin_id, "只有单位管理员可以申请变更单位信息").await?;
    let unit = units::find(db, unit_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !unit.status.open_to_applicants() {
        // Until the registration is approved, its own correction path applies.
        return Err(ServiceError::refused(
            "unit_change_unapproved",
            "单位注册尚未审核通过，暂不能申请变更；被退回的注册请在首页按退回意见修改后重新提交",
        ));
    }
    let mut errors = FieldErrors::default();
    // The same checks as registration; the credit code and office stay as they are.
    let typed = UnitRegistration {
        name: input.name.clone(),
        credit_code: unit.credit_code.clone(),
        kind: input.kind.clone(),
        region_code: input.region_code.clone(),
        office_id: unit.office_id.to_string(),
        address: input.address.clone(),
        contact_name: input.contact_name.clone(),
        contact_phone: input.contact_phone.clone(),
        ..UnitRegistration::default()
    };
    let checked = check_unit_details(db, &typed, true, &mut errors).await?;
    let reason = input.reason.trim();
    if !(5..=300).contains(&reason.chars().count()) {
        errors.add(
            "reason",
            "请写明变更原因（5至300个字），如“单位更名，已换发营业执照”",
        );
    }
    let checked = checked_or_refused(checked, errors)?;
    let contact = checked.contact(vault);
    let row = checked.row(&typed, &contact, None);
    let unchanged = row.name == unit.name
        && row.kind == unit.kind
        && row.region_code == unit.region_code
        && row.address == unit.address
        && row.contact_name == unit.contact_name
        && contact.1 == unit.contact_phone_masked
        && units::contact_phone_sealed(db, unit_id)
            .await?
            .and_then(|s| vault.open(&s).ok())
            .is_some_and(|p| p == checked.phone.as_str());
    if unchanged {
        return Err(ServiceError::refused(
            "unit_change_nothing",
            "您没有修改任何信息，无需提交变更申请",
        ));
    }
    let mut tx = db.begin_write().await?;
    let Some(id) = unit_changes::insert(
        &mut tx,
        &unit_changes::NewChange {
            unit_id,
            office_id: unit.office_id,
            requested_by: admin_id,
            name: row.name,
            kind: row.kind,
            region_code: row.region_code,
            address: row.address,
            contact_name: row.contact_name,
            contact_phone_sealed: &contact.0,
            contact_phone_masked: &contact.1,
            reason,
        },
    )
    .await?
    else {
        return Err(ServiceError::refused(
            "unit_change_waiting",
            "本单位已有一份变更申请正在审核，请等待审核结果后再提交",
        ));
    };
    let object = format!("unit_change:{id}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("unit_change.request", &object, reason),
    )
    .await?;
    let title = format!("单位信息变更待审核：{}", unit.name);
    let link = format!("/office/unit-changes/{id}");
    for staff in zc_db::messages::staff_of(
        &mut tx,
        "office",
        unit.office_id,
        &["office_staff", "department_staff"],
    )
    .await?
    {
        zc_db::messages::insert_in(&mut tx, staff, &title, reason, &link).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The request, if the staff member's office reviews it.
#[tracing::instrument(skip_all)]
pub async fn for_reviewer(
    db: &Db,
    staff_id: i64,
    id: i64,
) -> ServiceResult<unit_changes::ChangeRow> {
    let office_id = reviewing_office(db, staff_id).await?;
    unit_changes::find(db, id)
        .await?
        .filter(|c| c.office_id == office_id)
        .ok_or(ServiceError::NotFound)
}

/// The office whose unit registrations the staff member reviews.
pub(crate) async fn reviewing_office(db: &Db, staff_id: i64) -> ServiceResult<i64> {
    let staff = accounts::find(db, staff_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let reviews = matches!(
        Role::from_code(&staff.role),
        Some(Role::OfficeStaff | Role::DepartmentStaff)
    ) && staff.org_kind.as_deref() == Some("office");
    staff
        .org_id
        .filter(|_| reviews)
        .ok_or(ServiceError::NotFound)
}

/// Approves (`note` optional) or refuses (`note` required) a waiting request.
#[tracing::instrument(skip_all)]
pub async fn decide(
    db: &Db,
    actor: Actor<'_>,
    id: i64,
    approve: bool,
    note: &str,
) -> ServiceResult<()> {
    let staff_id = actor.account_id.ok_or(ServiceError::NotFound)?;
    let change = for_reviewer(db, staff_id, id).await?;
    let note = note.trim();
    if !approve && note.chars().count() < 5 {
        return Err(FieldErrors::one(
            "note",
            "请写明不予变更的原因（至少5个字），单位将据此处理",
        ));
    }
    if note.chars().count() > 300 {
        return Err(FieldErrors::one("note", "审核意见不能超过300个字"));
    }
    let mut tx = db.begin_write().await?;
    if !unit_changes::decide(&mut tx, id, approve, note, staff_id).await? {
        return Err(ServiceError::refused(
            "unit_change_decided",
            "这份变更申请已由其他工作人员处理，请刷新后查看",
        ));
    }
    if approve {
        unit_changes::apply(&mut tx, &change).await?;
    }
    let (action, verdict) = if approve {
        ("unit_change.approve", "已通过")
    } else {
        ("unit_change.refuse", "未通过")
    };
    let object = format!("unit_change:{id}");
    let detail = format!("{} → {}；{note}", change.current_name, change.name);
    zc_db::audit::record_in(&mut tx, &actor.event(action, &object, &detail)).await?;
    let title = format!("单位信息变更{verdict}");
    let body = if note.is_empty() {
        format!("您单位提交的信息变更申请{verdict}。")
    } else {
        format!("您单位提交的信息变更申请{verdict}。审核意见：{note}")
    };
    for staff in zc_db::messages::staff_of(
        &mut tx,
        "unit",
        change.unit_id,
        &["unit_admin", "unit_reviewer"],
    )
    .await?
    {
        zc_db::messages::insert_in(&mut tx, staff, &title, &body, "/unit/info").await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The unit of a unit staff member as the 单位信息 page shows it, and, for its
/// administrator, the change form filled with the current details (the contact phone
/// opened, as it is their own unit's); `None` for a reviewer, who may only read.
#[tracing::instrument(skip_all)]
pub async fn unit_page(
    db: &Db,
    vault: &PiiVault,
    staff_id: i64,
) -> ServiceResult<(units::UnitRow, Option<ChangeInput>)> {
    let staff = accounts::find(db, staff_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let unit_id = staff
        .org_id
        .filter(|_| staff.org_kind.as_deref() == Some("unit"))
        .ok_or(ServiceError::NotFound)?;
    let unit = units::find(db, unit_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if staff.role != Role::UnitAdmin.code() {
        return Ok((unit, None));
    }
    let phone = match units::contact_phone_sealed(db, unit_id).await? {
        Some(sealed) if !sealed.is_empty() => vault.open(&sealed)?,
        _ => String::new(),
    };
    let form = ChangeInput {
        name: unit.name.clone(),
        kind: unit.kind.clone(),
        region_code: unit.region_code.clone(),
        address: unit.address.clone(),
        contact_name: unit.contact_name.clone(),
        contact_phone: phone,
        reason: String::new(),
    };
    Ok((unit, Some(form)))
}
