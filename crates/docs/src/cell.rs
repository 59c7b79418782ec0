//! 单元格 — text made safe for a spreadsheet cell.

use std::borrow::Cow;

/// Text that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a leading tab
/// or carriage return) gets a leading apostrophe, so `=HYPERLINK(...)` typed into a form
/// stays text when someone opens or re-saves the export as CSV (ASVS 1.2.10).
pub fn formula_safe(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_characters_are_escaped_and_plain_text_is_not() {
        assert_eq!(formula_safe("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(formula_safe("+1"), "'+1");
        assert_eq!(formula_safe("-2+3"), "'-2+3");
        assert_eq!(formula_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(formula_safe("\t=1"), "'\t=1");
        assert_eq!(formula_safe("＝1"), "'＝1");
        assert_eq!(formula_safe("张三"), "张三");
        assert_eq!(formula_safe("a=b"), "a=b");
        assert_eq!(formula_safe(""), "");
    }
}
