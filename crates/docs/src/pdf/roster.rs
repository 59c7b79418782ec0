//! 公示表 as a PDF — the unit's 单位内部公示表 and the 职改办's 评审结果公示表: a title,
//! the publicity period, one row per person and the issuer with the date.

use serde_json::json;

use super::{PdfError, render};

const TEMPLATE: &str = include_str!("../../templates/roster.typ");

/// What the 公示表 shows.
#[derive(Debug, Clone)]
pub struct RosterDoc<'a> {
    pub title: &'a str,
    /// Lines above the table (the period, what is published).
    pub intro: Vec<String>,
    pub headers: Vec<&'a str>,
    pub rows: Vec<Vec<String>>,
    /// Lines below the table (where to object).
    pub closing: Vec<String>,
    /// The publishing unit or office, and the date under it.
    pub issuer: &'a str,
    pub date: &'a str,
    /// Wide tables print on landscape pages.
    pub landscape: bool,
}

/// The 公示表 as an A4 PDF.
pub fn roster(r: &RosterDoc<'_>) -> Result<Vec<u8>, PdfError> {
    let data = json!({
        "title": r.title,
        "intro": r.intro,
        "headers": r.headers,
        "rows": r.rows,
        "closing": r.closing,
        "issuer": r.issuer,
        "date": r.date,
        "landscape": r.landscape,
    });
    render("roster", TEMPLATE, &data, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::test_support::text_of;

    #[test]
    fn a_roster_lists_every_row_under_its_title() {
        let rows = (1..=60)
            .map(|i| vec![i.to_string(), format!("申报人{i}"), "工程师".into()])
            .collect();
        let pdf = roster(&RosterDoc {
            title: "单位内部公示表",
            intro: vec!["公示期：2026年12月1日至2026年12月7日".into()],
            headers: vec!["序号", "姓名", "申报资格"],
            rows,
            closing: vec!["如有异议，请向单位人事部门反映。".into()],
            issuer: "广西壮美建设工程有限公司",
            date: "2026年12月1日",
            landscape: false,
        })
        .unwrap();
        let text = text_of(&pdf);
        assert!(text.contains("单位内部公示表"));
        assert!(text.contains("申报人60"));
        assert!(text.contains("广西壮美建设工程有限公司"));
    }
}
