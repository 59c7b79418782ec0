//! The review chain in headless Chromium on a phone-sized window: the unit returns a
//! dossier naming two sections → the applicant sees them marked, fixes one and sends it
//! again → the unit sees what changed, records its publicity and forwards → the 职改办
//! passes 初审.

use chrono::Duration;
use fantoccini::{Client, Locator};

use crate::{
    browser::{
        applicant_sign_in, click, console_errors, fill, heading, js, open_browser, start_driver,
    },
    helpers::{TestApp, spawn_app},
    unit_review::{create_office_staff, submitted_application},
};

pub(crate) async fn set(client: &Client, id: &str, value: &str) {
    let script = format!(
        "var e = document.getElementById({id:?}); e.value = {value:?}; \
         e.dispatchEvent(new Event('change', {{bubbles: true}})); return e.value;"
    );
    assert_eq!(js(client, &script).await.as_str(), Some(value), "#{id}");
}

/// The text of the first element matching a selector.
pub(crate) use crate::browser::text_of as text;

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

pub(crate) async fn sign_out(client: &Client) {
    crate::browser::open_menu(client).await;
    click(client, "form[action='/logout'] button").await;
}

pub(crate) async fn staff_sign_in(client: &Client, app: &TestApp, login: &str, password: &str) {
    client.goto(&app.url("/login")).await.unwrap();
    fill(client, "f-login_name", login).await;
    fill(client, "f-password", password).await;
    click(client, "form[action='/login'] button[type=submit]").await;
    if client.current_url().await.unwrap().path() == "/login/totp" {
        fill(client, "f-code", &app.totp_code(login).await).await;
        click(client, "form[action='/login/totp'] button[type=submit]").await;
    }
}

#[tokio::test]
async fn unit_returns_two_sections_applicant_fixes_unit_forwards_office_passes() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let id = submitted_application(&app).await;
    create_office_staff(&app, id, "chushen").await;
    let password = app.demo_password.clone().unwrap();
    let client = open_browser(&driver, 360).await;

    // The unit returns it, naming two sections with a reason each.
    staff_sign_in(&client, &app, "shenhe", &password).await;
    client.goto(&app.url("/unit/applications")).await.unwrap();
    click(&client, &format!("a[href='/unit/applications/{id}']")).await;
    assert!(heading(&client).await.starts_with(&format!("审核 #{id}")));
    for (section, reason) in [
        ("basic", "通讯地址请写到门牌号"),
        ("education", "请补充学位证书编号"),
    ] {
        client
            .find(Locator::Css(&format!("#return input[value={section}]")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        fill(&client, &format!("reason-{section}"), reason).await;
    }
    click(&client, "#return button[type=submit]").await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/unit/applications"
    );
    sign_out(&client).await;

    // The applicant sees both sections marked with their reasons, fixes the address and
    // sends it again.
    applicant_sign_in(&client, &app).await;
    client
        .goto(&app.url(&format!("/my/applications/{id}/sections/basic")))
        .await
        .unwrap();
    assert_eq!(count(&client, ".section-nav li.returned").await, 2);
    let reasons = text(&client, "#return-reasons").await;
    assert!(reasons.contains("通讯地址请写到门牌号"), "{reasons}");
    set(
        &client,
        "f-basic-address",
        "南宁市青秀区民族大道1号3栋502室",
    )
    .await;
    click(&client, "#part-basic form button[type=submit]").await;
    assert_eq!(text(&client, ".notice-success").await, "已保存。");
    client
        .goto(&app.url(&format!("/my/applications/{id}/submit")))
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=pledge]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let send = format!("form[action='/my/applications/{id}/submit'] button.btn-primary");
    click(&client, &send).await;
    // 学历情况 was returned too and is unchanged: 报送 asks why, on screen, with the
    // pledge still ticked; with a 报送说明 it goes.
    let refusal = text(&client, ".error-summary li").await;
    assert!(
        refusal.starts_with("被退回的栏目“学历情况”还没有修改"),
        "{refusal}"
    );
    crate::browser::fill(
        &client,
        "f-note",
        "学位证书编号已在学历情况中填写，无需修改",
    )
    .await;
    let ticked = client
        .find(Locator::Css("input[name=pledge]"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(ticked.as_deref(), Some("true"));
    click(&client, &send).await;
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/progress")
    );
    sign_out(&client).await;

    // The unit sees what changed, records a publicity that has run its course, forwards.
    staff_sign_in(&client, &app, "shenhe", &password).await;
    client
        .goto(&app.url(&format!("/unit/applications/{id}")))
        .await
        .unwrap();
    assert!(
        text(&client, "#changed-since-return")
            .await
            .contains("基本信息")
    );
    crate::unit_review::backdate_submission(&app, id, 40).await;
    let start = (chrono::Utc::now() + Duration::hours(8) - Duration::days(30)).date_naive();
    set(&client, "f-starts_on", &start.to_string()).await;
    click(&client, "#publicity button[type=submit]").await;
    assert!(
        text(&client, "#publicity-period")
            .await
            .contains("公示期已满")
    );
    fill(&client, "f-opinion", "经单位内部公示无异议，同意推荐").await;
    click(&client, "#forward button[type=submit]").await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/unit/applications"
    );
    sign_out(&client).await;

    // The 职改办 passes 初审.
    staff_sign_in(&client, &app, "chushen", "Office-Review-2026").await;
    client.goto(&app.url("/office/applications")).await.unwrap();
    click(&client, &format!("a[href='/office/applications/{id}']")).await;
    fill(&client, "f-opinion", "材料齐全，初审通过").await;
    click(&client, "#pass button[type=submit]").await;
    assert_eq!(
        client.current_url().await.unwrap().path(),
        "/office/applications"
    );
    let status = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .status;
    assert!(
        ["awaiting_fee", "committee_pending"].contains(&status.code()),
        "{status:?}"
    );
    assert!(console_errors(&driver, &client).await.is_empty());
    client.close().await.unwrap();
}
