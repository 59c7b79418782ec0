//! 电子邮箱 — a pragmatic e-mail address check (the confirmation link proves the rest).

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailRefusal {
    #[error("请填写电子邮箱")]
    Empty,
    #[error("电子邮箱格式不正确，例如 zhangsan@example.com")]
    Invalid,
}

/// A normalised address: trimmed, domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Checks the shape `local@domain.tld` without spaces, at most 254 characters.
    pub fn parse(input: &str) -> Result<Email, EmailRefusal> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailRefusal::Empty);
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(EmailRefusal::Invalid);
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.chars().any(char::is_whitespace);
        if s.len() > 254 || !domain_ok || !local_ok {
            return Err(EmailRefusal::Invalid);
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        assert_eq!(
            Email::parse(" Zhang.San@Example.COM ").unwrap().as_str(),
            "Zhang.San@example.com"
        );
        assert!(Email::parse("li+si@mail.gxrc.gov.cn").is_ok());
    }

    #[test]
    fn refuses_malformed_addresses() {
        assert_eq!(Email::parse(""), Err(EmailRefusal::Empty));
        for bad in [
            "zhangsan", "a@b", "a@.cn", "a b@c.cn", "@c.cn", "a@c..cn", "a@b@c.cn",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailRefusal::Invalid), "{bad}");
        }
    }
}
