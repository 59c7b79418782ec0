//! 审核队列关键字 — what a reviewer typed in the one keyword box of a queue: a name, the
//! last four characters of an identity number, a whole identity number, or a whole mobile
//! number.

use crate::{id_card::resident_id_check_char, phone::Phone};

/// The keyword box, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueKeyword {
    /// Nothing typed.
    Any,
    /// Part of a name.
    Name(String),
    /// 证件号后4位 (digits, or three digits and the check letter X).
    IdTail(String),
    /// A whole 18-character 居民身份证号码 with a valid check character, upper-case.
    IdNumber(String),
    /// A whole 11-digit mobile number, normalised.
    Mobile(String),
}

/// Whether `s` is a whole resident identity number: 17 digits and the right check
/// character (a typo is read as a name and finds nothing, as it should).
fn is_whole_id_number(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && char::from(bytes[17]) == resident_id_check_char(&bytes[..17])
}

impl QueueKeyword {
    /// Reads the box. LIKE wildcards are dropped so a name search cannot widen itself,
    /// and the box is cut at 20 characters.
    pub fn read(input: &str) -> QueueKeyword {
        let typed: String = input
            .trim()
            .chars()
            .filter(|c| *c != '%' && *c != '_' && *c != '\\')
            .take(20)
            .collect();
        if typed.is_empty() {
            return QueueKeyword::Any;
        }
        let upper = typed.to_uppercase();
        let is_tail = upper.chars().count() == 4
            && upper.chars().take(3).all(|c| c.is_ascii_digit())
            && upper
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_digit() || c == 'X');
        if is_tail {
            return QueueKeyword::IdTail(upper);
        }
        let compact: String = upper.chars().filter(|c| *c != ' ').collect();
        if is_whole_id_number(&compact) {
            return QueueKeyword::IdNumber(compact);
        }
        if typed
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
            && let Ok(phone) = Phone::parse(&typed)
        {
            return QueueKeyword::Mobile(phone.as_str().to_string());
        }
        QueueKeyword::Name(typed)
    }

    /// The text to show back in the box.
    pub fn shown(&self) -> &str {
        match self {
            QueueKeyword::Any => "",
            QueueKeyword::Name(s)
            | QueueKeyword::IdTail(s)
            | QueueKeyword::IdNumber(s)
            | QueueKeyword::Mobile(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_identity_number_is_read_as_one_only_with_its_check_character() {
        assert_eq!(
            QueueKeyword::read(" 450103198806121237 "),
            QueueKeyword::IdNumber("450103198806121237".into())
        );
        assert_eq!(
            QueueKeyword::read("11010519491231002x"),
            QueueKeyword::IdNumber("11010519491231002X".into())
        );
        // One digit wrong: not an identity number (and not a mobile either).
        assert_eq!(
            QueueKeyword::read("450103198806121238"),
            QueueKeyword::Name("450103198806121238".into())
        );
    }

    #[test]
    fn reads_each_kind_of_keyword() {
        assert_eq!(QueueKeyword::read("  "), QueueKeyword::Any);
        assert_eq!(
            QueueKeyword::read("张三"),
            QueueKeyword::Name("张三".into())
        );
        assert_eq!(
            QueueKeyword::read("1234"),
            QueueKeyword::IdTail("1234".into())
        );
        assert_eq!(
            QueueKeyword::read("123x"),
            QueueKeyword::IdTail("123X".into())
        );
        assert_eq!(
            QueueKeyword::read("138 1234 5678"),
            QueueKeyword::Mobile("13812345678".into())
        );
        // Not a mobile (too short), not a tail: searched as text, which finds nothing harmful.
        assert_eq!(
            QueueKeyword::read("12345"),
            QueueKeyword::Name("12345".into())
        );
    }

    #[test]
    fn wildcards_cannot_widen_a_name_search() {
        assert_eq!(QueueKeyword::read("%"), QueueKeyword::Any);
        assert_eq!(QueueKeyword::read("张_%"), QueueKeyword::Name("张".into()));
    }
}
