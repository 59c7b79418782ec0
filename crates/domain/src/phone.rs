//! 手机号 — mainland mobile numbers, normalised before they are checked or stored.

/// Why a mobile number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneRefusal {
    #[error("请填写手机号码")]
    Empty,
    #[error("手机号码应为以1开头的11位数字")]
    Invalid,
}

/// A normalised mainland mobile number: 11 ASCII digits starting with 1[3-9].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts spaces, hyphens, full-width digits and a `+86`/`0086`/`86` prefix.
    pub fn parse(input: &str) -> Result<Phone, PhoneRefusal> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '－' | '(' | ')'))
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '＋' => '+',
                _ => c,
            })
            .collect();
        if digits.is_empty() {
            return Err(PhoneRefusal::Empty);
        }
        let local = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| {
                (digits.len() == 13)
                    .then(|| digits.strip_prefix("86"))
                    .flatten()
            })
            .unwrap_or(&digits);
        let b = local.as_bytes();
        let ok = b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1]);
        if ok {
            Ok(Phone(local.to_string()))
        } else {
            Err(PhoneRefusal::Invalid)
        }
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_ways_of_typing_a_number() {
        for input in [
            "13812345678",
            "+86 138 1234 5678",
            "0086-138-1234-5678",
            "8613812345678",
            "１３８１２３４５６７８",
            "＋86 13812345678",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap().as_str(),
                "13812345678",
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_mobile() {
        assert_eq!(Phone::parse(""), Err(PhoneRefusal::Empty));
        for input in [
            "12812345678",
            "1381234567",
            "138123456789",
            "0771-5505013",
            "1381234567a",
        ] {
            assert_eq!(Phone::parse(input), Err(PhoneRefusal::Invalid), "{input}");
        }
    }
}
