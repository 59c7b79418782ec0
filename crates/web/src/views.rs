//! Navigation of each portal and small display helpers shared by templates.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use zc_domain::Portal;

/// China Standard Time; the platform shows every time in it.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `YYYY-MM-DD HH:MM` in China Standard Time.
pub fn format_time(t: DateTime<Utc>) -> String {
    zc_domain::calendar::format_china_time(t)
}

/// `YYYY-MM-DD`.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// One entry of a portal menu; entries without a page yet are shown but not linked.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub label: &'static str,
    pub href: Option<&'static str>,
    pub current: bool,
}

/// The menu of the page's portal.
#[derive(Debug, Clone)]
pub struct Nav {
    /// Name beside the site title (个人办事, 单位办事 …); empty on public pages.
    pub portal_name: &'static str,
    pub items: Vec<NavItem>,
}

fn items(path: &str, entries: &[(&'static str, Option<&'static str>)]) -> Vec<NavItem> {
    // The longest matching prefix is the current entry, so "/my" is not current on "/my/x"
    // when "/my/x" has its own entry. The first entry (首页) is current only on itself: a
    // page no entry covers highlights nothing rather than 首页.
    let home = entries.first().and_then(|(_, h)| *h);
    let current = entries
        .iter()
        .filter_map(|(_, h)| *h)
        .filter(|h| path == *h || (Some(*h) != home && path.starts_with(&format!("{h}/"))))
        .max_by_key(|h| h.len());
    entries
        .iter()
        .map(|(label, href)| NavItem {
            label,
            href: *href,
            current: *href == current && href.is_some(),
        })
        .collect()
}

/// Menu of the public site.
pub fn public_nav(path: &str) -> Nav {
    Nav {
        portal_name: "",
        items: items(
            path,
            &[
                ("首页", Some("/")),
                ("证书查验", Some("/verify")),
                ("评审结果公示", Some("/publicity")),
                ("操作指南", Some("/guide")),
            ],
        ),
    }
}

/// Menu of a portal. The applicant menu follows the original platform's order.
pub fn portal_nav(portal: Portal, path: &str) -> Nav {
    let entries: &[(&'static str, Option<&'static str>)] = match portal {
        Portal::My => &[
            ("首页", Some("/my")),
            ("个人资料", Some("/my/profile")),
            ("证书管理", Some("/my/certificates")),
            ("申报职称", Some("/my/applications")),
            ("评委专家入库申请", Some("/my/expert/enrol")),
            ("报表下载", Some("/my/downloads")),
            ("费用管理", Some("/my/fees")),
            ("操作指南", Some("/guide")),
            ("意见建议", Some("/my/feedback")),
        ],
        Portal::Unit => &[
            ("首页", Some("/unit")),
            ("单位信息", Some("/unit/info")),
            ("申报审核", Some("/unit/applications")),
            ("单位公示", Some("/unit/publicity")),
            ("退回理由模板", Some("/unit/return-templates")),
            ("报表下载", Some("/exports")),
            ("账号管理", Some("/unit/staff")),
        ],
        Portal::Office => &[
            ("首页", Some("/office")),
            ("单位审核", Some("/office/units")),
            ("单位信息变更", Some("/office/unit-changes")),
            ("受理审核", Some("/office/applications")),
            ("退回理由模板", Some("/office/return-templates")),
            ("阶段时间", Some("/office/stage-windows")),
            ("认定受理与缴费", Some("/office/recognition")),
            ("报表下载", Some("/exports")),
            ("缴费管理", Some("/office/fees")),
            ("证书发放", Some("/office/certificates")),
            ("领取与邮寄", Some("/office/delivery")),
            ("窗口更换手机号", Some("/office/counter/phone")),
            ("填报说明", Some("/office/filing-guide")),
            ("意见建议", Some("/office/feedback")),
            ("好差评", Some("/office/ratings")),
            ("统计报表", Some("/office/statistics")),
        ],
        Portal::Committee => &[
            ("首页", Some("/committee")),
            ("评审计划", Some("/committee/plans")),
            ("专家库", Some("/committee/expert-enrolments")),
            ("评审会议", Some("/committee/meetings")),
            ("结果公示", Some("/committee/publicity")),
            ("报表下载", Some("/exports")),
            ("缴费管理", Some("/committee/fees")),
        ],
        Portal::Admin => &[
            ("首页", Some("/admin")),
            ("工作日历", Some("/admin/calendar")),
            ("认定条件", Some("/admin/recognition-rules")),
            ("审计日志", Some("/admin/audit")),
            ("短信发件箱", Some("/admin/outbox")),
            ("账号管理", Some("/admin/accounts")),
            ("机构管理", Some("/admin/orgs")),
            ("好差评统计", Some("/admin/ratings")),
            ("数据字典", Some("/admin/dictionary")),
        ],
    };
    Nav {
        portal_name: portal.name(),
        items: items(path, entries),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicant_menu_follows_the_original_order() {
        let nav = portal_nav(Portal::My, "/my");
        let labels: Vec<_> = nav.items.iter().map(|i| i.label).collect();
        assert_eq!(
            labels,
            [
                "首页",
                "个人资料",
                "证书管理",
                "申报职称",
                "评委专家入库申请",
                "报表下载",
                "费用管理",
                "操作指南",
                "意见建议"
            ]
        );
        assert!(nav.items[0].current);
    }

    #[test]
    fn the_longest_matching_entry_is_current() {
        let nav = portal_nav(Portal::Admin, "/admin/audit");
        let current: Vec<_> = nav
            .items
            .iter()
            .filter(|i| i.current)
            .map(|i| i.label)
            .collect();
        assert_eq!(current, ["审计日志"]);
    }

    #[test]
    fn home_is_current_only_on_itself() {
        let current = |path: &str| {
            portal_nav(Portal::My, path)
                .items
                .iter()
                .filter(|i| i.current)
                .map(|i| i.label)
                .collect::<Vec<_>>()
        };
        assert_eq!(current("/my"), ["首页"]);
        assert_eq!(current("/my/applications/3/progress"), ["申报职称"]);
        assert!(current("/my/somewhere-else").is_empty());
    }

    #[test]
    fn times_show_in_china_standard_time() {
        let t = DateTime::parse_from_rfc3339("2026-11-26T20:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_time(t), "2026-11-27 04:30");
    }
}
