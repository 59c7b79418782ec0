//! 密码策略 — the password rules (等保 complexity plus a blocklist; long passwords and
//! paste allowed).

/// Why a password was refused; the message names the rule in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRefusal {
    #[error("密码至少需要8个字符")]
    TooShort,
    #[error("密码不能超过128个字符")]
    TooLong,
    #[error("密码需包含大写字母、小写字母、数字、符号中的至少3类")]
    TooFewClasses,
    #[error("密码过于常见，容易被猜到，请换一个")]
    Common,
    #[error("密码不能包含您的账号、证件号码或手机号")]
    ContainsPersonalData,
}

/// Frequently used passwords (a small core list; extended by later issues).
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "admin123",
    "admin@123",
    "administrator",
    "qwerty123",
    "qwer1234",
    "1qaz2wsx",
    "1qaz@wsx",
    "zaq12wsx",
    "abc12345",
    "abcd1234",
    "a1234567",
    "aa123456",
    "woaini1314",
    "iloveyou1",
    "12345678a",
    "123456789a",
    "123qwe!@#",
    "qwe123!@#",
    "asdf1234",
    "zxcvbnm1",
    "welcome1",
    "letmein1",
    "changeme",
    "changeme1",
    "root1234",
    "test1234",
    "guangxi123",
    "zhicheng123",
];

/// Checks a new password. `personal` holds values it must not contain (login name,
/// ID number, phone); empty entries and entries shorter than 4 characters are ignored.
pub fn check_password(password: &str, personal: &[&str]) -> Result<(), PasswordRefusal> {
    let len = password.chars().count();
    if len < 8 {
        return Err(PasswordRefusal::TooShort);
    }
    if len > 128 {
        return Err(PasswordRefusal::TooLong);
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|x| **x).count() < 3 {
        return Err(PasswordRefusal::TooFewClasses);
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        return Err(PasswordRefusal::Common);
    }
    let contains = personal
        .iter()
        .filter(|p| p.chars().count() >= 4)
        .any(|p| lower.contains(&p.to_lowercase()));
    if contains {
        return Err(PasswordRefusal::ContainsPersonalData);
    }
    Ok(())
}

/// Staff and admins change their password at least this often (等保 for privileged roles).
pub const PRIVILEGED_MAX_AGE_DAYS: i64 = 90;

/// Whether a staff or admin password set at `changed_at` must be changed before work
/// continues; applicants' passwords do not expire.
pub fn must_change(
    role: crate::Role,
    changed_at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    role.is_staff() && now - changed_at > chrono::Duration::days(PRIVILEGED_MAX_AGE_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privileged_passwords_expire_after_ninety_days() {
        use chrono::{Duration, TimeZone, Utc};
        let set = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
        let day90 = set + Duration::days(90);
        let day91 = set + Duration::days(91);
        assert!(!must_change(crate::Role::OfficeStaff, set, day90));
        assert!(must_change(crate::Role::OfficeStaff, set, day91));
        assert!(must_change(crate::Role::SystemAdmin, set, day91));
        assert!(!must_change(
            crate::Role::Applicant,
            set,
            day91 + Duration::days(900)
        ));
    }

    #[test]
    fn accepts_strong_and_long_passwords() {
        assert_eq!(check_password("Gx-2026-zhicheng", &[]), Ok(()));
        assert_eq!(check_password("正确的马电池订书钉Aa1", &[]), Ok(()));
        assert_eq!(
            check_password(&format!("Aa1{}", "x".repeat(100)), &[]),
            Ok(())
        );
    }

    #[test]
    fn refuses_each_rule_with_its_reason() {
        assert_eq!(check_password("Aa1!", &[]), Err(PasswordRefusal::TooShort));
        assert_eq!(
            check_password("abcdefghij", &[]),
            Err(PasswordRefusal::TooFewClasses)
        );
        assert_eq!(
            check_password("Admin@123", &[]),
            Err(PasswordRefusal::Common)
        );
        assert_eq!(
            check_password("Zhang13812345678", &["13812345678"]),
            Err(PasswordRefusal::ContainsPersonalData)
        );
        assert_eq!(
            check_password(&"Aa1".repeat(50), &[]),
            Err(PasswordRefusal::TooLong)
        );
    }

    #[test]
    fn short_personal_values_do_not_block() {
        assert_eq!(check_password("Li-Secure-2026", &["li", ""]), Ok(()));
    }
}
