//! 统一社会信用代码 — the 18-character unified social credit code of an organisation
//! (GB 32100-2015).

/// The 31 characters allowed (no I, O, S, V, Z), in value order.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a credit code was refused outright.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeRefusal {
    #[error("请填写统一社会信用代码")]
    Empty,
    #[error("统一社会信用代码应为18位")]
    WrongLength,
    #[error("统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）")]
    BadCharacters,
}

/// A well-formed credit code. Some early codes fail the checksum yet are legal, so a bad
/// check character is recorded for manual review rather than refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode {
    value: String,
    /// The check character matches GB 32100.
    pub checksum_ok: bool,
}

/// The check character for the first 17 characters (which must be in the charset).
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += CHARSET.find(c)? as u32 * w;
    }
    let check = (31 - sum % 31) % 31;
    CHARSET.chars().nth(check as usize)
}

impl CreditCode {
    /// Normalises (trim, upper-case) and checks a typed code.
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeRefusal> {
        let value: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if value.is_empty() {
            return Err(CreditCodeRefusal::Empty);
        }
        if value.chars().count() != 18 {
            return Err(CreditCodeRefusal::WrongLength);
        }
        if !value.chars().all(|c| CHARSET.contains(c)) {
            return Err(CreditCodeRefusal::BadCharacters);
        }
        let checksum_ok = check_char(&value[..17]) == value.chars().nth(17);
        Ok(CreditCode { value, checksum_ok })
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// 登记管理部门代码 + 机构类别代码, e.g. `91` for an enterprise registered with 市场监管.
    pub fn category(&self) -> &str {
        &self.value[..2]
    }

    /// 登记管理机关行政区划码 (6 digits).
    pub fn region_code(&self) -> &str {
        &self.value[2..8]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_codes_pass() {
        for code in [
            "91450100MA5K3T7Q0Y",
            "12450000MB1A2C3D4E",
            "91350100M000100Y43",
            "91110000802100433B",
        ] {
            let c = CreditCode::parse(code).unwrap();
            assert!(c.checksum_ok, "{code}");
        }
        let c = CreditCode::parse(" 91450100ma5k3t7q0y ").unwrap();
        assert_eq!(
            (c.as_str(), c.category(), c.region_code()),
            ("91450100MA5K3T7Q0Y", "91", "450100")
        );
    }

    #[test]
    fn a_bad_check_character_is_flagged_not_refused() {
        let c = CreditCode::parse("91450100MA5K3T7Q0X").unwrap();
        assert!(!c.checksum_ok);
    }

    #[test]
    fn malformed_codes_are_refused() {
        assert_eq!(CreditCode::parse(""), Err(CreditCodeRefusal::Empty));
        assert_eq!(
            CreditCode::parse("9145010"),
            Err(CreditCodeRefusal::WrongLength)
        );
        assert_eq!(
            CreditCode::parse("91450100MA5K3T7QOY"),
            Err(CreditCodeRefusal::BadCharacters),
            "letter O"
        );
        assert_eq!(
            CreditCode::parse("统一社会信用代码统一社会信用代码统一"),
            Err(CreditCodeRefusal::BadCharacters)
        );
    }
}
