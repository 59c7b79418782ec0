//! Paying as a person does, in headless Chromium on a 360 px phone: the card says what is
//! due, 去缴费 leads to the (simulated) Alipay cashier, 取消 comes back with nothing paid,
//! and 付款 comes back to 缴费成功 with the dossier moved on to the committee.

use fantoccini::{Client, Locator};

use crate::{
    browser::{applicant_sign_in, click, console_errors, js, open_browser, start_driver},
    browser_review::text,
    fees::awaiting_fee,
    helpers::spawn_app,
    review_chain::status,
};

/// Waits until the page at `path` has loaded (after the cashier's and the return page's
/// automatic form posts, which a single click does not cover).
async fn wait_for_path(client: &Client, path: &str) {
    for _ in 0..100 {
        let here = client.current_url().await.unwrap();
        let ready = js(client, "return document.readyState;").await;
        if here.path() == path && ready.as_str() == Some("complete") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "never reached {path}; at {}",
        client.current_url().await.unwrap()
    );
}

/// The page fits the window's width (no sideways scrolling on a phone).
pub(crate) async fn no_sideways_scroll(client: &Client, what: &str) {
    let scroll = js(client, "return document.documentElement.scrollWidth;")
        .await
        .as_f64()
        .unwrap();
    let inner = js(client, "return window.innerWidth;")
        .await
        .as_f64()
        .unwrap();
    assert!(scroll <= inner, "{what}: {scroll} > {inner}");
}

#[tokio::test]
async fn an_applicant_pays_on_a_phone_after_cancelling_once() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let (id, order_id, _) = awaiting_fee(&app).await;
    let client = open_browser(&driver, 360).await;
    applicant_sign_in(&client, &app).await;

    // The card says what is due and until when.
    client.goto(&app.url("/my/applications")).await.unwrap();
    let due = text(&client, &format!("[data-fee-due='{order_id}'] p")).await;
    assert!(due.contains("代办晋升专业技术职务费 50.00 元"), "{due}");
    no_sideways_scroll(&client, "申报职称 with a fee due").await;

    // 去缴费 → the cashier; 取消 → back, nothing paid, and the page says what to do.
    click(&client, &format!("[data-fee-due='{order_id}'] button")).await;
    wait_for_path(&client, "/dev/alipay/gateway.do").await;
    assert_eq!(text(&client, "#amount").await, "¥50.00");
    click(&client, "#sim-cancel").await;
    wait_for_path(&client, "/my/fees").await;
    assert!(
        text(&client, "#fee-notice")
            .await
            .starts_with("尚未收到支付宝的付款确认"),
    );
    assert_eq!(status(&app, id).await, "awaiting_fee");
    no_sideways_scroll(&client, "费用管理").await;

    // 立即支付 on the row → the cashier again; 付款 → back to 缴费成功.
    click(&client, "#fee-table form button").await;
    wait_for_path(&client, "/dev/alipay/gateway.do").await;
    click(&client, "#sim-pay").await;
    wait_for_path(&client, "/my/fees").await;
    assert_eq!(
        text(&client, "#fee-notice").await,
        "缴费成功，请留意评审会的相关信息。"
    );
    assert_eq!(
        text(&client, "#fee-table td[data-label=支付状态]").await,
        "已支付"
    );

    // The card has moved on and asks for nothing more.
    client.goto(&app.url("/my/applications")).await.unwrap();
    assert_eq!(
        text(&client, &format!("[data-application='{id}'] [data-status]")).await,
        "评委会受理中"
    );
    assert!(
        client
            .find_all(Locator::Css("[data-fee-due]"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(console_errors(&driver, &client).await, Vec::<String>::new());
    client.close().await.unwrap();
}
