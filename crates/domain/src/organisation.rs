//! 机构 — offices (职改办, 主管部门), their hierarchy, and the duties (岗位) of their staff.

use std::collections::HashMap;

use crate::Role;

/// The kind of an office, as stored in `office.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfficeKind {
    /// 自治区职改办 — the root; there is exactly one.
    RegionOffice,
    /// 流动人员职改办
    FloatingOffice,
    /// 市职改办
    CityOffice,
    /// 主管部门 — a supervising department.
    Department,
}

impl OfficeKind {
    /// Every kind, root first.
    pub const ALL: [OfficeKind; 4] = [
        Self::RegionOffice,
        Self::FloatingOffice,
        Self::CityOffice,
        Self::Department,
    ];

    /// Kinds an admin may create (the root exists from the start).
    pub const CREATABLE: [OfficeKind; 3] =
        [Self::FloatingOffice, Self::CityOffice, Self::Department];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::RegionOffice => "region_office",
            Self::FloatingOffice => "floating_office",
            Self::CityOffice => "city_office",
            Self::Department => "department",
        }
    }

    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Self::RegionOffice => "自治区职改办",
            Self::FloatingOffice => "流动人员职改办",
            Self::CityOffice => "市职改办",
            Self::Department => "主管部门",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The staff role of this kind of office.
    pub fn staff_role(self) -> Role {
        match self {
            Self::Department => Role::DepartmentStaff,
            _ => Role::OfficeStaff,
        }
    }
}

/// Whether making `new_parent` the parent of `office` would close a loop: `new_parent`
/// is the office itself or one of its descendants. `parents` maps every office to its
/// current parent.
pub fn creates_cycle(parents: &HashMap<i64, Option<i64>>, office: i64, new_parent: i64) -> bool {
    let mut cursor = Some(new_parent);
    // The walk is bounded by the number of offices, so a loop already in the data
    // cannot hang it.
    for _ in 0..=parents.len() {
        match cursor {
            Some(id) if id == office => return true,
            Some(id) => cursor = parents.get(&id).copied().flatten(),
            None => return false,
        }
    }
    true
}

/// 岗位 — what a staff member does in their office or committee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Duty {
    /// 受理员 — receives dossiers and checks they are complete.
    Acceptor,
    /// 审核员 — reviews dossiers and proposes decisions.
    Reviewer,
    /// 负责人 — signs off decisions and manages the office's work.
    Lead,
    /// 秘书 — a committee's secretary: plans, meetings, drawing experts.
    Secretary,
}

impl Duty {
    /// Whether this duty may see identity numbers and mobiles in full (in an export,
    /// with a recorded reason). Only the office's 负责人 answers for such a disclosure.
    pub fn may_reveal_identity(self) -> bool {
        matches!(self, Self::Lead)
    }

    /// Every duty.
    pub const ALL: [Duty; 4] = [Self::Acceptor, Self::Reviewer, Self::Lead, Self::Secretary];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Acceptor => "acceptor",
            Self::Reviewer => "reviewer",
            Self::Lead => "lead",
            Self::Secretary => "secretary",
        }
    }

    /// The Chinese name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Acceptor => "受理员",
            Self::Reviewer => "审核员",
            Self::Lead => "负责人",
            Self::Secretary => "秘书",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The duties a staff member of `role` may hold.
    pub fn for_role(role: Role) -> &'static [Duty] {
        match role {
            Role::OfficeStaff | Role::DepartmentStaff => {
                &[Self::Acceptor, Self::Reviewer, Self::Lead]
            }
            Role::CommitteeStaff => &[Self::Secretary, Self::Lead],
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> HashMap<i64, Option<i64>> {
        // 1 is the root; 2 and 3 report to it; 4 reports to 2.
        [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(2))]
            .into_iter()
            .collect()
    }

    #[test]
    fn an_office_cannot_report_to_itself_or_below_itself() {
        let parents = tree();
        assert!(creates_cycle(&parents, 2, 2));
        assert!(creates_cycle(&parents, 2, 4), "4 is below 2");
        assert!(
            creates_cycle(&parents, 1, 4),
            "everything is below the root"
        );
        assert!(!creates_cycle(&parents, 4, 3), "a sibling branch is fine");
        assert!(!creates_cycle(&parents, 3, 2));
    }

    #[test]
    fn a_loop_already_in_the_data_does_not_hang_the_check() {
        let parents: HashMap<i64, Option<i64>> = [(1, Some(2)), (2, Some(1)), (3, None)]
            .into_iter()
            .collect();
        assert!(creates_cycle(&parents, 3, 1));
    }

    #[test]
    fn duties_fit_their_roles() {
        assert_eq!(
            Duty::for_role(Role::OfficeStaff),
            [Duty::Acceptor, Duty::Reviewer, Duty::Lead]
        );
        assert!(Duty::for_role(Role::CommitteeStaff).contains(&Duty::Secretary));
        assert!(!Duty::for_role(Role::OfficeStaff).contains(&Duty::Secretary));
        assert!(Duty::for_role(Role::SystemAdmin).is_empty());
        for d in Duty::ALL {
            assert_eq!(Duty::from_code(d.code()), Some(d));
        }
        for k in OfficeKind::ALL {
            assert_eq!(OfficeKind::from_code(k.code()), Some(k));
        }
        assert_eq!(OfficeKind::Department.staff_role(), Role::DepartmentStaff);
    }
}
