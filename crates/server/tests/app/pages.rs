//! The public pages, the design page and the 适老化 switch, as a visitor sees them.

use reqwest::StatusCode;

use crate::helpers::{attr, html, location, spawn_app, spawn_app_with, texts};

#[tokio::test]
async fn home_page_is_chinese_with_notices_and_a_verification_entry() {
    let app = spawn_app().await;
    let (status, doc) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("zh-CN"));
    assert_eq!(texts(&doc, "h1"), ["广西专业技术人员职称管理服务平台"]);
    let notices = texts(&doc, ".notice-list a");
    assert_eq!(notices.len(), 3);
    assert_eq!(notices[0], "关于2026年度职称评审申报工作的通知");
    assert_eq!(
        attr(&doc, "form[action='/verify']", "method").as_deref(),
        Some("get")
    );
    assert_eq!(texts(&doc, "#verify-title"), ["证书查验"]);
    // 登录 once, in the header (it used to be in the menu as well).
    assert_eq!(
        texts(&doc, ".main-nav a"),
        ["首页", "证书查验", "评审结果公示", "操作指南"]
    );
    assert_eq!(texts(&doc, ".site-header a[href='/login']"), ["登录"]);

    // A notice opens on its own page; a made-up id is a Chinese 404.
    let href = attr(&doc, ".notice-list a", "href").unwrap();
    let (status, notice) = app.get_html(&href).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&notice, "h1"), ["关于2026年度职称评审申报工作的通知"]);
    let (status, missing) = app.get_html("/notices/99999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(texts(&missing, "h1"), ["页面不存在"]);
    assert_eq!(app.get_html("/notices/abc").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn certificate_check_validates_in_chinese_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let (_, doc) = app
        .get_html("/verify?number=12ab&name=%E5%BC%A0%E4%B8%89")
        .await;
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["证书编号应为6–30位数字，请核对证书上的编号"]
    );
    assert_eq!(attr(&doc, "#f-name", "value").as_deref(), Some("张三"));
    assert_eq!(attr(&doc, "#f-number", "value").as_deref(), Some("12ab"));
    assert_eq!(
        attr(&doc, "#f-number", "aria-invalid").as_deref(),
        Some("true")
    );

    let (_, doc) = app.get_html("/verify?number=&name=").await;
    assert_eq!(
        texts(&doc, ".field-msg"),
        ["请填写证书编号", "请填写持证人姓名"]
    );

    let (_, doc) = app
        .get_html("/verify?number=2026010300001&name=%E5%BC%A0%E4%B8%89")
        .await;
    assert!(texts(&doc, ".error-summary").is_empty());
    assert_eq!(texts(&doc, "[role=status] h2"), ["未查询到该证书"]);
}

#[tokio::test]
async fn care_mode_switch_works_without_javascript_and_is_remembered() {
    let app = spawn_app().await;
    let (_, doc) = app.get_html("/verify").await;
    assert_eq!(attr(&doc, "html", "class"), None);
    assert_eq!(
        attr(&doc, "[data-care-switch] button", "aria-pressed").as_deref(),
        Some("false")
    );

    let res = app
        .post_form("/prefs/care-mode", &[("on", "1"), ("next", "/verify")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/verify");
    let (_, doc) = app.get_html("/verify").await;
    assert_eq!(attr(&doc, "html", "class").as_deref(), Some("care"));
    assert_eq!(
        attr(&doc, "[data-care-switch] button", "aria-pressed").as_deref(),
        Some("true")
    );

    // The return address is never another site.
    let res = app
        .post_form(
            "/prefs/care-mode",
            &[("on", "0"), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(location(&res), "/");
    let (_, doc) = app.get_html("/").await;
    assert_eq!(attr(&doc, "html", "class"), None);
}

#[tokio::test]
async fn design_page_shows_every_component_with_a_working_pager() {
    let app = spawn_app().await;
    let (status, doc) = app.get_html("/design?page=7&per_page=10").await;
    assert_eq!(status, StatusCode::OK);
    for id in [
        "#colours", "#buttons", "#tags", "#steps", "#forms", "#table", "#notices", "#dialog",
    ] {
        assert_eq!(texts(&doc, id).len(), 1, "{id} present");
    }
    assert_eq!(texts(&doc, ".pager-total"), ["共 134 条"]);
    assert_eq!(texts(&doc, ".pager-pages .current"), ["7"]);
    assert_eq!(
        texts(&doc, ".pager-pages a, .pager-pages span").join(" "),
        "‹ 1 … 5 6 7 8 9 … 14 ›"
    );
    assert_eq!(
        attr(&doc, "select[name=per_page] option[selected]", "value").as_deref(),
        Some("10")
    );
    assert_eq!(texts(&doc, "#table tbody tr td:first-child")[0], "61");
    assert_eq!(
        texts(&doc, ".steps [aria-current=step]"),
        ["3职改办初审（当前环节）"]
    );
}

#[tokio::test]
async fn production_mode_starts_empty_without_the_design_page() {
    let app = spawn_app_with(|c| c.demo = false).await;
    assert!(app.demo_password.is_none());
    let (status, doc) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&doc, ".empty"), ["暂无通知公告。"]);
    assert_eq!(app.get("/design").await.status(), StatusCode::NOT_FOUND);
    let count = zc_db::accounts::count(&app.db).await.unwrap();
    assert_eq!(count, 0, "no built-in accounts in production");
    let res = app
        .post_form("/login", &[("login_name", "admin"), ("password", "admin")])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".field-msg"), ["账号或密码错误，请重新输入"]);
}

/// Every menu entry of every portal leads to a page the router serves: the menus and the
/// routers are written in different files, and a renamed route must not leave a dead link.
#[tokio::test]
async fn every_portal_menu_entry_is_a_served_page() {
    let app = spawn_app().await;
    let mut checked = 0;
    for portal in zc_domain::Portal::ALL {
        for item in zc_web::views::portal_nav(portal, portal.path()).items {
            let Some(href) = item.href else { continue };
            checked += 1;
            assert!(
                app.routes
                    .iter()
                    .any(|r| r.path == href && r.methods.iter().any(|m| m == "GET")),
                "{} 菜单“{}” → {href} is not a GET route",
                portal.name(),
                item.label
            );
        }
        assert!(
            app.routes.iter().any(|r| r.path == portal.path()),
            "{} home {} is served",
            portal.name(),
            portal.path()
        );
    }
    assert!(checked >= 35, "only {checked} menu entries checked");
}
