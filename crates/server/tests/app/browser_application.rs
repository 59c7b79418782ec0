//! The application journey in headless Chromium on a phone-sized window: create, fill
//! every section, upload a large phone photo (scaled in the browser) and crop it, submit,
//! withdraw and submit again.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::{
    browser::{applicant_sign_in, click, console_errors, heading, js, open_browser, start_driver},
    helpers::spawn_app,
};

/// Sets a field's value as a person would by choosing it (selects included).
pub(crate) async fn set(client: &Client, id: &str, value: &str) {
    let script = format!(
        "var e = document.getElementById({id:?}); e.value = {value:?}; \
         e.dispatchEvent(new Event('change', {{bubbles: true}})); return e.value;"
    );
    let got = js(client, &script).await;
    assert_eq!(got.as_str(), Some(value), "#{id}");
}

pub(crate) async fn save_part(
    client: &Client,
    base: &str,
    section: &str,
    part: &str,
    fields: &[(&str, &str)],
) {
    client
        .goto(&format!("{base}/sections/{section}"))
        .await
        .unwrap();
    for (key, value) in fields {
        set(client, &format!("f-{part}-{key}"), value).await;
    }
    click(client, &format!("#part-{part} form button[type=submit]")).await;
    let notice = client
        .find(Locator::Css(".notice-success"))
        .await
        .unwrap_or_else(|e| panic!("{part} saved: {e}"))
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "已保存。");
}

#[tokio::test]
async fn create_fill_upload_and_crop_submit_withdraw_and_resubmit_on_a_phone() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let client = open_browser(&driver, 360).await;

    applicant_sign_in(&client, &app).await;

    client.goto(&app.url("/my/applications")).await.unwrap();
    client
        .find(Locator::Css("input[name=choice]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(&client, "#create button[type=submit]").await;
    assert!(heading(&client).await.contains("职称评审"));
    let url = client.current_url().await.unwrap();
    let base = url
        .as_str()
        .rsplit_once("/sections/")
        .unwrap()
        .0
        .to_string();

    save_part(
        &client,
        &base,
        "basic",
        "basic",
        &[
            ("gender", "女"),
            ("ethnicity", "汉族"),
            ("native_place", "广西桂林"),
            ("political", "群众"),
            ("identity", "企业人员"),
            ("work_start", "2012-07"),
            ("specialty", "建筑工程"),
            ("apply_way", "正常晋升"),
            ("first_time", "是"),
            ("archive_place", "南宁市人才服务中心"),
            ("contact_phone", "13800771234"),
            ("address", "南宁市青秀区民族大道1号"),
        ],
    )
    .await;
    save_part(
        &client,
        &base,
        "education",
        "education",
        &[
            ("graduated", "2012-07"),
            ("item", "最高学历"),
            ("level", "本科"),
            ("school", "广西大学"),
            ("major", "土木工程"),
            ("form", "全日制"),
            ("years", "4"),
            ("degree", "学士"),
        ],
    )
    .await;
    save_part(
        &client,
        &base,
        "qualifications",
        "exception",
        &[("exceptional", "否")],
    )
    .await;
    save_part(
        &client,
        &base,
        "exams",
        "exams",
        &[("language", "不作要求"), ("computer", "不作要求")],
    )
    .await;
    save_part(
        &client,
        &base,
        "training",
        "training",
        &[
            ("year", "2025"),
            ("public_required", "30"),
            ("professional", "60"),
        ],
    )
    .await;
    save_part(
        &client,
        &base,
        "career",
        "resume",
        &[
            ("from", "2012-07"),
            ("employer", "广西壮美建设工程有限公司"),
            ("post", "工程师"),
        ],
    )
    .await;
    save_part(
        &client,
        &base,
        "experience",
        "experience",
        &[
            ("from", "2016-01"),
            ("employer", "广西壮美建设工程有限公司"),
            ("content", "南宁地铁站房主体结构施工技术管理"),
            ("role", "技术负责人"),
        ],
    )
    .await;
    save_part(
        &client,
        &base,
        "achievements",
        "achievements",
        &[
            ("from", "2018-01"),
            ("name", "地铁站房逆作法施工技术"),
            ("level", "市厅级"),
            ("rank", "第一"),
        ],
    )
    .await;
    client
        .goto(&format!("{base}/sections/summary"))
        .await
        .unwrap();
    // The formatting editor: bold text, then plain.
    let editor = client.find(Locator::Css(".rich-editor")).await.unwrap();
    editor.click().await.unwrap();
    js(
        &client,
        "document.execCommand('selectAll'); document.execCommand('delete'); return null;",
    )
    .await;
    client
        .find(Locator::XPath(
            "//div[@class='rich-toolbar']/button[text()='加粗']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    editor
        .send_keys("本人从事建筑施工技术工作十余年。")
        .await
        .unwrap();
    let counter = client
        .find(Locator::Css("#part-summary .counter"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(counter.starts_with("当前已输入16个字符"), "{counter}");
    click(&client, "#part-summary form button[type=submit]").await;
    let stored: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT data FROM application_part WHERE part = 'summary'").fetch_one(p).await)
    .unwrap();
    assert!(
        stored.contains("<b>本人从事") || stored.contains("<strong>本人从事"),
        "bold survives: {stored}"
    );

    // A large phone photo: scaled in the browser, then cropped to the 2-inch frame.
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("IMG_20260101.png");
    std::fs::write(
        &photo,
        crate::helpers::test_image(3000, 4000, image::ImageFormat::Png),
    )
    .unwrap();
    assert!(std::fs::metadata(&photo).unwrap().len() > 2 * 1024 * 1024);
    client
        .goto(&format!("{base}/sections/basic"))
        .await
        .unwrap();
    client
        .find(Locator::Id("f-upload-photo"))
        .await
        .unwrap()
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    click(&client, "#slot-photo form button[type=submit]").await;
    assert_eq!(heading(&client).await, "裁剪二寸免冠照片");
    client.find(Locator::Css(".crop-zoom")).await.unwrap();
    set(&client, "crop-zoom", "80").await;
    js(
        &client,
        "document.getElementById('crop-zoom').dispatchEvent(new Event('input')); return null;",
    )
    .await;
    click(&client, "#crop-form button[type=submit]").await;
    let thumbs = client
        .find_all(Locator::Css("#slot-photo .thumbs img"))
        .await
        .unwrap();
    assert_eq!(thumbs.len(), 1, "the cropped photo is shown");

    let small = dir.path().join("scan.jpg");
    std::fs::write(
        &small,
        crate::helpers::test_image(1200, 900, image::ImageFormat::Jpeg),
    )
    .unwrap();
    for (section, slot) in [("education", "diploma"), ("achievements", "achievement")] {
        client
            .goto(&format!("{base}/sections/{section}"))
            .await
            .unwrap();
        client
            .find(Locator::Id(&format!("f-upload-{slot}")))
            .await
            .unwrap()
            .send_keys(small.to_str().unwrap())
            .await
            .unwrap();
        click(&client, &format!("#slot-{slot} form button[type=submit]")).await;
    }

    // Every section ticked; submit with the pledge.
    client
        .goto(&format!("{base}/sections/basic"))
        .await
        .unwrap();
    let progress = client
        .find(Locator::Id("section-progress"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(progress, "已完成 11/11");
    let submit = |client: Client, base: String| async move {
        crate::browser::submit_with_pledge(&client, &base).await;
        assert_eq!(heading(&client).await, "申报进度");
    };
    submit(client.clone(), base.clone()).await;

    // Withdraw through the seed's confirmation (a page, so it works without script),
    // then submit again.
    client.goto(&app.url("/my/applications")).await.unwrap();
    click(&client, ".application-card a[href$='/withdraw']").await;
    assert_eq!(
        crate::browser::text_of(&client, "#withdraw-q").await,
        "是否撤回申报?"
    );
    click(&client, "form[action$='/withdraw'] button[type=submit]").await;
    assert_eq!(
        crate::browser::text_of(&client, "#withdrawn").await,
        "系统消息\n您的职称评审申报已成功撤回!"
    );
    let status = client
        .find(Locator::Css(".application-card [data-status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status, "待完善");
    submit(client.clone(), base.clone()).await;
    let status = client
        .find(Locator::Css(".card-title [data-status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status, "单位受理中");

    // The page's scripts have run once the document says it is complete.
    let mut ready = false;
    for _ in 0..100 {
        if js(&client, "return document.readyState").await == "complete" {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(ready, "the page finished loading");
    let errors = console_errors(&driver, &client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
