//! 邮寄 in headless Chromium at 360 px, as a holder would do it on a phone: 证书管理 →
//! 邮寄; an address without a province is refused on the same page with the message on
//! screen and everything typed still there; with the province it is accepted and the
//! postage waits in 费用管理.

use fantoccini::{Client, Locator};

use crate::{
    browser::{
        applicant_sign_in, click, console_errors, fill, open_browser, start_driver, text_of,
    },
    browser_fees::no_sideways_scroll,
    delivery::issued,
    helpers::spawn_app,
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

#[tokio::test]
async fn a_holder_asks_for_the_certificate_by_post_on_a_phone() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let (_, cert, _, office) = issued(&app, "bdmail").await;
    office
        .post(
            "/office/delivery/mailing",
            &[("enabled", "1"), ("postage", "22")],
        )
        .await;
    let client = open_browser(&driver, 360).await;
    applicant_sign_in(&client, &app).await;

    client.goto(&app.url("/my/certificates")).await.unwrap();
    no_sideways_scroll(&client, "证书管理").await;
    click(&client, &format!("#mail-{cert}")).await;
    client
        .find(Locator::Css("input[name=method][value=mail]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for (id, value) in [
        ("f-recipient", "张三"),
        ("f-city", "南宁市青秀区"),
        ("f-address", "民族大道100号3栋2单元501"),
        ("f-phone", "13800771234"),
        ("f-postcode", "530022"),
    ] {
        fill(&client, id, value).await;
    }
    click(&client, "#delivery-form button[type=submit]").await;

    // Refused on the same page: the message on screen, everything typed kept.
    assert_eq!(text_of(&client, ".error-summary li").await, "请选择省份");
    assert_eq!(
        value_of(&client, "f-address").await,
        "民族大道100号3栋2单元501"
    );
    assert_eq!(value_of(&client, "f-postcode").await, "530022");
    assert!(
        client
            .find(Locator::Css("input[name=method][value=mail]"))
            .await
            .unwrap()
            .prop("checked")
            .await
            .unwrap()
            .as_deref()
            == Some("true"),
        "邮寄证书 is still chosen"
    );
    no_sideways_scroll(&client, "证书领取方式（有错误）").await;

    crate::browser_application::set(&client, "f-province", "广西壮族自治区").await;
    click(&client, "#delivery-form button[type=submit]").await;
    assert_eq!(client.current_url().await.unwrap().path(), "/my/fees");
    assert!(text_of(&client, "main").await.contains("证书邮寄费（EMS）"));
    client.goto(&app.url("/my/certificates")).await.unwrap();
    assert_eq!(
        text_of(&client, &format!("#delivery-{cert}")).await,
        "待缴邮费"
    );
    let errors = console_errors(&driver, &client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}
