//! 数据字典 — the rules for what the system administrator may put into the reference
//! data: series codes and names, titles, specialties and the limits of upload slots.

/// Why a series code is refused: 2–20 lowercase letters, digits or `_`, starting with a
/// letter (it appears in addresses and exports).
pub fn check_series_code(code: &str) -> Option<&'static str> {
    let ok = (2..=20).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    (!ok).then_some("系列代码为2至20位小写字母、数字或下划线，以字母开头，如 gongcheng")
}

/// Why a name (series, title, specialty) is refused: `what` names it.
pub fn check_name(what: &str, name: &str, max: usize) -> Option<String> {
    let n = name.trim().chars().count();
    if n == 0 {
        Some(format!("请填写{what}"))
    } else if n > max {
        Some(format!("{what}不能超过{max}个字"))
    } else {
        None
    }
}

/// The limits of an upload slot as typed, each already a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotLimits {
    pub required: bool,
    pub min_count: i32,
    pub max_count: i32,
    pub max_kb: i32,
    pub min_px: i32,
    /// The slot's fixed longest side (pictures are scaled to it).
    pub max_px: i32,
}

/// Every refusal of a slot's limits, as `(field, message)`.
pub fn check_slot(s: &SlotLimits) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if !(1..=50).contains(&s.max_count) {
        out.push(("max_count", "最多张数为1至50".to_string()));
    }
    if s.min_count < 0 || s.min_count > s.max_count {
        out.push((
            "min_count",
            "最少张数不能小于0，也不能多于最多张数".to_string(),
        ));
    } else if s.required && s.min_count == 0 {
        out.push(("min_count", "必传的材料至少要1张".to_string()));
    }
    if !(50..=5120).contains(&s.max_kb) {
        out.push(("max_kb", "单张大小上限为50至5120KB".to_string()));
    }
    if s.min_px < 0 || s.min_px >= s.max_px {
        out.push((
            "min_px",
            format!("最小边长为0至{}像素（0表示不限）", s.max_px - 1),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_codes_are_short_lowercase_words() {
        assert!(check_series_code("gongcheng").is_none());
        assert!(check_series_code("wei_sheng2").is_none());
        assert!(check_series_code("Gongcheng").is_some());
        assert!(check_series_code("2x").is_some());
        assert!(check_series_code("工程").is_some());
        assert!(check_series_code("g").is_some());
    }

    #[test]
    fn names_need_words_and_a_limit() {
        assert_eq!(
            check_name("系列名称", " ", 20).as_deref(),
            Some("请填写系列名称")
        );
        assert!(check_name("系列名称", "工程", 20).is_none());
        assert!(check_name("资格名称", &"高".repeat(31), 30).is_some());
    }

    #[test]
    fn slot_limits_hold_together() {
        let ok = SlotLimits {
            required: true,
            min_count: 1,
            max_count: 6,
            max_kb: 800,
            min_px: 600,
            max_px: 2400,
        };
        assert!(check_slot(&ok).is_empty());
        let bad = SlotLimits {
            min_count: 0,
            max_kb: 10,
            min_px: 2400,
            ..ok
        };
        let fields: Vec<_> = check_slot(&bad).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["min_count", "max_kb", "min_px"]);
        let inverted = SlotLimits { min_count: 7, ..ok };
        assert_eq!(check_slot(&inverted)[0].0, "min_count");
    }
}
