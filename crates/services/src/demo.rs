//! 演示数据 — a demo province with one account per role, for first runs and trials.

use zc_db::{Db, accounts, reference, seed};
use zc_domain::Role;

use crate::{
    ServiceResult,
    accounts::{Actor, NewAccountInput, create_account},
};

/// A demo account as printed at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub login_name: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub org_name: Option<&'static str>,
}

/// The demo accounts: one per portal family, plus the three separate admin roles.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login_name: "zhangsan",
        display_name: "张三",
        role: Role::Applicant,
        org_name: None,
    },
    DemoAccount {
        login_name: "danwei",
        display_name: "李单位",
        role: Role::UnitAdmin,
        org_name: Some("广西壮美建设工程有限公司"),
    },
    DemoAccount {
        login_name: "zhuguan",
        display_name: "赵主管",
        role: Role::DepartmentStaff,
        org_name: Some("广西壮族自治区住房和城乡建设厅"),
    },
    DemoAccount {
        login_name: "zhigaiban",
        display_name: "王职改",
        role: Role::OfficeStaff,
        org_name: Some(seed::organisations::FLOATING_OFFICE),
    },
    DemoAccount {
        login_name: "pingshen",
        display_name: "陈评审",
        role: Role::CommitteeStaff,
        org_name: Some("工程系列广西区人才服务办公室中级评审会"),
    },
    DemoAccount {
        login_name: "sysadmin",
        display_name: "系统管理员",
        role: Role::SystemAdmin,
        org_name: None,
    },
    DemoAccount {
        login_name: "secadmin",
        display_name: "安全管理员",
        role: Role::SecurityAdmin,
        org_name: None,
    },
    DemoAccount {
        login_name: "auditor",
        display_name: "审计管理员",
        role: Role::AuditAdmin,
        org_name: None,
    },
];

async fn org_of(db: &Db, a: &DemoAccount) -> ServiceResult<Option<(&'static str, i64)>> {
    let Some(name) = a.org_name else {
        return Ok(None);
    };
    let found = match a.role {
        Role::UnitAdmin | Role::UnitReviewer => reference::unit_id_by_name(db, name)
            .await?
            .map(|id| ("unit", id)),
        Role::CommitteeStaff => reference::committee_id_by_name(db, name)
            .await?
            .map(|id| ("committee", id)),
        _ => reference::office_id_by_name(db, name)
            .await?
            .map(|id| ("office", id)),
    };
    Ok(found)
}

/// Seeds the demo province and its accounts into an empty database, all with `password`.
/// Returns false when the database already had accounts (nothing is changed then).
pub async fn seed_demo(db: &Db, password: &str) -> ServiceResult<bool> {
    if accounts::count(db).await? > 0 {
        return Ok(false);
    }
    seed::seed_reference_data(db).await?;
    for a in DEMO_ACCOUNTS {
        let input = NewAccountInput {
            login_name: a.login_name.to_string(),
            display_name: a.display_name.to_string(),
            password: password.to_string(),
            role: a.role,
            org: org_of(db, a).await?,
        };
        create_account(db, input, Actor::default()).await?;
    }
    Ok(true)
}
