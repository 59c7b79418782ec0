//! Nothing a person types is lost, and a refusal is seen where the person is looking: an
//! over-long summary stays in the editor with how much to cut, a half-typed row survives a
//! click on another section, and a refused upload is said at the top of a phone's screen
//! with no token in the address.

use fantoccini::{Client, Locator};

use crate::{
    browser::{
        applicant_sign_in, click, console_errors, dossier_of, fill, heading, js, open_browser,
        start_driver, text_of,
    },
    helpers::spawn_app_with,
};

/// 我要申报 → the first choice → 创建申报; answers the dossier's address.
async fn new_dossier(client: &Client, app: &crate::helpers::TestApp) -> String {
    client.goto(&app.url("/my/applications")).await.unwrap();
    client
        .find(Locator::Css("input[name=choice]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(client, "#create button[type=submit]").await;
    assert!(heading(client).await.contains("职称评审"));
    dossier_of(client).await.0
}

#[tokio::test]
async fn typed_text_survives_refusals_and_leaving_and_upload_errors_show_at_the_top() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app_with(|c| c.summary_limit_evaluation = 100).await;
    let client = open_browser(&driver, 360).await;
    applicant_sign_in(&client, &app).await;
    let base = new_dossier(&client, &app).await;
    // A new application opens quietly: no error before the person has saved anything.
    let quiet = js(
        &client,
        "return document.querySelectorAll('.error-summary, .field-msg, [aria-invalid=true]').length;",
    )
    .await;
    assert_eq!(quiet.as_i64(), Some(0), "no errors on a fresh form");

    // 1. A summary over the limit: the counter says by how much, saving is refused with
    //    the amount to cut, and the editor still holds every character typed.
    client
        .goto(&format!("{base}/sections/summary"))
        .await
        .unwrap();
    let editor = client.find(Locator::Css(".rich-editor")).await.unwrap();
    editor.click().await.unwrap();
    let typed = format!("{}{}", "桥梁设计施工".repeat(20), "结尾十个字在这里呢");
    editor.send_keys(&typed).await.unwrap();
    let counter = text_of(&client, "#part-summary .counter").await;
    assert_eq!(counter, "当前已输入129个字符，已超出29个字符，请删减后保存");
    click(&client, "#part-summary form button[type=submit]").await;
    assert_eq!(
        text_of(&client, ".error-summary li").await,
        "专业技术工作总结不能超过100个字符（现有129个），请删减29个字符"
    );
    let kept = text_of(&client, ".rich-editor").await;
    assert_eq!(
        kept, typed,
        "the editor shows what was typed, not the old text"
    );
    assert!(
        text_of(&client, "#part-summary .counter")
            .await
            .contains("已超出29个字符")
    );

    // 2. A half-typed row, then at once a click on another section: the row was saved
    //    on the way out and is there on coming back.
    client
        .goto(&format!("{base}/sections/education"))
        .await
        .unwrap();
    fill(&client, "f-education-school", "广西民族大学").await;
    click(&client, ".section-nav a[href$='/sections/basic']").await;
    let mut found = String::new();
    for _ in 0..20 {
        client
            .goto(&format!("{base}/sections/education"))
            .await
            .unwrap();
        found = text_of(&client, "#part-education table").await;
        if found.contains("广西民族大学") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    assert!(
        found.contains("广西民族大学"),
        "the half-typed row was kept: {found}"
    );

    // 3. A picture too small for the photo slot, refused on a phone: the message is at
    //    the top of the screen, and the address carries no token.
    let dir = tempfile::tempdir().unwrap();
    let tiny = dir.path().join("tiny.jpg");
    std::fs::write(
        &tiny,
        crate::helpers::test_image(96, 128, image::ImageFormat::Jpeg),
    )
    .unwrap();
    client
        .goto(&format!("{base}/sections/basic"))
        .await
        .unwrap();
    crate::browser::upload_into(&client, "photo", &tiny).await;
    let url = client.current_url().await.unwrap();
    assert!(!url.as_str().contains("csrf"), "no token in {url}");
    let summary = text_of(&client, "#upload-error").await;
    assert!(summary.contains("二寸免冠照片"), "{summary}");
    assert!(
        summary.contains("96"),
        "the picture's size is named: {summary}"
    );
    let top = js(
        &client,
        "var r = document.getElementById('upload-error').getBoundingClientRect(); \
         return [r.top, r.bottom, window.innerHeight];",
    )
    .await;
    let (top, bottom, height) = (
        top[0].as_f64().unwrap(),
        top[1].as_f64().unwrap(),
        top[2].as_f64().unwrap(),
    );
    assert!(
        top > -1.0 && bottom <= height,
        "the refusal is on screen: {top}..{bottom} of {height}"
    );
    // The link in the message leads to the slot.
    client
        .find(Locator::Css("#upload-error a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let at_slot = js(
        &client,
        "var r = document.getElementById('slot-photo').getBoundingClientRect(); \
         return r.top < window.innerHeight && r.bottom > 0;",
    )
    .await;
    assert_eq!(at_slot.as_bool(), Some(true));

    let errors = console_errors(&driver, &client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
