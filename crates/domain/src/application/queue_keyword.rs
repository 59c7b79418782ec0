//! 审核队列关键字 — what a reviewer typed in the one keyword box of a queue: a name, the
//! last four characters of an identity number, or a whole mobile number.

use crate::phone::Phone;

/// The keyword box, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueKeyword {
    /// Nothing typed.
    Any,
    /// Part of a name.
    Name(String),
    /// 证件号后4位 (digits, or three digits and the check letter X).
    IdTail(String),
    /// A whole 11-digit mobile number, normalised.
    Mobile(String),
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
            QueueKeyword::Name(s) | QueueKeyword::IdTail(s) | QueueKeyword::Mobile(s) => s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
