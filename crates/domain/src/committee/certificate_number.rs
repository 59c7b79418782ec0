//! 证书编号 — numeric only, per issuing office and year, never reused. The default format
//! (domain.md §7.2) is `YYYY` + 2-digit series + 1-digit level + 3-digit office + 5-digit
//! sequence; a deployment may give its own pattern with the placeholders `{year}`,
//! `{series}`, `{level}`, `{office}` and `{seq}`, each with a width, e.g. `{seq:5}`.

/// The default pattern.
pub const DEFAULT_PATTERN: &str = "{year:4}{series:2}{level:1}{office:3}{seq:5}";

/// What a number is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberParts {
    pub year: i32,
    pub series: i64,
    pub level: i32,
    pub office: i64,
    pub seq: i64,
}

/// Why a pattern or a number does not work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberRefusal {
    #[error("证书编号格式中有无法识别的占位符：{0}")]
    UnknownPlaceholder(String),
    #[error("证书编号格式只能由数字和占位符组成")]
    NotNumeric,
    #[error("{0}超出了证书编号格式给它的位数")]
    TooWide(&'static str),
    #[error("证书编号格式必须含有序号 {{seq:N}}")]
    NoSequence,
}

/// Formats a number; refused when a value does not fit its width (a number must never be
/// silently cut, or two certificates could share one).
pub fn format(pattern: &str, parts: NumberParts) -> Result<String, NumberRefusal> {
    let mut out = String::new();
    let mut rest = pattern;
    let mut has_seq = false;
    while let Some(open) = rest.find('{') {
        let literal = &rest[..open];
        if !literal.chars().all(|c| c.is_ascii_digit()) {
            return Err(NumberRefusal::NotNumeric);
        }
        out.push_str(literal);
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| NumberRefusal::UnknownPlaceholder(rest[open..].to_string()))?
            + open;
        let inner = &rest[open + 1..close];
        let (name, width) = inner
            .split_once(':')
            .and_then(|(n, w)| Some((n, w.parse::<usize>().ok()?)))
            .ok_or_else(|| NumberRefusal::UnknownPlaceholder(inner.to_string()))?;
        let (label, value): (&'static str, i64) = match name {
            "year" => ("年度", i64::from(parts.year)),
            "series" => ("系列代码", parts.series),
            "level" => ("级别代码", i64::from(parts.level)),
            "office" => ("发证机关代码", parts.office),
            "seq" => {
                has_seq = true;
                ("序号", parts.seq)
            }
            _ => return Err(NumberRefusal::UnknownPlaceholder(inner.to_string())),
        };
        let text = format!("{value:0width$}");
        if value < 0 || text.len() > width {
            return Err(NumberRefusal::TooWide(label));
        }
        out.push_str(&text);
        rest = &rest[close + 1..];
    }
    if !rest.chars().all(|c| c.is_ascii_digit()) {
        return Err(NumberRefusal::NotNumeric);
    }
    out.push_str(rest);
    if has_seq {
        Ok(out)
    } else {
        Err(NumberRefusal::NoSequence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(seq: i64) -> NumberParts {
        NumberParts {
            year: 2026,
            series: 1,
            level: 3,
            office: 45,
            seq,
        }
    }

    #[test]
    fn the_default_pattern_gives_fifteen_digits() {
        assert_eq!(
            format(DEFAULT_PATTERN, parts(7)).unwrap(),
            "202601304500007"
        );
        assert_eq!(
            format(DEFAULT_PATTERN, parts(99_999)).unwrap(),
            "202601304599999"
        );
        assert_eq!(format(DEFAULT_PATTERN, parts(7)).unwrap().len(), 15);
    }

    #[test]
    fn a_sequence_too_wide_is_refused_not_cut() {
        assert_eq!(
            format(DEFAULT_PATTERN, parts(100_000)),
            Err(NumberRefusal::TooWide("序号"))
        );
    }

    #[test]
    fn custom_patterns_are_checked() {
        assert_eq!(
            format("45{year:4}{seq:6}", parts(12)).unwrap(),
            "452026000012"
        );
        assert_eq!(
            format("{year:4}-{seq:5}", parts(1)),
            Err(NumberRefusal::NotNumeric)
        );
        assert_eq!(format("{year:4}", parts(1)), Err(NumberRefusal::NoSequence));
        assert_eq!(
            format("{name:4}{seq:5}", parts(1)),
            Err(NumberRefusal::UnknownPlaceholder("name:4".into()))
        );
    }
}
