//! 申报表字段 — a field of an application section, how it is typed and how it is checked.
//! Checks are pure: a value in, the cleaned value or a Chinese message out.

use chrono::NaiveDate;

/// How a field is entered and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text up to `max` characters.
    Text { max: usize },
    /// Several lines of plain text up to `max` characters.
    Note { max: usize },
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A month, `YYYY-MM`.
    Month,
    /// A year, `YYYY`.
    Year,
    /// One of fixed choices.
    Choice(&'static [&'static str]),
    /// A whole number in a range.
    Number { min: i64, max: i64 },
    /// Hours with up to one decimal (继续教育学时), 0–999.
    Hours,
    /// A mobile or landline number.
    Phone,
    /// An e-mail address.
    Email,
    /// Digits only, up to `max` (证书编号: Guangxi numbers have no letters).
    Digits { max: usize },
    /// A title name from the 职称目录 (the database's catalogue, which the service checks),
    /// up to `max` characters.
    Catalogue { max: usize },
}

/// One field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Form and storage key.
    pub key: &'static str,
    /// Label (the seed's words).
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

impl FieldSpec {
    /// A required field.
    pub const fn req(key: &'static str, label: &'static str, kind: FieldKind) -> Self {
        Self {
            key,
            label,
            kind,
            required: true,
        }
    }

    /// An optional field.
    pub const fn opt(key: &'static str, label: &'static str, kind: FieldKind) -> Self {
        Self {
            key,
            label,
            kind,
            required: false,
        }
    }

    /// The choices of a choice field.
    pub fn choices(&self) -> &'static [&'static str] {
        match self.kind {
            FieldKind::Choice(c) => c,
            _ => &[],
        }
    }

    /// The HTML input type that suits the field.
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            FieldKind::Date => "date",
            FieldKind::Month => "month",
            FieldKind::Email => "email",
            FieldKind::Phone => "tel",
            _ => "text",
        }
    }

    /// A hint shown under the label, if the format needs one.
    pub fn hint(&self) -> Option<&'static str> {
        match self.kind {
            FieldKind::Date => Some("格式：2020-09-01"),
            FieldKind::Month => Some("格式：2020-09"),
            FieldKind::Year => Some("格式：2024"),
            FieldKind::Hours => Some("学时，可含一位小数"),
            _ => None,
        }
    }

    /// Checks one typed value: the cleaned value (empty for a blank optional field) or
    /// the message shown beside the field.
    pub fn check(&self, raw: &str) -> Result<String, String> {
        let v = raw.trim();
        if v.is_empty() {
            return if self.required {
                Err(format!(
                    "请{}{}",
                    if matches!(self.kind, FieldKind::Choice(_)) {
                        "选择"
                    } else {
                        "填写"
                    },
                    self.label
                ))
            } else {
                Ok(String::new())
            };
        }
        let label = self.label;
        match self.kind {
            FieldKind::Text { max } | FieldKind::Note { max } | FieldKind::Catalogue { max } => {
                let n = v.chars().count();
                if n > max {
                    Err(format!("{label}不能超过{max}个字（现有{n}个）"))
                } else {
                    Ok(v.to_string())
                }
            }
            FieldKind::Date => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .filter(plausible)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .ok_or_else(|| format!("{label}应为有效日期，例如 2020-09-01")),
            FieldKind::Month => NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d")
                .ok()
                .filter(plausible)
                .map(|d| d.format("%Y-%m").to_string())
                .ok_or_else(|| format!("{label}应为有效年月，例如 2020-09")),
            FieldKind::Year => v
                .parse::<i32>()
                .ok()
                .filter(|y| (1950..=2100).contains(y))
                .map(|y| y.to_string())
                .ok_or_else(|| format!("{label}应为四位年份，例如 2024")),
            FieldKind::Choice(choices) => choices
                .iter()
                .find(|c| **c == v)
                .map(|c| c.to_string())
                .ok_or_else(|| format!("请从列表中选择{label}")),
            FieldKind::Number { min, max } => v
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .map(|n| n.to_string())
                .ok_or_else(|| format!("{label}应为{min}到{max}之间的整数")),
            FieldKind::Hours => parse_tenths(v)
                .filter(|t| *t <= 9990)
                .map(format_tenths)
                .ok_or_else(|| format!("{label}应为0到999之间的数字，最多一位小数")),
            FieldKind::Phone => {
                let digits: String = v.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
                if (7..=13).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
                    Ok(digits)
                } else {
                    Err(format!("{label}应为手机号或带区号的固定电话"))
                }
            }
            FieldKind::Digits { max } => {
                let n = v.chars().count();
                if !v.chars().all(|c| c.is_ascii_digit()) {
                    Err(format!("{label}只能是数字（如果没有，可以不填）"))
                } else if n > max {
                    Err(format!("{label}不能超过{max}位（现有{n}位）"))
                } else {
                    Ok(v.to_string())
                }
            }
            FieldKind::Email => crate::email::Email::parse(v)
                .map(|e| e.as_str().to_string())
                .map_err(|e| e.to_string()),
        }
    }
}

/// Dates in a dossier lie between 1950 and 2100; anything else is a typing slip.
fn plausible(d: &NaiveDate) -> bool {
    (1950..=2100).contains(&chrono::Datelike::year(d))
}

/// Parses hours such as `12` or `12.5` into tenths of an hour.
pub fn parse_tenths(v: &str) -> Option<u32> {
    let (whole, frac) = match v.split_once('.') {
        Some((w, f)) => (w, f),
        None => (v, ""),
    };
    if whole.is_empty() || frac.len() > 1 {
        return None;
    }
    let w: u32 = whole.parse().ok()?;
    let f: u32 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    w.checked_mul(10)?.checked_add(f)
}

/// Formats tenths of an hour as `12` or `12.5`.
pub fn format_tenths(t: u32) -> String {
    if t.is_multiple_of(10) {
        (t / 10).to_string()
    } else {
        format!("{}.{}", t / 10, t % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_fields_name_themselves() {
        let f = FieldSpec::req("school", "毕业学校", FieldKind::Text { max: 60 });
        assert_eq!(f.check("  "), Err("请填写毕业学校".into()));
        let c = FieldSpec::req("degree", "学位", FieldKind::Choice(&["无", "学士"]));
        assert_eq!(c.check(""), Err("请选择学位".into()));
        assert_eq!(c.check("博士"), Err("请从列表中选择学位".into()));
        assert_eq!(c.check("学士"), Ok("学士".into()));
        let o = FieldSpec::opt("old_name", "曾用名", FieldKind::Text { max: 20 });
        assert_eq!(o.check(""), Ok(String::new()));
    }

    #[test]
    fn dates_months_and_numbers_are_real() {
        let d = FieldSpec::req("d", "取得时间", FieldKind::Date);
        assert_eq!(
            d.check("2021-02-29"),
            Err("取得时间应为有效日期，例如 2020-09-01".into())
        );
        assert_eq!(d.check("2020-02-29"), Ok("2020-02-29".into()));
        let m = FieldSpec::req("m", "毕业时间", FieldKind::Month);
        assert_eq!(m.check("2019-7"), Ok("2019-07".into()));
        assert!(m.check("2019-13").is_err());
        assert!(m.check("1900-01").is_err(), "implausible year");
        let n = FieldSpec::req("n", "学制", FieldKind::Number { min: 1, max: 8 });
        assert_eq!(n.check("4"), Ok("4".into()));
        assert!(n.check("0").is_err());
        let t = FieldSpec::req("t", "专业学时", FieldKind::Text { max: 3 });
        assert!(t.check("四个字啊").is_err());
    }

    #[test]
    fn hours_keep_one_decimal() {
        let h = FieldSpec::req("h", "专业学时", FieldKind::Hours);
        assert_eq!(h.check("12.5"), Ok("12.5".into()));
        assert_eq!(h.check("12.0"), Ok("12".into()));
        assert!(h.check("12.55").is_err());
        assert!(h.check("-3").is_err());
        assert!(h.check("1000").is_err());
        assert_eq!(parse_tenths("90"), Some(900));
    }
}
