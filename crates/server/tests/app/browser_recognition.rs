//! 职称认定 in headless Chromium at 360 px, as a graduate would do it on a phone: 我要申报
//! → 职称认定 with 申报级别 and 报送职改办, the four sections (the 认定条件 shown as dates are
//! entered, the 700-character counter in the seed's words), the uploads, 同意并报送 with
//! the seed's message; then the unit and the 职改办 pass it, the certificate is issued,
//! and the public check shows it, with no sideways scroll and no console error.

use fantoccini::{Client, Locator};

use crate::{
    browser::{
        applicant_sign_in, click, console_errors, dossier_of, heading, js, open_browser,
        start_driver, text_of, upload_into, upload_photo,
    },
    browser_application::{save_part, set},
    browser_fees::no_sideways_scroll,
    helpers::spawn_app,
    recognition::months_ago,
    unit_review::passed_by_office,
};

/// Picks the option of select `id` whose label contains `needle`.
pub(crate) async fn choose(client: &Client, id: &str, needle: &str) {
    let value = js(
        client,
        &format!(
            "var o = Array.from(document.getElementById({id:?}).options)\
             .find(function (o) {{ return o.text.indexOf({needle:?}) >= 0; }}); return o ? o.value : null;"
        ),
    )
    .await;
    let value = value
        .as_str()
        .unwrap_or_else(|| panic!("#{id} offers {needle}"));
    set(client, id, value).await;
}

/// 我要申报 of an office-decided `kind` for 工程系列/助理级/助理工程师 at the 南宁 职改办,
/// on a phone: the dossier's address and id.
pub(crate) async fn open_kind(
    client: &Client,
    app: &crate::helpers::TestApp,
    kind: &str,
    name: &str,
) -> (String, i64) {
    client.goto(&app.url("/my/applications")).await.unwrap();
    no_sideways_scroll(client, "申报职称").await;
    choose(
        client,
        &format!("f-{kind}-qualification"),
        "工程系列/助理级/助理工程师",
    )
    .await;
    choose(
        client,
        &format!("f-{kind}-office"),
        "南宁市职称改革工作领导小组办公室",
    )
    .await;
    click(client, &format!("#create-{kind} button[type=submit]")).await;
    assert!(heading(client).await.contains(name));
    dossier_of(client).await
}

#[tokio::test]
async fn a_graduate_applies_for_recognition_on_a_phone_and_the_certificate_is_found() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let client = open_browser(&driver, 360).await;
    applicant_sign_in(&client, &app).await;

    let (base, id) = open_kind(&client, &app, "recognition", "职称认定").await;

    save_part(
        &client,
        &base,
        "rc_info",
        "rc_info",
        &[
            ("specialty", "建筑工程"),
            ("identity", "企业人员"),
            ("contact_phone", "13800771234"),
        ],
    )
    .await;
    let graduated = months_ago(14);
    save_part(
        &client,
        &base,
        "rc_basic",
        "rc_basic",
        &[
            ("gender", "男"),
            ("ethnicity", "壮族"),
            ("political", "群众"),
            ("education", "本科"),
            ("school", "广西大学"),
            ("major", "土木工程"),
            ("graduated", &graduated),
            ("work_start", &graduated),
        ],
    )
    .await;
    assert_eq!(
        text_of(&client, "#eligibility").await,
        "认定条件：符合助理级认定条件"
    );
    no_sideways_scroll(&client, "基本情况").await;

    client
        .goto(&format!("{base}/sections/summary"))
        .await
        .unwrap();
    let editor = client.find(Locator::Css(".rich-editor")).await.unwrap();
    editor.click().await.unwrap();
    editor
        .send_keys("本人本科毕业后从事建筑施工技术工作。")
        .await
        .unwrap();
    let counter = text_of(&client, "#part-summary .counter").await;
    assert!(
        counter.starts_with("当前已输入18个字符，您还可以输入682个字符"),
        "{counter}"
    );
    click(&client, "#part-summary form button[type=submit]").await;

    let (_dir, photo, scan) = crate::browser::pictures();
    client
        .goto(&format!("{base}/sections/rc_uploads"))
        .await
        .unwrap();
    no_sideways_scroll(&client, "资料上传").await;
    upload_photo(&client, &photo).await;
    for (slot, n) in crate::recognition::RC_SLOTS {
        for _ in 0..*n {
            upload_into(&client, slot, &scan).await;
        }
    }
    assert_eq!(text_of(&client, "#section-progress").await, "已完成 4/4");

    crate::browser::submit_with_pledge(&client, &base).await;
    assert_eq!(
        text_of(&client, "#submitted").await,
        "您的职称认定申报已成功提交，请等待单位工作人员审核。"
    );

    let office = passed_by_office(&app, id, "broffice").await;
    office
        .post(
            &format!("/office/applications/{id}/issue"),
            &[("doc_number", "桂职改〔2026〕51号")],
        )
        .await;
    let number: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT number FROM certificate WHERE application_id = $1").bind(id).fetch_one(p).await)
    .unwrap();

    client.goto(&app.url("/verify")).await.unwrap();
    crate::browser::fill(&client, "f-number", &number).await;
    crate::browser::fill(&client, "f-name", "张三").await;
    click(&client, "form[action='/verify'] button[type=submit]").await;
    assert_eq!(text_of(&client, "#verify-number").await, number);
    assert_eq!(text_of(&client, "#verify-way").await, "职称认定");
    no_sideways_scroll(&client, "证书查验").await;
    let errors = console_errors(&driver, &client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
