//! Key pages on a 360 px phone, in normal and in large-text mode: nothing scrolls
//! sideways, no text box is narrower than two characters, and the header is one row with
//! a 菜单 button that opens the tools and the menu as a list.

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::{
    browser::{applicant_sign_in, js, open_browser, open_menu, start_driver},
    browser_review::{sign_out, staff_sign_in},
    helpers::{TestApp, spawn_app},
};

/// What is wrong with the page at this width: sideways scrolling, or text boxes too
/// narrow to show two characters of their own font.
async fn layout_faults(client: &Client) -> Vec<String> {
    let found = js(
        client,
        "var out = []; \
         var doc = document.documentElement; \
         if (doc.scrollWidth > window.innerWidth) { \
           out.push('scrolls sideways: ' + doc.scrollWidth + ' > ' + window.innerWidth); } \
         document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), textarea, select') \
           .forEach(function (e) { \
             if (e.offsetParent === null) { return; } \
             var em = parseFloat(getComputedStyle(e).fontSize); \
             var w = e.getBoundingClientRect().width; \
             if (w < 2 * em) { out.push('#' + e.id + ' is ' + w + 'px wide at ' + em + 'px text'); } \
           }); \
         return out;",
    )
    .await;
    match found {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        other => vec![format!("unexpected {other}")],
    }
}

async fn check_pages(client: &Client, app: &TestApp, pages: &[String], mode: &str) {
    for path in pages {
        client.goto(&app.url(path)).await.unwrap();
        let faults = layout_faults(client).await;
        assert!(faults.is_empty(), "{path} at 360 px, {mode}: {faults:?}");
        crate::accessibility::assert_accessible(client).await;
    }
}

async fn set_care(client: &Client, on: bool) {
    let now = js(
        client,
        "return document.documentElement.classList.contains('care');",
    )
    .await;
    if now != Value::Bool(on) {
        open_menu(client).await;
        client
            .find(Locator::Css("[data-care-switch] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn key_pages_fit_a_phone_with_a_folded_header_in_both_text_sizes() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    // A dossier the unit returned: editable forms, the return's reasons, the history.
    let (id, _unit) = crate::returns::returned_by_unit(
        &app,
        &[("education", "请补充学位证书编号，并上传学位证书")],
    )
    .await;
    let client = open_browser(&driver, 360).await;

    let public: Vec<String> = [
        "/",
        "/verify",
        "/publicity",
        "/guide/accounts",
        "/login",
        "/my/login",
        "/my/register",
        "/my/forgot",
    ]
    .map(String::from)
    .to_vec();
    let d = format!("/my/applications/{id}");
    let applicant: Vec<String> = vec![
        "/my".into(),
        "/my/applications".into(),
        format!("{d}/sections/basic"),
        format!("{d}/sections/education"),
        format!("{d}/sections/summary"),
        format!("{d}/submit"),
        format!("{d}/progress"),
        format!("{d}/withdraw"),
        "/my/profile".into(),
        "/my/unit".into(),
        "/my/certificates".into(),
        "/my/fees".into(),
        "/my/downloads".into(),
        "/my/feedback".into(),
        "/my/feedback/new".into(),
        "/account".into(),
        "/account/sms".into(),
        "/messages".into(),
    ];
    let staff: Vec<String> = vec![
        "/unit".into(),
        "/unit/applications".into(),
        format!("/unit/applications/{id}"),
        "/unit/publicity".into(),
        "/exports".into(),
    ];

    for care in [false, true] {
        let mode = if care { "large text" } else { "normal text" };
        client.goto(&app.url("/")).await.unwrap();
        set_care(&client, care).await;
        check_pages(&client, &app, &public, mode).await;

        applicant_sign_in(&client, &app).await;
        // One header row: the 菜单 button, not the tools and a menu strip.
        client.goto(&app.url("/my")).await.unwrap();
        let header = js(
            &client,
            "return document.querySelector('.site-header').getBoundingClientRect().height;",
        )
        .await
        .as_f64()
        .unwrap();
        assert!(header <= 120.0, "{mode}: the header is {header}px tall");
        let nav_shown = "return document.getElementById('main-menu').offsetParent !== null;";
        assert_eq!(js(&client, nav_shown).await, Value::Bool(false), "{mode}");
        open_menu(&client).await;
        assert_eq!(
            js(&client, nav_shown).await,
            Value::Bool(true),
            "{mode}: 菜单 opens it"
        );
        let items_in_a_column = js(
            &client,
            "var a = document.querySelectorAll('#main-menu li'); \
             return a[1].getBoundingClientRect().top > a[0].getBoundingClientRect().top;",
        )
        .await;
        assert_eq!(
            items_in_a_column,
            Value::Bool(true),
            "{mode}: a list, not a strip"
        );
        check_pages(&client, &app, &applicant, mode).await;
        sign_out(&client).await;

        let password = app.demo_password.clone().unwrap();
        staff_sign_in(&client, &app, "shenhe", &password).await;
        check_pages(&client, &app, &staff, mode).await;
        sign_out(&client).await;
    }
    client.close().await.unwrap();
}
