//! 脱敏 — masking of personal identifiers for display.

/// Masks all but the first `keep_start` and last `keep_end` characters with `*`.
/// Counts characters, not bytes, so Chinese names mask correctly.
pub fn mask_middle(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= keep_start + keep_end {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..keep_start].iter().collect();
    out.push_str(&"*".repeat(chars.len() - keep_start - keep_end));
    out.extend(&chars[chars.len() - keep_end..]);
    out
}

/// 证件号码 for staff lists: `4501**********1234`.
pub fn mask_id_number(id: &str) -> String {
    mask_middle(id, 4, 4)
}

/// 手机号 for lists: `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    mask_middle(phone, 3, 4)
}

/// 姓名 on public pages: `张*三`; two-character names keep the surname: `李*`.
pub fn mask_name(name: &str) -> String {
    match name.chars().count() {
        0 | 1 => name.to_string(),
        2 => mask_middle(name, 1, 0),
        _ => mask_middle(name, 1, 1),
    }
}

/// 邮箱 for notices and audit rows: `zh***@example.com`; the domain stays readable.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let shown: String = local.chars().take(2).collect();
            format!("{shown}***@{domain}")
        }
        None => mask_middle(email, 1, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_keeps_two_letters_and_the_domain() {
        assert_eq!(mask_email("zhangsan@example.com"), "zh***@example.com");
        assert_eq!(mask_email("a@b.cn"), "a***@b.cn");
        assert_eq!(mask_email("broken"), "b*****");
    }

    #[test]
    fn masks_match_the_design_system() {
        assert_eq!(mask_id_number("450103199001011234"), "4501**********1234");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_name("张小三"), "张*三");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_name("欧阳建国"), "欧**国");
    }

    #[test]
    fn short_values_are_fully_masked() {
        assert_eq!(mask_id_number("1234"), "****");
        assert_eq!(mask_phone(""), "");
    }
}
