//! 演示数据 — a demo province with one account per role, for first runs and trials.

use zc_db::{Db, accounts, reference, seed};
use zc_domain::{Role, organisation::Duty};

use crate::{
    ServiceResult,
    accounts::{Actor, NewAccountInput, create_account_with_duty},
    pii::PiiVault,
    registration::{RegistrationInput, SECURITY_QUESTIONS, create_applicant_unverified},
};

/// The demo applicant's identity: they sign in with this ID number or mobile.
pub const DEMO_APPLICANT_ID: &str = "450103198806121237";
/// The demo applicant's mobile.
pub const DEMO_APPLICANT_PHONE: &str = "13800771234";
/// A demo 流动人员 applicant (no employer; the floating-personnel office is their unit).
pub const DEMO_FLOATING_ID: &str = "450102199003152046";

/// A demo 评审专家 (工程系列, 机械工程), serving a full term from the day the demo is seeded.
pub const DEMO_EXPERT_ID: &str = "450103196803151239";
/// A second demo expert (工程系列, 电气工程).
pub const DEMO_EXPERT2_ID: &str = "450202197109092025";

/// A demo applicant's identity: name, ID number, mobile, e-mail, unit, and the specialty
/// of those who are in the expert pool.
struct DemoApplicant {
    name: &'static str,
    id: &'static str,
    phone: &'static str,
    email: &'static str,
    unit: &'static str,
    expert_in: Option<&'static str>,
}

const DEMO_APPLICANTS: [DemoApplicant; 4] = [
    DemoApplicant {
        name: "张三",
        id: DEMO_APPLICANT_ID,
        phone: DEMO_APPLICANT_PHONE,
        email: "zhangsan@example.com",
        unit: "广西壮美建设工程有限公司",
        expert_in: None,
    },
    DemoApplicant {
        name: "李四",
        id: DEMO_FLOATING_ID,
        phone: "13800775678",
        email: "lisi@example.com",
        unit: seed::organisations::FLOATING_UNIT,
        expert_in: None,
    },
    DemoApplicant {
        name: "韦正高",
        id: DEMO_EXPERT_ID,
        phone: "13800770001",
        email: "weizg@example.com",
        unit: "柳州龙城机械制造有限公司",
        expert_in: Some("机械工程"),
    },
    DemoApplicant {
        name: "覃高工",
        id: DEMO_EXPERT2_ID,
        phone: "13800770002",
        email: "qingg@example.com",
        unit: "桂林山水电子信息科技有限公司",
        expert_in: Some("电气工程"),
    },
];

/// A demo account as printed at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub login_name: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub org_name: Option<&'static str>,
    /// 岗位 of office and committee staff.
    pub duty: Option<Duty>,
}

/// The demo accounts: one per portal family, plus the three separate admin roles.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login_name: DEMO_APPLICANT_ID,
        display_name: "张三",
        role: Role::Applicant,
        org_name: Some("广西壮美建设工程有限公司"),
        duty: None,
    },
    DemoAccount {
        login_name: DEMO_FLOATING_ID,
        display_name: "李四",
        role: Role::Applicant,
        org_name: Some(seed::organisations::FLOATING_UNIT),
        duty: None,
    },
    DemoAccount {
        login_name: DEMO_EXPERT_ID,
        display_name: "韦正高（评审专家）",
        role: Role::Applicant,
        org_name: Some("柳州龙城机械制造有限公司"),
        duty: None,
    },
    DemoAccount {
        login_name: DEMO_EXPERT2_ID,
        display_name: "覃高工（评审专家）",
        role: Role::Applicant,
        org_name: Some("桂林山水电子信息科技有限公司"),
        duty: None,
    },
    DemoAccount {
        login_name: "danwei",
        display_name: "李单位",
        role: Role::UnitAdmin,
        org_name: Some("广西壮美建设工程有限公司"),
        duty: None,
    },
    DemoAccount {
        login_name: "shenhe",
        display_name: "周审核",
        role: Role::UnitReviewer,
        org_name: Some("广西壮美建设工程有限公司"),
        duty: None,
    },
    DemoAccount {
        login_name: "zhuguan",
        display_name: "赵主管",
        role: Role::DepartmentStaff,
        org_name: Some("广西壮族自治区住房和城乡建设厅"),
        duty: Some(Duty::Reviewer),
    },
    DemoAccount {
        login_name: "zhigaiban",
        display_name: "王职改",
        role: Role::OfficeStaff,
        org_name: Some(seed::organisations::FLOATING_OFFICE),
        duty: Some(Duty::Lead),
    },
    DemoAccount {
        login_name: "nanning",
        display_name: "覃职改",
        role: Role::OfficeStaff,
        org_name: Some("南宁市职称改革工作领导小组办公室"),
        duty: Some(Duty::Reviewer),
    },
    DemoAccount {
        login_name: "pingshen",
        display_name: "陈评审",
        role: Role::CommitteeStaff,
        org_name: Some("工程系列广西区人才服务办公室中级评审会"),
        duty: Some(Duty::Secretary),
    },
    DemoAccount {
        login_name: "sysadmin",
        display_name: "系统管理员",
        role: Role::SystemAdmin,
        org_name: None,
        duty: None,
    },
    DemoAccount {
        login_name: "secadmin",
        display_name: "安全管理员",
        role: Role::SecurityAdmin,
        org_name: None,
        duty: None,
    },
    DemoAccount {
        login_name: "auditor",
        display_name: "审计管理员",
        role: Role::AuditAdmin,
        org_name: None,
        duty: None,
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
#[tracing::instrument(skip_all)]
pub async fn seed_demo(db: &Db, vault: &PiiVault, password: &str) -> ServiceResult<bool> {
    if accounts::count(db).await? > 0 {
        return Ok(false);
    }
    seed::seed_reference_data(db).await?;
    open_demo_windows(db, db.now()).await?;
    let today = db.today();
    for d in &DEMO_APPLICANTS {
        let applicant = RegistrationInput {
            name: d.name.into(),
            doc_kind: "resident_id".into(),
            id_number: d.id.into(),
            phone: d.phone.into(),
            sms_code: String::new(),
            email: d.email.into(),
            password: password.into(),
            password_confirm: password.into(),
            security_question: SECURITY_QUESTIONS[0].into(),
            security_answer: "李梅".into(),
        };
        let account_id = create_applicant_unverified(db, vault, &applicant, today).await?;
        if let Some(unit) = reference::unit_id_by_name(db, d.unit).await? {
            crate::membership::choose_unit(db, account_id, unit, "127.0.0.1").await?;
        }
        if let Some(specialty) = d.expert_in {
            let series_id = zc_db::organisations::series(db)
                .await?
                .into_iter()
                .find(|s| s.name == "工程")
                .map(|s| s.id)
                .ok_or(crate::ServiceError::NotFound)?;
            let grant = crate::experts::Grant {
                account_id,
                series_id,
                specialty,
                title_name: "正高级工程师",
                term_start: today,
                term_end: zc_domain::expert::full_term_end(today),
            };
            crate::experts::grant(db, Actor::default(), &grant).await?;
        }
    }
    for a in DEMO_ACCOUNTS.iter().filter(|a| a.role != Role::Applicant) {
        let input = NewAccountInput {
            login_name: a.login_name.to_string(),
            display_name: a.display_name.to_string(),
            password: password.to_string(),
            role: a.role,
            org: org_of(db, a).await?,
        };
        let id = create_account_with_duty(db, input, a.duty, Actor::default()).await?;
        // Demo staff get a second factor whose secret is printed at start-up.
        crate::totp::assign_secret(db, vault, id, &crate::totp::new_secret()).await?;
    }
    Ok(true)
}

/// The TOTP secrets of the demo staff, `(login, base32 secret)`, for the start-up banner.
#[tracing::instrument(skip_all)]
pub async fn demo_totp_secrets(db: &Db, vault: &PiiVault) -> ServiceResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for a in DEMO_ACCOUNTS.iter().filter(|a| a.role != Role::Applicant) {
        if let Some(sealed) = accounts::find_by_login(db, a.login_name)
            .await?
            .and_then(|a| a.totp_secret_sealed)
        {
            out.push((a.login_name.to_string(), vault.open(&sealed)?));
        }
    }
    Ok(out)
}

/// The demo accounts that exist in this database (for the start-up banner).
#[tracing::instrument(skip_all)]
pub async fn existing_demo_accounts(db: &Db, vault: &PiiVault) -> ServiceResult<Vec<DemoAccount>> {
    let mut found = Vec::new();
    for a in DEMO_ACCOUNTS {
        let exists = if a.role == Role::Applicant {
            let index = vault.index("id", a.login_name);
            zc_db::applicants::account_for(db, zc_db::applicants::Identifier::IdNumberIndex(&index))
                .await?
                .is_some()
        } else {
            accounts::find_by_login(db, a.login_name).await?.is_some()
        };
        if exists {
            found.push(a.clone());
        }
    }
    Ok(found)
}

/// The demo's fee item, as in the seed's 费用管理 example.
pub const DEMO_FEE_ITEM: &str = "代办晋升专业技术职务费";
/// 50 yuan, as in the seed's example order.
pub const DEMO_FEE_FEN: i64 = 5000;

/// Opens every committee's application window for the whole current year (the committee
/// issue lets staff edit these plans; the demo needs one open now).
#[tracing::instrument(skip_all)]
pub async fn open_demo_windows(db: &Db, now: chrono::DateTime<chrono::Utc>) -> ServiceResult<()> {
    use zc_domain::calendar::china_day_start;
    let year = crate::applications::year_in_china(now);
    let day = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1).map(china_day_start);
    let (Some(from), Some(until)) = (day(year), day(year + 1)) else {
        return Ok(());
    };
    for c in reference::committees(db).await? {
        zc_db::applications::upsert_plan(db, c.id, year, from, until).await?;
    }
    // Every 职改办 (not the departments) accepts 职称认定 the whole year.
    for o in reference::offices(db).await? {
        if o.kind != zc_db::seed::organisations::kind::DEPARTMENT {
            zc_db::recognition::upsert_window(db, o.id, year, from, until).await?;
        }
    }
    // Committees that charge online need something to charge: the seed's example item.
    if let Some(last_day) = chrono::NaiveDate::from_ymd_opt(year, 12, 31) {
        zc_db::fee_items::seed_missing(db, DEMO_FEE_ITEM, DEMO_FEE_FEN, last_day).await?;
    }
    Ok(())
}
