//! 单位注册与审核 — a unit registers itself with its first (administrator) account, the
//! 职改办 or 主管部门 it reports to approves or returns it within 3 working days, and the
//! unit's administrator manages its staff accounts.

use chrono::NaiveDate;
use zc_db::{Db, accounts, audit::AuditEvent, units};
use zc_domain::{
    CountFrom, Role, WorkingCalendar, credit_code::CreditCode, mask::mask_phone,
    password::check_password, phone::Phone, unit_registration::UnitStatus,
};

use crate::{
    FieldErrors, ServiceError, ServiceResult, accounts::Actor, password_hash, pii::PiiVault,
};

/// 单位类型 offered in the form.
pub const UNIT_KINDS: [&str; 4] = ["企业", "事业单位", "机关", "社会组织"];

/// Working days an office has to review a registration.
pub const REVIEW_WORKING_DAYS: u32 = 3;

/// The registration form as typed.
#[derive(Debug, Clone, Default)]
pub struct UnitRegistration {
    pub name: String,
    pub credit_code: String,
    pub kind: String,
    pub region_code: String,
    pub office_id: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub admin_login: String,
    pub admin_name: String,
    pub password: String,
    pub password_confirm: String,
}

/// What a registration produced.
#[derive(Debug, Clone)]
pub struct Registered {
    pub unit_id: i64,
    pub admin_id: i64,
    /// False when the credit code failed its checksum and waits for manual review.
    pub credit_code_checked: bool,
}

fn login_ok(login: &str) -> bool {
    (3..=64).contains(&login.chars().count())
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.@-".contains(c))
}

/// The unit's own details after checking.
pub(crate) struct CheckedUnit {
    pub code: CreditCode,
    pub phone: Phone,
    pub office_id: i64,
    pub office_name: String,
}

/// The checked details, or every refusal when anything was refused.
pub(crate) fn checked_or_refused(
    checked: Option<CheckedUnit>,
    errors: FieldErrors,
) -> ServiceResult<CheckedUnit> {
    match checked {
        Some(c) if errors.is_empty() => Ok(c),
        _ => Err(ServiceError::Invalid(errors)),
    }
}

impl CheckedUnit {
    /// The contact phone sealed and masked, as the unit row keeps it.
    pub(crate) fn contact(&self, vault: &PiiVault) -> (String, String) {
        (
            vault.seal(self.phone.as_str()),
            mask_phone(self.phone.as_str()),
        )
    }

    /// The unit row from the form and its checked parts.
    pub(crate) fn row<'a>(
        &'a self,
        input: &'a UnitRegistration,
        contact: &'a (String, String),
        licence_key: Option<&'a str>,
    ) -> units::NewUnit<'a> {
        units::NewUnit {
            name: input.name.trim(),
            credit_code: self.code.as_str(),
            credit_code_checked: self.code.checksum_ok,
            kind: &input.kind,
            region_code: input.region_code.trim(),
            office_id: self.office_id,
            address: input.address.trim(),
            contact_name: input.contact_name.trim(),
            contact_phone_sealed: &contact.0,
            contact_phone_masked: &contact.1,
            licence_key,
        }
    }
}

/// Checks the unit's details (everything but its administrator account); each refusal
/// goes into `errors` under its field.
pub(crate) async fn check_unit_details(
    db: &Db,
    input: &UnitRegistration,
    has_licence: bool,
    errors: &mut FieldErrors,
) -> ServiceResult<Option<CheckedUnit>> {
    let name = input.name.trim();
    if !(2..=100).contains(&name.chars().count()) {
        errors.add("name", "请填写单位全称（2至100个字）");
    }
    let code = match CreditCode::parse(&input.credit_code) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.add("credit_code", e.to_string());
            None
        }
    };
    if !UNIT_KINDS.contains(&input.kind.as_str()) {
        errors.add("kind", "请选择单位类型");
    }
    let region_ok = zc_db::reference::region_exists(db, input.region_code.trim()).await?;
    if !region_ok {
        errors.add("region_code", "请选择单位所在的县（市、区）");
    }
    let office_id = input.office_id.trim().parse::<i64>().ok();
    let office_name = match office_id {
        Some(id) => zc_db::reference::org_name(db, "office", id).await?,
        None => None,
    };
    if office_name.is_none() {
        errors.add("office_id", "请选择本单位报送的职改办或主管部门");
    }
    if input.address.trim().is_empty() || input.address.chars().count() > 200 {
        errors.add("address", "请填写单位地址（不超过200个字）");
    }
    if input.contact_name.trim().is_empty() || input.contact_name.chars().count() > 30 {
        errors.add("contact_name", "请填写联系人姓名");
    }
    let phone = match Phone::parse(&input.contact_phone) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("contact_phone", e.to_string());
            None
        }
    };
    if !has_licence {
        errors.add("licence", "请上传营业执照或法人登记证书的照片（JPG或PNG）");
    }
    Ok(match (code, phone, office_id, office_name) {
        (Some(code), Some(phone), Some(office_id), Some(office_name)) => Some(CheckedUnit {
            code,
            phone,
            office_id,
            office_name,
        }),
        _ => None,
    })
}

/// The taken-code refusal, shared by registration and resubmission.
pub(crate) fn credit_code_taken() -> ServiceError {
    FieldErrors::one(
        "credit_code",
        "该统一社会信用代码已注册。如需找回单位管理员账号，请联系报送的职改办",
    )
}

/// Registers a unit (待审核) with its administrator account, in one transaction.
#[tracing::instrument(skip_all)]
pub async fn register_unit(
    db: &Db,
    vault: &PiiVault,
    input: &UnitRegistration,
    licence_key: Option<&str>,
    ip: &str,
) -> ServiceResult<Registered> {
    let mut errors = FieldErrors::default();
    let name = input.name.trim();
    let checked = check_unit_details(db, input, licence_key.is_some(), &mut errors).await?;
    let login = input.admin_login.trim();
    if !login_ok(login) {
        errors.add(
            "admin_login",
            "管理员账号需为3–64位字母、数字或 _ . @ - 符号",
        );
    }
    if input.admin_name.trim().is_empty() || input.admin_name.chars().count() > 50 {
        errors.add("admin_name", "请填写管理员姓名");
    }
    if let Err(refusal) = check_password(&input.password, &[login]) {
        errors.add("password", refusal.to_string());
    } else if input.password != input.password_confirm {
        errors.add("password_confirm", "两次输入的密码不一致");
    }
    let checked = checked_or_refused(checked, errors)?;

    let hash = password_hash::hash(input.password.clone()).await?;
    let mut tx = db.begin_write().await?;
    let contact = checked.contact(vault);
    let unit = checked.row(input, &contact, licence_key);
    let unit_id = match units::insert_pending(&mut tx, &unit).await {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => return Err(credit_code_taken()),
        Err(e) => return Err(e.into()),
    };
    let admin = accounts::NewAccount {
        login_name: login,
        display_name: input.admin_name.trim(),
        password_hash: &hash,
        role: Role::UnitAdmin.code(),
        org_kind: Some("unit"),
        org_id: Some(unit_id),
        duty: None,
    };
    let admin_id = match accounts::insert(&mut tx, &admin).await {
        Ok(id) => id,
        Err(e) if e.is_unique_violation() => {
            let mut errors = FieldErrors::default();
            errors.add("admin_login", "该账号已被使用，请换一个");
            return Err(ServiceError::Invalid(errors));
        }
        Err(e) => return Err(e.into()),
    };
    let object = format!("unit:{unit_id}");
    let detail = format!(
        "单位注册：{name}，报送{}{}",
        checked.office_name,
        if checked.code.checksum_ok {
            ""
        } else {
            "；信用代码校验位不符，需人工核对"
        }
    );
    zc_db::audit::record_in(
        &mut tx,
        &AuditEvent {
            actor_id: Some(admin_id),
            actor_role: Some(Role::UnitAdmin.code()),
            action: "unit.register",
            object: &object,
            result: "ok",
            detail: &detail,
            ip: Some(ip),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Registered {
        unit_id,
        admin_id,
        credit_code_checked: checked.code.checksum_ok,
    })
}

/// The date by which an office should decide on a registration submitted on `submitted`.
pub fn review_deadline(calendar: &WorkingCalendar, submitted: NaiveDate) -> NaiveDate {
    calendar.add_working_days(submitted, REVIEW_WORKING_DAYS, CountFrom::NextDay)
}

/// An office's decision on a registration.
#[derive(Debug, Clone)]
pub enum UnitDecision {
    /// 审核通过
    Approve,
    /// 退回, with the reason the unit reads.
    Return(String),
}

/// Records an office's decision. Staff outside the unit's office get `NotFound`, so an
/// id typed into a URL reveals nothing; two reviewers at once: one wins, the other is told.
#[tracing::instrument(skip_all)]
pub async fn decide_unit(
    db: &Db,
    staff_id: i64,
    unit_id: i64,
    decision: UnitDecision,
    actor: Actor<'_>,
) -> ServiceResult<()> {
    let staff = accounts::find(db, staff_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let unit = units::find(db, unit_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let in_scope = matches!(
        Role::from_code(&staff.role),
        Some(Role::OfficeStaff | Role::DepartmentStaff)
    ) && staff.org_kind.as_deref() == Some("office")
        && staff.org_id == Some(unit.office_id);
    if !in_scope {
        return Err(ServiceError::NotFound);
    }
    let (status, note, action) = match &decision {
        UnitDecision::Approve => (UnitStatus::Approved, String::new(), "unit.approve"),
        UnitDecision::Return(reason) => {
            if reason.trim().chars().count() < 5 {
                let mut errors = FieldErrors::default();
                errors.add("reason", "请写明退回原因（至少5个字），单位将据此修改");
                return Err(ServiceError::Invalid(errors));
            }
            (
                UnitStatus::Returned,
                reason.trim().to_string(),
                "unit.return",
            )
        }
    };
    let mut tx = db.begin_write().await?;
    if !units::decide(&mut tx, unit_id, status, &note, staff_id).await? {
        return Err(ServiceError::refused(
            "unit_already_decided",
            "该单位的注册申请已由其他工作人员处理，请刷新后查看",
        ));
    }
    let object = format!("unit:{unit_id}");
    let detail = match &decision {
        UnitDecision::Approve => format!("审核通过：{}", unit.name),
        UnitDecision::Return(reason) => format!("退回：{}；原因：{}", unit.name, reason.trim()),
    };
    zc_db::audit::record_in(&mut tx, &actor.event(action, &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// The unit an administrator manages, or a refusal naming what only they may do.
pub(crate) async fn unit_of_admin(db: &Db, admin_id: i64, refusal: &str) -> ServiceResult<i64> {
    let admin = accounts::find(db, admin_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    admin
        .org_id
        .filter(|_| admin.role == Role::UnitAdmin.code())
        .ok_or_else(|| ServiceError::refused("forbidden", refusal))
}

/// A unit administrator adds a staff account (审核员 or 管理员) to their own unit.
#[tracing::instrument(skip_all)]
pub async fn add_staff(
    db: &Db,
    admin_id: i64,
    login: &str,
    name: &str,
    password: &str,
    role: &str,
    actor: Actor<'_>,
) -> ServiceResult<i64> {
    let unit_id = unit_of_admin(db, admin_id, "只有单位管理员可以添加工作人员").await?;
    let role = match role {
        "unit_reviewer" => Role::UnitReviewer,
        "unit_admin" => Role::UnitAdmin,
        _ => {
            let mut errors = FieldErrors::default();
            errors.add("role", "请选择角色：审核员或管理员");
            return Err(ServiceError::Invalid(errors));
        }
    };
    let input = crate::accounts::NewAccountInput {
        login_name: login.to_string(),
        display_name: name.to_string(),
        password: password.to_string(),
        role,
        org: Some(("unit", unit_id)),
    };
    crate::accounts::create_account(db, input, actor).await
}

/// A unit administrator disables a staff account of their own unit; its sessions end.
#[tracing::instrument(skip_all)]
pub async fn disable_staff(
    db: &Db,
    admin_id: i64,
    target_id: i64,
    actor: Actor<'_>,
) -> ServiceResult<()> {
    let unit_id = unit_of_admin(db, admin_id, "只有单位管理员可以停用工作人员账号").await?;
    if target_id == admin_id {
        return Err(ServiceError::refused("self_disable", "不能停用自己的账号"));
    }
    let mut tx = db.begin_write().await?;
    if !units::disable_staff(&mut tx, unit_id, target_id).await? {
        return Err(ServiceError::NotFound);
    }
    accounts::end_sessions_in(&mut tx, target_id).await?;
    let object = format!("account:{target_id}");
    zc_db::audit::record_in(
        &mut tx,
        &actor.event("account.disable", &object, "单位管理员停用工作人员账号"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
