//! 遗失补办 — lost-certificate replacement (seed §3.4, `domain.md` §3.4): the person
//! describes the lost certificate in 申报信息, confirms the 遗失申明, and the certificate is
//! declared void (声明作废) by a public notice for 5 working days; only after the notice
//! has run may the dossier be sent, and its result is a new certificate that names the
//! voided one. 高级 certificates are replaced by the 职改办 whose committee issued them
//! (桂职办〔2018〕72号), 中初级 by the granting authority (批准机关).

use chrono::{Datelike, NaiveDate};

use super::{
    form::{FieldKind as K, FieldSpec as F},
    sections::{PartShape, PartSpec, SectionSpec, Values},
};
use crate::{CountFrom, WorkingCalendar};

/// The part that describes the lost certificate; it starts the notice and is then frozen.
pub const INFO_PART: &str = "rp_info";

/// Working days the 遗失公示 runs (the publication day does not count).
pub const NOTICE_WORKING_DAYS: u32 = 5;

/// The lowest 高级 rank (副高级): from here the committee's 职改办 decides.
pub const SENIOR_RANK: i32 = 4;

/// The sections of a 遗失补办 application: 1 申报信息, 2 资料上传 (then 审核报送).
pub const SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        code: INFO_PART,
        number: 1,
        title: "申报信息",
        parts: &[PartSpec {
            code: INFO_PART,
            title: "1 申报信息",
            shape: PartShape::Single,
            help: "保存后请确认遗失申明：原证书随即在平台公示作废，公示期为5个工作日，期满后方可报送；\
                   公示开始后申报信息和照片不能再修改。原专业技术资格名称和报送职改办取自创建申报时的选择。",
            fields: &[
                F::req("custom_major", "自定义原专业名称", K::Choice(&["是", "否"])),
                F::req("original_major", "原专业名称", K::Text { max: 40 }),
                F::req("contact_phone", "联系电话", K::Phone),
                F::opt("original_cert_no", "原证书编号", K::Digits { max: 30 }),
                F::req(
                    "original_issuer",
                    "批准机关（授予单位）",
                    K::Text { max: 60 },
                ),
                F::req("original_obtained", "授予时间", K::Month),
            ],
        }],
    },
    SectionSpec {
        code: "rp_uploads",
        number: 2,
        title: "资料上传",
        parts: &[],
    },
];

/// 遗失申明 — the pledge confirmed with the data before the notice starts (seed §3.4).
pub const PLEDGE: &str =
    "申明：本人明白，提供材料有弄虚作假，本人愿接受相关政策规定处理，特此申明。";

/// Shown before the form: who replaces which certificate (seed §3.4).
pub const WHO_DECIDES: &str = "中初级职称证书遗失，请向授予单位（批准机关）申请；\
高级职称证书遗失，请向发证机关（评审会所在职改办）申请。一旦申请成功，原证书将作废。";

/// The last day of a notice published on `starts_on`.
pub fn notice_ends(calendar: &WorkingCalendar, starts_on: NaiveDate) -> NaiveDate {
    calendar.add_working_days(starts_on, NOTICE_WORKING_DAYS, CountFrom::NextDay)
}

/// Whether the dossier may be sent on `today`, the notice having ended on `ends_on`;
/// otherwise the refusal the person reads, with the day sending opens.
pub fn may_submit(ends_on: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if today > ends_on {
        return Ok(());
    }
    let opens = ends_on.succ_opt().unwrap_or(ends_on);
    Err(format!(
        "遗失公示期为5个工作日，至{}结束，公示期满后方可报送（{}起）",
        ymd(ends_on),
        ymd(opens)
    ))
}

/// Whether the notice is still on `/publicity` on `today`.
pub fn is_running(starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> bool {
    starts_on <= today && today <= ends_on
}

/// Dates a person could not have typed truly: 授予时间 after this month.
pub fn date_errors(values: &Values, today: NaiveDate) -> Vec<(&'static str, String)> {
    let Some(month) = values
        .get("original_obtained")
        .and_then(|v| NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d").ok())
    else {
        return Vec::new();
    };
    if (month.year(), month.month()) > (today.year(), today.month()) {
        vec![(
            "original_obtained",
            format!(
                "授予时间不能晚于本月（{}年{}月）",
                today.year(),
                today.month()
            ),
        )]
    } else {
        Vec::new()
    }
}

/// `2026-10-09` → 2026年10月9日.
fn ymd(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CalendarDay, CalendarDayKind};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_notice_started_before_national_day_ends_after_the_holiday() {
        // 国庆: 1–8 October off, Saturday 10 October worked (调休).
        let mut days: Vec<CalendarDay> = (1..=8)
            .map(|day| CalendarDay {
                date: d(10, day),
                kind: CalendarDayKind::Holiday,
                name: "国庆节".into(),
            })
            .collect();
        days.push(CalendarDay {
            date: d(10, 10),
            kind: CalendarDayKind::MakeupWorkday,
            name: "国庆节调休".into(),
        });
        let calendar = WorkingCalendar::new(days);
        // Published Tuesday 29 September: the 30th, then 9, 10 (worked Saturday), 12, 13.
        let ends = notice_ends(&calendar, d(9, 29));
        assert_eq!(ends, d(10, 13));
        assert!(may_submit(ends, d(10, 13)).is_err());
        assert!(may_submit(ends, d(10, 14)).is_ok());
        let refusal = may_submit(ends, d(10, 9)).unwrap_err();
        assert!(refusal.contains("2026年10月13日结束"), "{refusal}");
        assert!(refusal.contains("2026年10月14日起"), "{refusal}");
    }

    #[test]
    fn a_notice_is_shown_from_its_first_to_its_last_day() {
        assert!(!is_running(d(3, 2), d(3, 9), d(3, 1)));
        assert!(is_running(d(3, 2), d(3, 9), d(3, 2)));
        assert!(is_running(d(3, 2), d(3, 9), d(3, 9)));
        assert!(!is_running(d(3, 2), d(3, 9), d(3, 10)));
    }

    #[test]
    fn a_grant_month_after_this_month_is_refused() {
        let mut v = Values::new();
        v.insert("original_obtained".into(), "2026-12".into());
        assert_eq!(date_errors(&v, d(11, 30)).len(), 1);
        assert!(date_errors(&v, d(12, 1)).is_empty());
        v.insert("original_obtained".into(), "2016-07".into());
        assert!(date_errors(&v, d(11, 30)).is_empty());
    }
}
