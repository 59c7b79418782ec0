//! The seed's own words and menus on the applicant's side: 短信包 (SMS notices on or off),
//! the 《系统帐户身份说明》 behind the login pages, and the progress as the manual shows it.

use crate::{
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
    unit_review::submitted_application,
};

async fn sms_jobs(app: &crate::helpers::TestApp) -> i64 {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM job WHERE kind = 'sms_notice'").fetch_one(p).await)
    .unwrap()
}

#[tokio::test]
async fn the_sms_pack_turns_notices_off_and_on_and_codes_are_not_notices() {
    let app = spawn_app().await;
    let id = submitted_application(&app).await;

    // The header's 短信包 opens the setting, on by default, with the masked number.
    let (_, doc) = app.get_html("/my").await;
    assert_eq!(
        attr(&doc, "#sms-link", "href").as_deref(),
        Some("/account/sms")
    );
    let (_, doc) = app.get_html("/account/sms").await;
    assert!(
        attr(&doc, "#f-sms_notices", "checked").is_some(),
        "on by default"
    );
    assert!(texts(&doc, "#sms-h + p")[0].contains("138****1234"));

    // Off: a return tells the person in 消息 only.
    let res = app.post_form("/account/sms", &[]).await;
    assert_eq!(location(&res), "/account/sms?saved=1");
    let (_, doc) = app.get_html("/account/sms?saved=1").await;
    assert!(attr(&doc, "#f-sms_notices", "checked").is_none());
    assert!(texts(&doc, "#sms-saved")[0].contains("不再发送短信"));
    let before = sms_jobs(&app).await;
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    unit.post(
        &format!("/unit/applications/{id}/decision"),
        &[
            ("decision", "return"),
            ("section", "education"),
            ("reason_education", "请补充学位证书编号"),
        ],
    )
    .await;
    assert_eq!(sms_jobs(&app).await, before, "no SMS while notices are off");
    let (_, doc) = app.get_html("/messages").await;
    assert!(
        doc.root_element()
            .text()
            .collect::<String>()
            .contains("退回"),
        "the message centre still has it"
    );

    // On again: the next change sends one; the choice is audited both times.
    app.post_form("/account/sms", &[("sms_notices", "on")])
        .await;
    crate::applications::submit_now(&app, id).await;
    assert_eq!(
        sms_jobs(&app).await,
        before + 1,
        "the resubmission's notice"
    );
    let audited: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT detail FROM audit_event WHERE action = 'sms_notices.change' ORDER BY id")
        .fetch_all(p).await)
    .unwrap();
    assert_eq!(audited, ["关闭短信通知", "开启短信通知"]);
}

#[tokio::test]
async fn staff_have_no_sms_pack_and_the_account_guide_is_linked_from_both_logins() {
    let app = spawn_app().await;
    for login in ["/my/login", "/login"] {
        let (_, doc) = app.get_html(login).await;
        assert_eq!(
            attr(&doc, "#account-guide", "href").as_deref(),
            Some("/guide/accounts"),
            "{login}"
        );
    }
    let (status, doc) = app.get_html("/guide/accounts").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(texts(&doc, "h1"), ["系统帐户身份说明"]);
    assert!(texts(&doc, "#accounts h2").contains(&"单位用户".to_string()));

    let staff = spawn_second_browser(&app).await;
    staff.login_as(&app, "shenhe").await;
    let doc = html(&staff.get("/unit").await.text().await.unwrap());
    assert!(
        texts(&doc, "#sms-link").is_empty(),
        "no SMS notices for staff"
    );
    assert_eq!(
        staff.get("/account/sms").await.status(),
        reqwest::StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_guide_is_searchable_and_every_how_to_link_lands_on_its_section() {
    let app = spawn_app().await;
    let (_, doc) = app.get_html("/guide").await;
    let titles = texts(&doc, "#guide-list > li > a");
    assert!(titles.contains(&"职称评审申报".to_string()), "{titles:?}");
    assert!(titles.contains(&"单位用户：单位注册与申报审核".to_string()));

    // A search names the sections and links to them; a miss says what to try.
    let (_, doc) = app.get_html("/guide?q=撤回").await;
    let hits = crate::helpers::attrs(&doc, "#guide-hits a", "href");
    assert!(hits.iter().any(|h| h == "/guide/returns#撤回"), "{hits:?}");
    let (_, doc) = app.get_html("/guide?q=火星").await;
    assert!(texts(&doc, "#guide-hits .empty")[0].contains("没有找到包含“火星”的说明"));

    // The applicant's menu has it, and each "如何…？" lands on a section that exists.
    app.login_applicant().await;
    let id = crate::applications::create(&app).await;
    let (_, doc) = app.get_html("/my").await;
    assert_eq!(
        crate::helpers::attr(&doc, ".main-nav a[href='/guide']", "href").as_deref(),
        Some("/guide")
    );
    for page in [
        format!("/my/applications/{id}/sections/basic"),
        format!("/my/applications/{id}/submit"),
        "/my/fees".to_string(),
        "/my/feedback/new".to_string(),
    ] {
        let (_, doc) = app.get_html(&page).await;
        let href = attr(&doc, "#form-help", "href").unwrap_or_else(|| panic!("{page}"));
        let (path, anchor) = href.split_once('#').unwrap_or((href.as_str(), ""));
        let (status, guide) = app.get_html(path).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{href}");
        if !anchor.is_empty() {
            assert_eq!(
                texts(&guide, &format!("[id='{anchor}']")),
                [anchor.to_string()],
                "{page} → {href}"
            );
        }
    }
    assert_eq!(
        app.get_html("/guide/nothing").await.0,
        reqwest::StatusCode::NOT_FOUND
    );
}
