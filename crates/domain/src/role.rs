//! 角色 — who a person acts as, and which portal serves them.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The roles of the platform. The three admin roles are kept apart (三权分立).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 个人用户 — an applicant.
    Applicant,
    /// 单位管理员 — a unit's administrator.
    UnitAdmin,
    /// 单位审核员 — a unit's reviewer.
    UnitReviewer,
    /// 主管部门工作人员 — staff of a supervising department.
    DepartmentStaff,
    /// 职改办工作人员 — staff of a title-reform office.
    OfficeStaff,
    /// 评委会办事机构工作人员 — staff of a committee's secretariat.
    CommitteeStaff,
    /// 系统管理员 — system administrator.
    SystemAdmin,
    /// 安全管理员 — security administrator.
    SecurityAdmin,
    /// 审计管理员 — audit administrator.
    AuditAdmin,
}

/// A portal of the platform, one per family of roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Portal {
    /// 个人 `/my`
    My,
    /// 单位 `/unit`
    Unit,
    /// 主管部门与职改办 `/office`
    Office,
    /// 评审委员会 `/committee`
    Committee,
    /// 系统管理 `/admin`
    Admin,
}

impl Portal {
    /// Every portal.
    pub const ALL: [Portal; 5] = [
        Self::My,
        Self::Unit,
        Self::Office,
        Self::Committee,
        Self::Admin,
    ];

    /// URL prefix of the portal: the one place it is written (routers nest under it).
    pub fn path(self) -> &'static str {
        match self {
            Self::My => "/my",
            Self::Unit => "/unit",
            Self::Office => "/office",
            Self::Committee => "/committee",
            Self::Admin => "/admin",
        }
    }

    /// Name shown in the portal header.
    pub fn name(self) -> &'static str {
        match self {
            Self::My => "个人办事",
            Self::Unit => "单位办事",
            Self::Office => "职改办与主管部门",
            Self::Committee => "评审委员会",
            Self::Admin => "系统管理",
        }
    }
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 9] = [
        Self::Applicant,
        Self::UnitAdmin,
        Self::UnitReviewer,
        Self::DepartmentStaff,
        Self::OfficeStaff,
        Self::CommitteeStaff,
        Self::SystemAdmin,
        Self::SecurityAdmin,
        Self::AuditAdmin,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::UnitAdmin => "unit_admin",
            Self::UnitReviewer => "unit_reviewer",
            Self::DepartmentStaff => "department_staff",
            Self::OfficeStaff => "office_staff",
            Self::CommitteeStaff => "committee_staff",
            Self::SystemAdmin => "system_admin",
            Self::SecurityAdmin => "security_admin",
            Self::AuditAdmin => "audit_admin",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The Chinese name of the role.
    pub fn name(self) -> &'static str {
        match self {
            Self::Applicant => "个人用户",
            Self::UnitAdmin => "单位管理员",
            Self::UnitReviewer => "单位审核员",
            Self::DepartmentStaff => "主管部门工作人员",
            Self::OfficeStaff => "职改办工作人员",
            Self::CommitteeStaff => "评委会工作人员",
            Self::SystemAdmin => "系统管理员",
            Self::SecurityAdmin => "安全管理员",
            Self::AuditAdmin => "审计管理员",
        }
    }

    /// The portal this role works in.
    pub fn portal(self) -> Portal {
        match self {
            Self::Applicant => Portal::My,
            Self::UnitAdmin | Self::UnitReviewer => Portal::Unit,
            Self::DepartmentStaff | Self::OfficeStaff => Portal::Office,
            Self::CommitteeStaff => Portal::Committee,
            Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin => Portal::Admin,
        }
    }

    /// Staff act for an organisation and get the shorter idle timeout.
    pub fn is_staff(self) -> bool {
        self != Self::Applicant
    }

    /// The three administrators of 三权分立 (system, security, audit).
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin
        )
    }

    /// Who enables and disables accounts of this role (三权分立): the security admin
    /// for the three administrators, the system admin for everyone else.
    pub fn account_manager(self) -> Role {
        if self.is_admin() {
            Self::SecurityAdmin
        } else {
            Self::SystemAdmin
        }
    }

    /// Idle timeout (等保: staff 15 minutes, applicants 30).
    pub fn idle_timeout(self) -> Duration {
        Duration::from_secs(if self.is_staff() { 15 * 60 } else { 30 * 60 })
    }
}

/// Absolute session lifetime, whatever the activity.
pub const ABSOLUTE_SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrators_accounts_are_the_security_admins_alone() {
        for admin in [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
            assert_eq!(admin.account_manager(), Role::SecurityAdmin);
        }
        assert_eq!(Role::OfficeStaff.account_manager(), Role::SystemAdmin);
    }

    #[test]
    fn codes_round_trip_and_portals_match_roles() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::Applicant.portal().path(), "/my");
        assert_eq!(Role::UnitReviewer.portal(), Portal::Unit);
        assert_eq!(Role::AuditAdmin.portal().path(), "/admin");
    }

    #[test]
    fn staff_idle_out_sooner_than_applicants() {
        assert_eq!(Role::Applicant.idle_timeout(), Duration::from_secs(1800));
        assert_eq!(Role::OfficeStaff.idle_timeout(), Duration::from_secs(900));
    }
}
