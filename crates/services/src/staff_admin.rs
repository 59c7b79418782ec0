//! 账号管理 — admins manage staff accounts, with duties kept apart (三权分立): the system
//! admin creates, disables and enables accounts; the security admin unlocks them and
//! resets second factors; nobody acts on their own account, and admin roles are never
//! handed out here (they come from the command line, one role per account).

use zc_db::{Db, accounts};
use zc_domain::{Role, organisation::Duty};

use crate::{
    FieldErrors, ServiceError, ServiceResult,
    accounts::{Actor, NewAccountInput},
};

/// Roles the system admin may give to a new staff account, with their organisation kind.
pub const STAFF_ROLES: [(Role, &str); 3] = [
    (Role::OfficeStaff, "office"),
    (Role::DepartmentStaff, "office"),
    (Role::CommitteeStaff, "committee"),
];

fn require(actor: &Actor<'_>, role: Role, what: &str) -> ServiceResult<()> {
    if actor.role == Some(role) {
        Ok(())
    } else {
        Err(ServiceError::refused(
            "forbidden",
            format!("只有{}可以{what}", role.name()),
        ))
    }
}

async fn target(db: &Db, actor: &Actor<'_>, id: i64) -> ServiceResult<accounts::Account> {
    if actor.account_id == Some(id) {
        return Err(ServiceError::refused(
            "self_action",
            "不能对自己的账号执行此操作",
        ));
    }
    let a = accounts::find(db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if a.role == Role::Applicant.code() {
        return Err(ServiceError::NotFound);
    }
    Ok(a)
}

/// A staff account as the system admin types it.
#[derive(Debug, Clone, Copy)]
pub struct NewStaff<'a> {
    pub login: &'a str,
    pub name: &'a str,
    pub password: &'a str,
    pub role: &'a str,
    /// `office:<id>` or `committee:<id>`.
    pub org_id: &'a str,
    /// 岗位 code.
    pub duty: &'a str,
}

/// The system admin creates a staff account for an office or committee, with its 岗位.
#[tracing::instrument(skip_all)]
pub async fn create_staff(db: &Db, actor: Actor<'_>, staff: &NewStaff<'_>) -> ServiceResult<i64> {
    require(&actor, Role::SystemAdmin, "创建工作人员账号")?;
    let NewStaff {
        login,
        name,
        password,
        role: role_code,
        org_id,
        duty,
    } = *staff;
    let mut errors = FieldErrors::default();
    let role = STAFF_ROLES.iter().find(|(r, _)| r.code() == role_code);
    if role.is_none() {
        errors.add("role", "请选择职改办、主管部门或评委会工作人员角色");
    }
    let duty =
        Duty::from_code(duty).filter(|d| role.is_some_and(|(r, _)| Duty::for_role(*r).contains(d)));
    if let (Some((r, _)), None) = (role, duty) {
        errors.add("duty", duty_hint(*r));
    }
    // The form sends `office:<id>` or `committee:<id>`; the kind must fit the role.
    let chosen = org_id
        .trim()
        .split_once(':')
        .and_then(|(k, id)| id.parse::<i64>().ok().map(|id| (k, id)));
    let org = match (role, chosen) {
        (Some((_, kind)), Some((k, id)))
            if k == *kind && zc_db::reference::org_name(db, kind, id).await?.is_some() =>
        {
            Some((*kind, id))
        }
        _ => None,
    };
    if role.is_some() && org.is_none() {
        errors.add(
            "org_id",
            "请选择与角色相符的所属机构（职改办、主管部门或评审委员会）",
        );
    }
    let Some((role, _)) = role.filter(|_| errors.is_empty()) else {
        return Err(ServiceError::Invalid(errors));
    };
    let input = NewAccountInput {
        login_name: login.to_string(),
        display_name: name.to_string(),
        password: password.to_string(),
        role: *role,
        org,
    };
    // The admin typed the password, so its owner replaces it at the first sign-in.
    crate::accounts::create_account_in(db, input, duty, true, actor).await
}

fn duty_hint(role: Role) -> String {
    let names: Vec<&str> = Duty::for_role(role).iter().map(|d| d.name()).collect();
    format!("请选择岗位（{}）", names.join("、"))
}

/// The security admin changes a staff member's 岗位 (a role grant: never one's own).
#[tracing::instrument(skip_all)]
pub async fn set_duty(db: &Db, actor: Actor<'_>, id: i64, duty_code: &str) -> ServiceResult<()> {
    require(&actor, Role::SecurityAdmin, "调整工作人员岗位")?;
    let a = target(db, &actor, id).await?;
    let role = Role::from_code(&a.role).ok_or(ServiceError::NotFound)?;
    let Some(duty) = Duty::from_code(duty_code).filter(|d| Duty::for_role(role).contains(d)) else {
        return Err(ServiceError::refused("duty", duty_hint(role)));
    };
    let mut tx = db.begin_write().await?;
    accounts::set_duty_in(&mut tx, id, duty.code()).await?;
    let object = format!("account:{id}");
    let detail = format!("账号 {} 的岗位调整为{}", a.login_name, duty.name());
    zc_db::audit::record_in(&mut tx, &actor.event("account.duty", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// The system admin disables or enables a staff account; disabling ends its sessions.
/// Administrators' accounts are the security admin's alone (三权分立: the system admin
/// must not be able to silence the security or audit admin).
#[tracing::instrument(skip_all)]
pub async fn set_disabled(db: &Db, actor: Actor<'_>, id: i64, disabled: bool) -> ServiceResult<()> {
    let what = if disabled {
        "停用账号"
    } else {
        "启用账号"
    };
    let a = target(db, &actor, id).await?;
    let manager = Role::from_code(&a.role)
        .ok_or(ServiceError::NotFound)?
        .account_manager();
    if let Err(e) = require(&actor, manager, &format!("{what}（{}）", a.login_name)) {
        let object = format!("account:{id}");
        let mut refused = actor.event("account.disable", &object, "无权停用或启用该账号");
        refused.result = "refused";
        zc_db::audit::record(db, &refused).await?;
        return Err(e);
    }
    let mut tx = db.begin_write().await?;
    accounts::set_disabled_in(&mut tx, id, disabled).await?;
    if disabled {
        accounts::end_sessions_in(&mut tx, id).await?;
    }
    let object = format!("account:{id}");
    let detail = format!(
        "{}账号 {}",
        if disabled { "停用" } else { "启用" },
        a.login_name
    );
    let action = if disabled {
        "account.disable"
    } else {
        "account.enable"
    };
    zc_db::audit::record_in(&mut tx, &actor.event(action, &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// The security admin lifts a login lockout.
#[tracing::instrument(skip_all)]
pub async fn unlock(db: &Db, actor: Actor<'_>, id: i64) -> ServiceResult<()> {
    require(&actor, Role::SecurityAdmin, "解除登录锁定")?;
    let a = target(db, &actor, id).await?;
    accounts::clear_failures(db, &crate::accounts::login_key(&a.login_name)).await?;
    let object = format!("account:{id}");
    let detail = format!("解除账号 {} 的登录锁定", a.login_name);
    zc_db::audit::record(db, &actor.event("account.unlock", &object, &detail)).await?;
    Ok(())
}

/// The security admin resets a lost second factor; the person enrols again at sign-in.
#[tracing::instrument(skip_all)]
pub async fn reset_totp(db: &Db, actor: Actor<'_>, id: i64) -> ServiceResult<()> {
    require(&actor, Role::SecurityAdmin, "重置动态口令")?;
    let a = target(db, &actor, id).await?;
    let mut tx = db.begin_write().await?;
    accounts::clear_totp_in(&mut tx, id).await?;
    accounts::end_sessions_in(&mut tx, id).await?;
    let object = format!("account:{id}");
    let detail = format!("重置账号 {} 的动态口令", a.login_name);
    zc_db::audit::record_in(&mut tx, &actor.event("totp.reset", &object, &detail)).await?;
    tx.commit().await?;
    Ok(())
}
