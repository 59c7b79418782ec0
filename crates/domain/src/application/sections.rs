//! 申报表 — the 11 sections of a 职称评审 application (current version, `domain.md` §3.1)
//! and when each is complete. A section has one or more parts; a part is either one set
//! of fields or a table of rows.

use std::collections::BTreeMap;

use super::form::{FieldSpec as F, format_tenths, parse_tenths};

/// The values of one set of fields, by key.
pub type Values = BTreeMap<String, String>;

/// How a part is filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartShape {
    /// One set of fields.
    Single,
    /// A table; at least `min_rows` rows.
    Rows { min_rows: usize, max_rows: usize },
    /// 专业技术工作总结: rich text up to the configured length.
    Summary,
}

/// A part of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartSpec {
    /// Storage key, e.g. `education`.
    pub code: &'static str,
    /// Tab number and title, e.g. `2 学历情况`.
    pub title: &'static str,
    pub shape: PartShape,
    pub fields: &'static [F],
    /// A line under the title.
    pub help: &'static str,
}

/// A section of the left-hand list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionSpec {
    /// URL key, e.g. `education`.
    pub code: &'static str,
    pub number: u8,
    pub title: &'static str,
    pub parts: &'static [PartSpec],
}

pub use super::section_catalogue::{PLEDGE, SECTIONS};

/// The sections of an application of `kind`, in the order of the left-hand list.
pub fn sections_for(kind: super::ApplicationKind) -> &'static [SectionSpec] {
    match kind {
        super::ApplicationKind::Evaluation => SECTIONS,
        super::ApplicationKind::Recognition => super::recognition::SECTIONS,
        super::ApplicationKind::Reconfirmation => super::recognition::RECONFIRMATION_SECTIONS,
        super::ApplicationKind::Replacement => super::replacement::SECTIONS,
        super::ApplicationKind::Verification => super::verification::SECTIONS,
    }
}

/// Every kind's sections: 评审's first, so a key both share (`summary`) finds 评审's.
fn all_sections() -> impl Iterator<Item = &'static SectionSpec> {
    SECTIONS
        .iter()
        .chain(super::recognition::SECTIONS.iter())
        .chain(super::recognition::RECONFIRMATION_SECTIONS.iter())
        .chain(super::replacement::SECTIONS.iter())
        .chain(super::verification::SECTIONS.iter())
}

/// The section with this URL key, in any kind's form.
pub fn section(code: &str) -> Option<&'static SectionSpec> {
    all_sections().find(|s| s.code == code)
}

/// The section with this URL key in the form of `kind`.
pub fn section_in(kind: super::ApplicationKind, code: &str) -> Option<&'static SectionSpec> {
    sections_for(kind).iter().find(|s| s.code == code)
}

/// The part with this key, and its section, in any kind's form (part keys mean the same
/// fields wherever they appear).
pub fn part(code: &str) -> Option<(&'static SectionSpec, &'static PartSpec)> {
    all_sections().find_map(|s| s.parts.iter().find(|p| p.code == code).map(|p| (s, p)))
}

/// The part with this key in the form of `kind`.
pub fn part_in(
    kind: super::ApplicationKind,
    code: &str,
) -> Option<(&'static SectionSpec, &'static PartSpec)> {
    sections_for(kind)
        .iter()
        .find_map(|s| s.parts.iter().find(|p| p.code == code).map(|p| (s, p)))
}

/// What is stored for one part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PartData {
    /// Nothing saved yet.
    #[default]
    Empty,
    /// The fields of a single part.
    Single(Values),
    /// The rows of a table part, in the person's order.
    Rows(Vec<Values>),
    /// The sanitised HTML of the summary and its plain-text length.
    Summary { html: String, chars: usize },
}

/// Checks every field of a set; the cleaned values, or `(key, message)` for each refusal.
pub fn check_values(fields: &[F], raw: &Values) -> Result<Values, Vec<(&'static str, String)>> {
    let mut clean = Values::new();
    let mut errors = Vec::new();
    for f in fields {
        match f.check(raw.get(f.key).map(String::as_str).unwrap_or("")) {
            Ok(v) => {
                clean.insert(f.key.to_string(), v);
            }
            Err(msg) => errors.push((f.key, msg)),
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

/// A line of the missing-items list: the section, and what is missing there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub section: &'static str,
    pub message: String,
}

/// What a part still lacks (empty when complete).
pub fn part_missing(part: &PartSpec, data: &PartData) -> Vec<String> {
    match (part.shape, data) {
        (PartShape::Single, PartData::Single(values)) => match check_values(part.fields, values) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|(_, m)| m).collect(),
        },
        (PartShape::Single, _) => vec![format!("{}尚未填写", part.title)],
        (PartShape::Rows { min_rows, .. }, data) => {
            let rows = match data {
                PartData::Rows(rows) => rows.as_slice(),
                _ => &[],
            };
            let mut out = Vec::new();
            if rows.len() < min_rows {
                out.push(format!("{}至少需要填写{min_rows}条", part.title));
            }
            for (i, row) in rows.iter().enumerate() {
                // Name the fields, so the person knows what to open the row for.
                if let Err(errors) = check_values(part.fields, row) {
                    let labels: Vec<&str> = part
                        .fields
                        .iter()
                        .filter(|f| errors.iter().any(|(k, _)| *k == f.key))
                        .map(|f| f.label)
                        .collect();
                    out.push(format!(
                        "{}第{}条信息不完整，请补充或更正：{}",
                        part.title,
                        i + 1,
                        labels.join("、")
                    ));
                }
            }
            out
        }
        (PartShape::Summary, PartData::Summary { chars, .. }) if *chars > 0 => Vec::new(),
        (PartShape::Summary, _) => vec![format!("{}尚未填写", part.title)],
    }
}

/// Continuing-education total of one year's row, in tenths of an hour.
pub fn training_total_tenths(row: &Values) -> u32 {
    [
        "public_required",
        "public_elective",
        "professional",
        "shared",
    ]
    .iter()
    .filter_map(|k| row.get(*k).and_then(|v| parse_tenths(v)))
    .sum()
}

/// The yearly minimum of continuing education, in hours.
pub const TRAINING_MIN_HOURS: u32 = 90;

/// The total as shown, and whether it is under the yearly minimum.
pub fn training_total(row: &Values) -> (String, bool) {
    let t = training_total_tenths(row);
    (format_tenths(t), t < TRAINING_MIN_HOURS * 10)
}

/// 专业技术工作年限: full years from the month work began (`YYYY-MM`) to `today`.
pub fn years_of_work(work_start: &str, today: chrono::NaiveDate) -> Option<u32> {
    use chrono::Datelike;
    let start = chrono::NaiveDate::parse_from_str(&format!("{work_start}-01"), "%Y-%m-%d").ok()?;
    if start > today {
        return None;
    }
    let mut years = today.year() - start.year();
    if today.month() < start.month() {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// Values from `(field, value)` pairs, as a form posts them (for the tests of the parts).
#[cfg(test)]
pub(crate) fn values_of(pairs: &[(&str, &str)]) -> Values {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_eleven_sections_with_unique_part_codes() {
        assert_eq!(SECTIONS.len(), 11);
        let mut codes: Vec<&str> = SECTIONS
            .iter()
            .flat_map(|s| s.parts.iter().map(|p| p.code))
            .collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
        assert_eq!(part("awards").map(|(s, _)| s.code), Some("achievements"));
    }

    #[test]
    fn a_table_needs_its_minimum_rows_and_complete_rows() {
        let (_, edu) = part("education").unwrap();
        assert_eq!(
            part_missing(edu, &PartData::Empty),
            ["2 学历情况至少需要填写1条"]
        );
        let (_, education) = crate::application::sample::PARTS
            .iter()
            .find(|(path, _)| *path == "education/rows")
            .unwrap();
        let row = values_of(education);
        assert!(part_missing(edu, &PartData::Rows(vec![row.clone()])).is_empty());
        let mut broken = row;
        broken.remove("school");
        broken.remove("major");
        assert_eq!(
            part_missing(edu, &PartData::Rows(vec![broken])),
            ["2 学历情况第1条信息不完整，请补充或更正：毕业学校、专业"]
        );
        let (_, awards) = part("awards").unwrap();
        assert!(
            part_missing(awards, &PartData::Empty).is_empty(),
            "optional table"
        );
    }

    #[test]
    fn training_hours_add_up_and_warn_under_ninety() {
        let row = values_of(&[
            ("year", "2024"),
            ("public_required", "30"),
            ("public_elective", "10.5"),
            ("professional", "40"),
        ]);
        assert_eq!(training_total(&row), ("80.5".to_string(), true));
        let full = values_of(&[("public_required", "30"), ("professional", "60")]);
        assert_eq!(training_total(&full), ("90".to_string(), false));
    }

    #[test]
    fn years_of_work_count_full_years() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(years_of_work("2010-07", today), Some(16));
        assert_eq!(years_of_work("2010-12", today), Some(15));
        assert_eq!(years_of_work("2027-01", today), None);
    }
}
