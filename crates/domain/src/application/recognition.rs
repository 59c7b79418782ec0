//! 职称认定 — recognition of a first title without a committee: its form (seed §3.2: 申报信息,
//! 基本情况, 工作小结 of at most 700 characters, 资料上传) and its 认定条件, education ×
//! months of professional work after graduation → the level that may be recognised
//! (`domain.md` §3.2). The conditions are data, so a province can change them.

use chrono::{Datelike, NaiveDate};

use super::{
    form::{FieldKind as K, FieldSpec as F},
    section_catalogue::{GENDER, IDENTITY, POLITICAL},
    sections::{PartShape, PartSpec, SectionSpec},
};
use crate::TitleLevel;

/// 最高学历 as the 认定条件 name them.
pub const EDUCATION: &[&str] = &["中专", "大专", "本科", "第二学士", "硕士", "博士"];

/// The part that holds 学历, 毕业时间 and 参加工作时间.
pub const BASIC_PART: &str = "rc_basic";

/// The sections of a 职称认定 application, in the order of the left-hand list.
pub const SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        code: "rc_info",
        number: 1,
        title: "申报信息",
        parts: &[PartSpec {
            code: "rc_info",
            title: "1 申报信息",
            shape: PartShape::Single,
            help: "单位、报送职改办和拟认定的资格取自您创建申报时的选择，可用“报送职改办”修改。",
            fields: &[
                F::req("specialty", "拟认定专业", K::Text { max: 30 }),
                F::req("identity", "个人身份性质", K::Choice(IDENTITY)),
                F::req("contact_phone", "联系电话", K::Phone),
            ],
        }],
    },
    SectionSpec {
        code: BASIC_PART,
        number: 2,
        title: "基本情况",
        parts: &[PartSpec {
            code: BASIC_PART,
            title: "2 基本情况",
            shape: PartShape::Single,
            help: "是否符合认定条件，按最高学历的毕业时间计算从事专业技术工作的年限。",
            fields: &[
                F::req("gender", "性别", K::Choice(GENDER)),
                F::req("ethnicity", "民族", K::Text { max: 10 }),
                F::req("political", "政治面貌", K::Choice(POLITICAL)),
                F::req("education", "最高学历", K::Choice(EDUCATION)),
                F::req("school", "毕业学校", K::Text { max: 60 }),
                F::req("major", "所学专业", K::Text { max: 40 }),
                F::req("graduated", "毕业时间", K::Month),
                F::req("work_start", "参加专业技术工作时间", K::Month),
            ],
        }],
    },
    SectionSpec {
        code: "summary",
        number: 3,
        title: "工作小结",
        parts: &[PartSpec {
            code: "summary",
            title: "3 见习期工作小结",
            shape: PartShape::Summary,
            help: "写明毕业以来从事的专业技术工作、参与的项目和取得的成绩。",
            fields: &[],
        }],
    },
    SectionSpec {
        code: "rc_uploads",
        number: 4,
        title: "资料上传",
        parts: &[],
    },
];

/// The sections of a 重新确认 application (seed §3.3): its own 申报信息 about the title
/// held, then the sections of 认定.
pub const RECONFIRMATION_SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        code: "rf_info",
        number: 1,
        title: "申报信息",
        parts: &[PartSpec {
            code: "rf_info",
            title: "1 申报信息",
            shape: PartShape::Single,
            help: "填写在外省或其他系统取得的专业技术资格；拟确认的资格和报送职改办取自创建申报时的选择。",
            fields: &[
                F::req(
                    "original_title",
                    "原专业技术资格名称",
                    K::Catalogue { max: 40 },
                ),
                F::req("original_major", "原专业名称", K::Text { max: 40 }),
                F::req("original_cert_no", "原证书编号", K::Text { max: 40 }),
                F::req(
                    "original_issuer",
                    "原批准机关（授予单位）",
                    K::Text { max: 60 },
                ),
                F::req("original_obtained", "原资格取得时间", K::Month),
                F::req(
                    "custom_specialty",
                    "自定义拟评专业名称",
                    K::Choice(&["是", "否"]),
                ),
                F::req("specialty", "拟评专业名称", K::Text { max: 30 }),
                F::req("identity", "个人身份性质", K::Choice(IDENTITY)),
                F::req("contact_phone", "联系电话", K::Phone),
            ],
        }],
    },
    SECTIONS[1],
    SECTIONS[2],
    SectionSpec {
        code: "rf_uploads",
        number: 4,
        title: "资料上传",
        parts: &[],
    },
];

/// The pledge before 同意并报送 (seed §3.2).
pub const PLEDGE: &str = "本人承诺所提交的专业技术资格申报材料真实有效。如有弄虚作假，本人愿接受相关\
政策规定处理，按照评审条件或自治区有关规定的年限内不得申报相应的专业技术资格。累计在两次申报中发现有\
学术造假行为的，终身不得申报。";

/// What a person sees once their 认定 is submitted (seed §3.2).
pub const SUBMITTED: &str = "您的职称认定申报已成功提交，请等待单位工作人员审核。";

/// One 认定条件: an education reaches a level after `months` of professional work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub education: String,
    pub level_rank: i32,
    pub months: i32,
}

/// What the person entered that the conditions are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub education: &'a str,
    /// The first day of the graduation month.
    pub graduated: NaiveDate,
    /// The first day of the month professional work began.
    pub work_start: NaiveDate,
    pub birth: Option<NaiveDate>,
}

/// Whole months from `from` to `to` (a month counts once its day is reached).
fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        months -= 1;
    }
    months
}

/// `12` → 1年, `30` → 2年6个月, `3` → 3个月.
fn span(months: i32) -> String {
    match (months / 12, months % 12) {
        (0, m) => format!("{m}个月"),
        (y, 0) => format!("{y}年"),
        (y, m) => format!("{y}年{m}个月"),
    }
}

/// Whether `facts` meet the conditions for `level_rank` on `today`; otherwise why not, in
/// the words shown beside the form ("本科毕业满1年方可认定助理级，您还差3个月").
pub fn check(
    rules: &[Rule],
    facts: Facts<'_>,
    level_rank: i32,
    today: NaiveDate,
) -> Result<(), String> {
    let level = TitleLevel::from_rank(level_rank).map_or("该级别", TitleLevel::name);
    if facts.graduated > today {
        return Err("毕业时间不能晚于本月".into());
    }
    if facts.work_start > today {
        return Err("参加专业技术工作时间不能晚于本月".into());
    }
    if let Some(birth) = facts.birth {
        if facts.graduated <= birth {
            return Err("毕业时间不能早于出生日期，请核对".into());
        }
        if facts.work_start <= birth {
            return Err("参加专业技术工作时间不能早于出生日期，请核对".into());
        }
    }
    let Some(rule) = rules
        .iter()
        .find(|r| r.education == facts.education && r.level_rank == level_rank)
    else {
        let reachable: Vec<&str> = rules
            .iter()
            .filter(|r| r.education == facts.education)
            .filter_map(|r| TitleLevel::from_rank(r.level_rank).map(TitleLevel::name))
            .collect();
        return Err(if reachable.is_empty() {
            format!("{}学历不能申请职称认定", facts.education)
        } else {
            format!(
                "{}学历不能认定{level}，可认定{}",
                facts.education,
                reachable.join("或")
            )
        });
    };
    let worked = months_between(facts.graduated, today);
    if worked < rule.months {
        return Err(format!(
            "{}毕业满{}方可认定{level}，您还差{}",
            facts.education,
            span(rule.months),
            span(rule.months - worked)
        ));
    }
    Ok(())
}

/// The months of 基本情况 that cannot be true, as `(field, message)`: after this month, or
/// not after the month of birth (when known); nothing for other parts. Blank months are
/// the incomplete-part list's business.
pub fn date_errors(
    part: &str,
    values: &super::sections::Values,
    today: NaiveDate,
    birth: Option<NaiveDate>,
) -> Vec<(&'static str, String)> {
    if part != BASIC_PART {
        return Vec::new();
    }
    let this_month = (today.year(), today.month());
    [
        ("graduated", "毕业时间"),
        ("work_start", "参加专业技术工作时间"),
    ]
    .into_iter()
    .filter_map(|(key, label)| {
        let month = values
            .get(key)
            .and_then(|v| NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d").ok())?;
        let month = (month.year(), month.month());
        if month > this_month {
            Some((
                key,
                format!(
                    "{label}不能晚于本月（{}年{}月）",
                    today.year(),
                    today.month()
                ),
            ))
        } else if let Some(b) = birth.filter(|b| month <= (b.year(), b.month())) {
            Some((
                key,
                format!("{label}不能早于出生年月（{}年{}月）", b.year(), b.month()),
            ))
        } else {
            None
        }
    })
    .collect()
}

/// The nationally common conditions (`domain.md` §3.2), as the migration seeds them.
pub fn default_rules() -> Vec<Rule> {
    [
        ("中专", 1, 12),
        ("中专", 2, 60),
        ("大专", 1, 12),
        ("大专", 2, 36),
        ("本科", 2, 12),
        ("第二学士", 2, 12),
        ("硕士", 2, 0),
        ("硕士", 3, 36),
        ("博士", 3, 0),
    ]
    .into_iter()
    .map(|(education, level_rank, months)| Rule {
        education: education.into(),
        level_rank,
        months,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(education: &str, graduated: NaiveDate) -> Facts<'_> {
        Facts {
            education,
            graduated,
            work_start: graduated,
            birth: Some(d(2002, 5, 1)),
        }
    }

    #[test]
    fn a_bachelor_is_recognised_assistant_level_after_a_year() {
        let rules = default_rules();
        let today = d(2026, 4, 15);
        assert_eq!(
            check(&rules, facts("本科", d(2025, 7, 1)), 2, today),
            Err("本科毕业满1年方可认定助理级，您还差3个月".into())
        );
        assert_eq!(
            check(&rules, facts("本科", d(2025, 4, 1)), 2, today),
            Ok(())
        );
        assert_eq!(
            check(&rules, facts("大专", d(2024, 7, 1)), 2, today),
            Err("大专毕业满3年方可认定助理级，您还差1年3个月".into())
        );
        assert_eq!(
            check(&rules, facts("博士", d(2026, 4, 1)), 3, today),
            Ok(())
        );
    }

    #[test]
    fn a_level_the_education_cannot_reach_is_refused_with_what_it_can() {
        let rules = default_rules();
        assert_eq!(
            check(&rules, facts("大专", d(2015, 7, 1)), 3, d(2026, 4, 15)),
            Err("大专学历不能认定中级，可认定员级或助理级".into())
        );
    }

    #[test]
    fn months_after_this_one_are_refused_beside_their_fields() {
        let mut v = super::super::sections::Values::new();
        v.insert("graduated".into(), "2026-05".into());
        v.insert("work_start".into(), "2026-04".into());
        assert_eq!(
            date_errors(BASIC_PART, &v, d(2026, 4, 15), None),
            [("graduated", "毕业时间不能晚于本月（2026年4月）".to_string())]
        );
        assert!(date_errors("rc_info", &v, d(2026, 4, 15), None).is_empty());
        v.insert("graduated".into(), "1987-11".into());
        assert_eq!(
            date_errors(BASIC_PART, &v, d(2026, 4, 15), Some(d(1988, 6, 12))),
            [(
                "graduated",
                "毕业时间不能早于出生年月（1988年6月）".to_string()
            )]
        );
    }

    #[test]
    fn dates_in_the_future_or_before_birth_are_refused() {
        let rules = default_rules();
        let today = d(2026, 4, 15);
        assert_eq!(
            check(&rules, facts("本科", d(2026, 7, 1)), 2, today),
            Err("毕业时间不能晚于本月".into())
        );
        assert_eq!(
            check(&rules, facts("本科", d(2001, 7, 1)), 2, today),
            Err("毕业时间不能早于出生日期，请核对".into())
        );
    }
}
