//! 金额 — money as integer fen. Floats never hold an amount: 0.1 + 0.2 is not 0.3 yuan.

use std::fmt;

/// An amount in fen (分), never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

/// Alipay's bounds for `total_amount`: 0.01 to 100,000,000 yuan.
pub const MAX_FEN: i64 = 10_000_000_000;

/// Why a typed amount was refused, in the words shown beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("请填写金额，例如 50 或 50.00")]
    Empty,
    #[error("金额只能是数字，最多两位小数，例如 50.00")]
    Malformed,
    #[error("金额应在0.01元至1亿元之间")]
    OutOfRange,
}

impl Fen {
    /// Parses yuan as people and Alipay write it: `50`, `50.5`, `50.00`. No sign, no
    /// exponent, at most two decimals.
    pub fn parse_yuan(text: &str) -> Result<Fen, MoneyError> {
        let t = text.trim().trim_end_matches('元').trim();
        if t.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 || whole.len() > 12
        {
            return Err(MoneyError::Malformed);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Malformed)?;
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| MoneyError::Malformed)? * 10,
            _ => frac.parse().map_err(|_| MoneyError::Malformed)?,
        };
        let fen = whole * 100 + frac;
        if !(1..=MAX_FEN).contains(&fen) {
            return Err(MoneyError::OutOfRange);
        }
        Ok(Fen(fen))
    }

    /// The amount as Alipay's `total_amount`: yuan with exactly two decimals.
    pub fn yuan(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.yuan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_round_trips_without_floats() {
        assert_eq!(Fen::parse_yuan("50"), Ok(Fen(5000)));
        assert_eq!(Fen::parse_yuan("50.5"), Ok(Fen(5050)));
        assert_eq!(Fen::parse_yuan(" 0.01 "), Ok(Fen(1)));
        assert_eq!(Fen::parse_yuan("300.00元"), Ok(Fen(30000)));
        assert_eq!(Fen(5000).yuan(), "50.00");
        assert_eq!(Fen(7).yuan(), "0.07");
        assert_eq!(Fen(123456).to_string(), "1234.56");
    }

    #[test]
    fn odd_amounts_are_refused_with_a_reason() {
        assert_eq!(Fen::parse_yuan(""), Err(MoneyError::Empty));
        for bad in ["-1", "1e3", "5.001", "五十", "1,000", ".5", "5."] {
            let got = Fen::parse_yuan(bad);
            assert!(
                got == Err(MoneyError::Malformed) || (bad == "5." && got == Ok(Fen(500))),
                "{bad}: {got:?}"
            );
        }
        assert_eq!(Fen::parse_yuan("0"), Err(MoneyError::OutOfRange));
        assert_eq!(Fen::parse_yuan("100000000.01"), Err(MoneyError::OutOfRange));
    }
}
