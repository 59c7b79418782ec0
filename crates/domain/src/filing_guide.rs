//! 填报说明 — the filing guide an applicant reads before 报送: the policies to know and
//! where to find them, kept by each 职改办 per year with links to the policy documents of
//! each series. Until an office writes its own, the platform's words (the seed's) stand.

/// The seed's 填报说明, one paragraph per line.
pub const DEFAULT_GUIDE: &str = "欢迎您参加广西壮族自治区专业技术资格的申报，为使您更为准确的掌握申报评审的相关政策，减少因政策原因导致的申报障碍，敬请认真阅读并掌握评审相关的政策规定。主要包括以下政策：
1. 国家、自治区职称管理方面的政策文件；
2. 关于专业技术资格评审的一般程序规定及要求；
3. 个人所选择申报系列的专业技术资格评审条件；
4. 相关专项职称评审政策；
5. 当年度的自治区评审部署文件及所选择申报系列的评审部署文件；
6. 其他根据个人情况需要掌握的职称政策；
以上政策均可在广西壮族自治区人力资源和社会保障厅网站上“年度职称评审工作专题”查询到；如网站查询不到或对政策文件把握不准，您也可根据我们在该网站提供的联系方式选择到您申报的评委会咨询了解。";

/// Longest guide, in characters.
pub const BODY_MAX: usize = 3000;

/// What is wrong with a guide's text, if anything.
pub fn check_body(body: &str) -> Option<String> {
    match body.trim().chars().count() {
        0..20 => Some("请填写填报说明（至少20个字）".into()),
        n if n > BODY_MAX => Some(format!("填报说明不能超过{BODY_MAX}个字（现有{n}个）")),
        _ => None,
    }
}

/// What is wrong with a policy link's title, if anything.
pub fn check_title(title: &str) -> Option<String> {
    match title.trim().chars().count() {
        0..2 => Some("请填写政策文件名称".into()),
        61.. => Some("政策文件名称不能超过60个字".into()),
        _ => None,
    }
}

/// What is wrong with a policy link's address, if anything: only a whole http(s) address
/// (a `javascript:` link in an applicant's page would run in their session).
pub fn check_url(url: &str) -> Option<String> {
    let url = url.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    let host = url.split("://").nth(1).unwrap_or("");
    if !scheme_ok || host.is_empty() || host.starts_with('/') {
        Some("请填写以 https:// 或 http:// 开头的完整网址".into())
    } else if url.chars().any(char::is_whitespace) {
        Some("网址中不能有空格".into())
    } else if url.len() > 300 {
        Some("网址不能超过300个字符".into())
    } else {
        None
    }
}

/// The guide's paragraphs, blank lines left out.
pub fn paragraphs(body: &str) -> Vec<&str> {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_seeds_six_kinds_of_policy() {
        let p = paragraphs(DEFAULT_GUIDE);
        assert_eq!(p.len(), 8);
        assert!(p[3].starts_with("3. 个人所选择申报系列的专业技术资格评审条件"));
        assert_eq!(check_body(DEFAULT_GUIDE), None);
    }

    #[test]
    fn bad_guides_and_links_are_named() {
        assert_eq!(
            check_body("太短"),
            Some("请填写填报说明（至少20个字）".into())
        );
        assert!(
            check_body(&"字".repeat(3001))
                .unwrap()
                .contains("现有3001个")
        );
        assert_eq!(check_title(" "), Some("请填写政策文件名称".into()));
        assert_eq!(check_url("https://rst.gxzf.gov.cn/zt/2026zcps/"), None);
        for bad in [
            "javascript:alert(1)",
            "rst.gxzf.gov.cn",
            "https://",
            "https:///x",
            "http://a b",
        ] {
            assert!(check_url(bad).is_some(), "{bad}");
        }
    }
}
