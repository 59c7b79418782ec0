//! 证件号码 — identity document numbers, and the GB 11643 check of 居民身份证 numbers.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// 证件类型 — the identity documents a person may register with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 居民身份证
    ResidentId,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 外国人永久居留身份证
    ForeignPermanentResident,
    /// 护照
    Passport,
}

impl DocumentKind {
    /// Every kind, in the order the form offers them.
    pub const ALL: [DocumentKind; 5] = [
        Self::ResidentId,
        Self::HkMacaoPermit,
        Self::TaiwanPermit,
        Self::ForeignPermanentResident,
        Self::Passport,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::ResidentId => "resident_id",
            Self::HkMacaoPermit => "hk_macao_permit",
            Self::TaiwanPermit => "taiwan_permit",
            Self::ForeignPermanentResident => "foreign_permanent_resident",
            Self::Passport => "passport",
        }
    }

    /// Name shown in the form.
    pub fn name(self) -> &'static str {
        match self {
            Self::ResidentId => "居民身份证",
            Self::HkMacaoPermit => "港澳居民来往内地通行证",
            Self::TaiwanPermit => "台湾居民来往大陆通行证",
            Self::ForeignPermanentResident => "外国人永久居留身份证",
            Self::Passport => "护照",
        }
    }

    /// Parses a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Why an identity number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberRefusal {
    #[error("请填写证件号码")]
    Empty,
    #[error("居民身份证号码应为18位（最后一位可以是X）")]
    WrongLength,
    #[error("居民身份证号码前17位只能是数字，最后一位是数字或X")]
    BadCharacters,
    #[error("居民身份证号码中的出生日期不存在，请核对")]
    BadBirthDate,
    #[error("根据证件号码，年龄应在16至100周岁之间")]
    AgeOutOfRange,
    #[error("居民身份证号码校验位不正确，请核对后重新输入")]
    BadChecksum,
    #[error("证件号码格式不正确：只能包含字母、数字，长度5至20位")]
    BadOtherDocument,
}

/// A checked, normalised identity number (upper-case, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber {
    pub kind: DocumentKind,
    value: String,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The GB 11643 (ISO 7064 MOD 11-2) check character of the first 17 digits.
pub fn resident_id_check_char(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

impl IdNumber {
    /// Checks and normalises a number typed by a person; `today` bounds the age (16–100).
    pub fn parse(
        kind: DocumentKind,
        input: &str,
        today: NaiveDate,
    ) -> Result<IdNumber, IdNumberRefusal> {
        let value: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if value.is_empty() {
            return Err(IdNumberRefusal::Empty);
        }
        if kind != DocumentKind::ResidentId {
            let ok =
                (5..=20).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric());
            return if ok {
                Ok(IdNumber { kind, value })
            } else {
                Err(IdNumberRefusal::BadOtherDocument)
            };
        }
        // Length before slicing: a short input must never panic.
        if value.chars().count() != 18 {
            return Err(IdNumberRefusal::WrongLength);
        }
        let bytes = value.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberRefusal::BadCharacters);
        }
        let birth = NaiveDate::parse_from_str(&value[6..14], "%Y%m%d")
            .map_err(|_| IdNumberRefusal::BadBirthDate)?;
        if birth > today {
            return Err(IdNumberRefusal::BadBirthDate);
        }
        if !(16..=100).contains(&age_on(birth, today)) {
            return Err(IdNumberRefusal::AgeOutOfRange);
        }
        if resident_id_check_char(&bytes[..17]) != bytes[17] as char {
            return Err(IdNumberRefusal::BadChecksum);
        }
        Ok(IdNumber { kind, value })
    }

    /// The normalised number.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Birth date, for 居民身份证 numbers.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        (self.kind == DocumentKind::ResidentId)
            .then(|| NaiveDate::parse_from_str(&self.value[6..14], "%Y%m%d").ok())
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn parse(s: &str) -> Result<IdNumber, IdNumberRefusal> {
        IdNumber::parse(DocumentKind::ResidentId, s, today())
    }

    /// Builds a valid number from its first 17 digits.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", resident_id_check_char(first17.as_bytes()))
    }

    #[test]
    fn the_standard_examples() {
        assert_eq!(
            parse("11010519491231002X").unwrap().as_str(),
            "11010519491231002X"
        );
        assert_eq!(
            parse("11010519491231002x").unwrap().as_str(),
            "11010519491231002X",
            "lower-case x"
        );
        assert_eq!(
            parse("110105194912310021"),
            Err(IdNumberRefusal::BadChecksum)
        );
    }

    #[test]
    fn impossible_dates_and_ages_are_refused() {
        assert_eq!(
            parse(&with_check("45010320230229123")),
            Err(IdNumberRefusal::BadBirthDate),
            "2023 is not a leap year"
        );
        assert!(parse(&with_check("45010319920229123")).is_ok(), "1992 is");
        assert_eq!(
            parse(&with_check("45010320300101123")),
            Err(IdNumberRefusal::BadBirthDate),
            "future"
        );
        assert_eq!(
            parse(&with_check("45010320150101123")),
            Err(IdNumberRefusal::AgeOutOfRange),
            "too young"
        );
        assert_eq!(
            parse(&with_check("45010319200101123")),
            Err(IdNumberRefusal::AgeOutOfRange),
            "too old"
        );
        assert!(parse(&with_check("45010320101126123")).is_ok(), "16 today");
        assert_eq!(
            parse(&with_check("45010320101127123")),
            Err(IdNumberRefusal::AgeOutOfRange),
            "16 tomorrow"
        );
    }

    #[test]
    fn malformed_input_never_panics() {
        assert_eq!(parse(""), Err(IdNumberRefusal::Empty));
        assert_eq!(
            parse("450103900101123"),
            Err(IdNumberRefusal::WrongLength),
            "old 15-digit numbers"
        );
        assert_eq!(parse("4501"), Err(IdNumberRefusal::WrongLength));
        assert_eq!(
            parse("4501031990010112３4"),
            Err(IdNumberRefusal::BadCharacters),
            "full-width digit"
        );
        assert_eq!(
            parse("45010319900101123Y"),
            Err(IdNumberRefusal::BadCharacters)
        );
        assert_eq!(
            parse("张三李四王五赵六钱七孙八周九吴十郑一王"),
            Err(IdNumberRefusal::WrongLength)
        );
    }

    #[test]
    fn other_documents_are_checked_for_shape_only() {
        let p = IdNumber::parse(DocumentKind::Passport, " e1234 5678 ", today()).unwrap();
        assert_eq!(p.as_str(), "E12345678");
        assert_eq!(
            IdNumber::parse(DocumentKind::HkMacaoPermit, "H12-34", today()),
            Err(IdNumberRefusal::BadOtherDocument)
        );
        assert_eq!(
            DocumentKind::from_code("taiwan_permit"),
            Some(DocumentKind::TaiwanPermit)
        );
    }
}
