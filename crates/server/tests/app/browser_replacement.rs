//! 遗失补办 in headless Chromium at 360 px, as a holder would do it on a phone: 我要申报 →
//! 遗失补办; a certificate number with a letter is refused beside the field with everything
//! typed kept; the photo; 保存信息确认 with the 遗失申明; 确定 voids the old certificate and
//! puts it on the public notice; sending waits for the notice; once it has run, 同意并报送.

use fantoccini::{Client, Locator};

use crate::{
    browser::{
        applicant_sign_in, click, console_errors, heading, open_browser, start_driver, text_of,
        upload_into, upload_photo,
    },
    browser_application::set,
    browser_fees::no_sideways_scroll,
    browser_recognition::open_kind,
    helpers::spawn_app,
    replacement::issued_to_zhang_san,
};

async fn value_of(client: &Client, id: &str) -> String {
    client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"))
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Types 申报信息 and presses 保存.
async fn fill_info(client: &Client, cert_no: &str) {
    for (key, value) in [
        ("custom_major", "否"),
        ("original_major", "建筑工程"),
        ("contact_phone", "13393689888"),
        ("original_cert_no", cert_no),
        ("original_issuer", "南宁市职称改革工作领导小组办公室"),
        ("original_obtained", "2016-07"),
    ] {
        set(client, &format!("f-rp_info-{key}"), value).await;
    }
    click(client, "#part-rp_info form button[type=submit]").await;
}

#[tokio::test]
async fn a_holder_declares_a_lost_certificate_on_a_phone_and_sends_after_the_notice() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let number = issued_to_zhang_san(&app).await;
    let client = open_browser(&driver, 360).await;
    applicant_sign_in(&client, &app).await;

    let (base, id) = open_kind(&client, &app, "replacement", "遗失补办").await;
    assert!(
        text_of(&client, "#loss-notice")
            .await
            .contains("请确认遗失申明")
    );

    // A letter in the number: said beside the field, on the same page, all else kept.
    fill_info(&client, "2016O21000100007").await;
    assert_eq!(
        text_of(&client, "#e-rp_info-original_cert_no").await,
        "原证书编号只能是数字（如果没有，可以不填）"
    );
    assert_eq!(
        value_of(&client, "f-rp_info-original_cert_no").await,
        "2016O21000100007"
    );
    assert_eq!(
        value_of(&client, "f-rp_info-original_major").await,
        "建筑工程"
    );
    no_sideways_scroll(&client, "申报信息（有错误）").await;

    // The photo, then 保存 leads to 保存信息确认.
    let (_dir, photo, scan) = crate::browser::pictures();
    upload_photo(&client, &photo).await;
    fill_info(&client, &number).await;
    assert_eq!(heading(&client).await, "保存信息确认");
    assert!(text_of(&client, "#loss-confirm").await.contains(&number));
    no_sideways_scroll(&client, "保存信息确认").await;
    click(&client, "#confirm-notice").await;
    let banner = text_of(&client, "#loss-notice").await;
    assert!(banner.starts_with("原证书已公示作废：遗失公示"), "{banner}");
    assert!(banner.contains("公示期满后方可报送"), "{banner}");

    // Sending now is refused with the day it opens.
    client.goto(&format!("{base}/submit")).await.unwrap();
    let missing = text_of(&client, ".missing-list").await;
    assert!(missing.contains("公示期满后方可报送"), "{missing}");

    // The public notice and the public check, as anyone sees them on a phone.
    client.goto(&app.url("/publicity?list=lost")).await.unwrap();
    assert!(text_of(&client, "#loss-notices").await.contains(&number));
    no_sideways_scroll(&client, "证书遗失公示").await;
    client
        .goto(&app.url(&format!("/verify?number={number}&name=张三")))
        .await
        .unwrap();
    assert_eq!(
        text_of(&client, "#verify-status").await,
        "该证书已作废（遗失公示），不能作为取得该资格的证明。"
    );

    // Two weeks later (the notice moved back rather than the clock, so the browser's
    // session stays): the other pictures and 同意并报送.
    zc_db::with_pool!(&app.db, p => sqlx::query(
        "UPDATE loss_notice SET starts_on = $1, ends_on = $2 WHERE application_id = $3")
        .bind(app.db.today() - chrono::Duration::days(14))
        .bind(app.db.today() - chrono::Duration::days(5))
        .bind(id).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    client
        .goto(&format!("{base}/sections/rp_uploads"))
        .await
        .unwrap();
    for (slot, n) in [("id_card", 2), ("loss_statement", 1)] {
        for _ in 0..n {
            upload_into(&client, slot, &scan).await;
        }
    }
    no_sideways_scroll(&client, "资料上传").await;
    crate::browser::submit_with_pledge(&client, &base).await;
    assert_eq!(
        text_of(&client, "#submitted").await,
        "您的遗失补办申报已成功提交，请等待单位工作人员审核。"
    );
    let errors = console_errors(&driver, &client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
