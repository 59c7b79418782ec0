//! Journeys in headless Chromium, driven over WebDriver (chromedriver + fantoccini).
//! Skipped, with a printed reason, when no browser is installed; CI installs one.

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver process, killed when dropped.
pub(crate) struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) async fn start_driver() -> Option<Driver> {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        // CI installs the browser, so there a missing one is a failure, not a skip.
        zc_db::test_support::skip_or_fail_under_ci(&format!(
            "browser journey needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
        ));
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver {
        child,
        url,
        _profile: tempfile::tempdir().unwrap(),
    };
    for _ in 0..100 {
        if reqwest::get(format!("{}/status", driver.url)).await.is_ok() {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not come up on {}", driver.url);
}

pub(crate) async fn open_browser(driver: &Driver, width: u32) -> Client {
    let profile = driver._profile.path().join(format!("w{width}"));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                format!("--user-data-dir={}", profile.display()),
                format!("--window-size={width},900"),
            ]
        }),
    );
    // Headless Chromium keeps windows at least 500 px wide, so a phone's width is
    // emulated: the page then really lays out in `width` CSS pixels.
    if width < 500
        && let Some(options) = caps
            .get_mut("goog:chromeOptions")
            .and_then(|o| o.as_object_mut())
    {
        options.insert(
            "mobileEmulation".into(),
            json!({ "deviceMetrics": { "width": width, "height": 800, "pixelRatio": 2.0 } }),
        );
    }
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("browser session")
}

pub(crate) async fn js(client: &Client, script: &str) -> Value {
    client.execute(script, vec![]).await.expect("script runs")
}

/// Console messages of level SEVERE since the last call (chromedriver's log endpoint).
pub(crate) async fn console_errors(driver: &Driver, client: &Client) -> Vec<String> {
    let id = client.session_id().await.unwrap().expect("session id");
    let res: Value = reqwest::Client::new()
        .post(format!("{}/session/{id}/se/log", driver.url))
        .json(&json!({ "type": "browser" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    res["value"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .filter(|e| e["level"] == "SEVERE")
                .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn root_font_px(client: &Client) -> f64 {
    let v = js(
        client,
        "return parseFloat(getComputedStyle(document.body).fontSize);",
    )
    .await;
    v.as_f64().unwrap()
}

#[tokio::test]
async fn home_page_at_phone_and_desktop_width_with_care_mode() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    for width in [360u32, 1280] {
        let client = open_browser(&driver, width).await;
        client.goto(&app.url("/")).await.unwrap();
        let title = client
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(title, "广西专业技术人员职称管理服务平台");
        let inner = js(&client, "return window.innerWidth;")
            .await
            .as_f64()
            .unwrap();
        let scroll = js(&client, "return document.documentElement.scrollWidth;")
            .await
            .as_f64()
            .unwrap();
        assert!(
            scroll <= inner,
            "no sideways scrolling at {width}px: {scroll} > {inner}"
        );
        let before = root_font_px(&client).await;
        assert_eq!(before, 16.0, "body text is 16px at {width}px");

        open_menu(&client).await;
        client
            .find(Locator::Css("[data-care-switch] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let care = js(
            &client,
            "return document.documentElement.classList.contains('care');",
        )
        .await;
        assert_eq!(care, Value::Bool(true));
        let after = root_font_px(&client).await;
        assert!(
            after >= 22.0,
            "care mode enlarges text to ≥ 22px at {width}px, got {after}"
        );
        let pressed = client
            .find(Locator::Css("[data-care-switch] button"))
            .await
            .unwrap()
            .attr("aria-pressed")
            .await
            .unwrap();
        assert_eq!(pressed.as_deref(), Some("true"));

        // The choice survives a reload (cookie read by the server).
        client.refresh().await.unwrap();
        assert!(
            root_font_px(&client).await >= 22.0,
            "care mode remembered at {width}px"
        );
        let scroll = js(&client, "return document.documentElement.scrollWidth;")
            .await
            .as_f64()
            .unwrap();
        let inner = js(&client, "return window.innerWidth;")
            .await
            .as_f64()
            .unwrap();
        assert!(
            scroll <= inner,
            "no sideways scrolling in care mode at {width}px"
        );

        for path in ["/design", "/login", "/verify?number=1&name=x"] {
            client.goto(&app.url(path)).await.unwrap();
        }
        let errors = console_errors(&driver, &client).await;
        assert!(errors.is_empty(), "console errors at {width}px: {errors:?}");
        client.close().await.unwrap();
    }
}

/// Fills a field by its id.
pub(crate) async fn fill(client: &Client, id: &str, value: &str) {
    let el = client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("field #{id}: {e}"));
    el.clear().await.ok();
    el.send_keys(value).await.unwrap();
}

/// Opens the header's 菜单 where it is folded (a phone with script), as a person taps it
/// before reaching 退出登录 or 大字模式.
pub(crate) async fn open_menu(client: &Client) {
    let folded = js(
        client,
        "var b = document.querySelector('[data-menu-toggle]'); \
         return !!b && b.offsetParent !== null && b.getAttribute('aria-expanded') === 'false';",
    )
    .await;
    if folded == Value::Bool(true) {
        client
            .find(Locator::Css("[data-menu-toggle]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
}

/// Signs the demo applicant in on the applicant login page, as a person would.
pub(crate) async fn applicant_sign_in(client: &Client, app: &crate::helpers::TestApp) {
    let password = app.demo_password.clone().expect("demo mode has a password");
    client.goto(&app.url("/my/login")).await.unwrap();
    fill(client, "f-identifier", zc_services::demo::DEMO_APPLICANT_ID).await;
    fill(client, "f-password", &password).await;
    click(client, "form[action='/my/login'] button[type=submit]").await;
}

/// Clicks something that loads a new page, and waits until the new page has loaded.
pub(crate) async fn click(client: &Client, css: &str) {
    js(client, "window.__zcOldPage = true; return null;").await;
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
    for _ in 0..100 {
        let fresh = client
            .execute(
                "return window.__zcOldPage === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            .unwrap_or(Value::Bool(false));
        if fresh == Value::Bool(true) {
            crate::accessibility::assert_accessible(client).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no new page after clicking {css}");
}

pub(crate) async fn heading(client: &Client) -> String {
    client
        .find(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn last_code(app: &crate::helpers::TestApp) -> String {
    let body = app.last_sms().await.expect("an SMS was sent").body;
    body.chars()
        .filter(|c| c.is_ascii_digit())
        .take(6)
        .collect()
}

async fn sms_count(app: &crate::helpers::TestApp) -> i64 {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM sms_outbox")
        .fetch_one(p).await)
    .unwrap()
}

#[tokio::test]
async fn register_log_out_recover_by_sms_and_log_in_again_on_a_phone() {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = spawn_app().await;
    let client = open_browser(&driver, 360).await;

    // Register.
    client.goto(&app.url("/my/register")).await.unwrap();
    click(&client, "form[action='/my/register'] button[type=submit]").await;
    assert_eq!(heading(&client).await, "个人用户注册");
    fill(&client, "f-name", "韦小宝").await;
    fill(&client, "f-id_number", "450203197503014566").await;
    fill(&client, "f-phone", "13912340000").await;
    fill(&client, "f-email", "weixb@example.com").await;
    fill(&client, "f-security_answer", "柳州").await;
    client
        .find(Locator::Css("#f-security_question option:nth-child(4)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Enter in the last field means 创建用户, never 获取验证码: no code is sent, and the
    // page says what is missing.
    let sent_before = sms_count(&app).await;
    client
        .find(Locator::Id("f-security_answer"))
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    for _ in 0..40 {
        if js(&client, "return document.readyState === 'complete' && !!document.querySelector('.error-summary');")
            .await
            == Value::Bool(true)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sms_count(&app).await, sent_before, "Enter sent no code");
    let summary = client
        .find(Locator::Css(".error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.contains("验证码"), "{summary}");
    assert_eq!(
        client
            .find(Locator::Id("f-name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("韦小宝"),
        "what was typed stays"
    );
    click(&client, "button[value=send_code]").await;
    let sent = client
        .find(Locator::Css("[role=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(sent, "验证码已发送至 139****0000，5分钟内有效。");
    let code = last_code(&app).await;
    fill(&client, "f-sms_code", &code).await;
    fill(&client, "f-password", "Wxb-Secure-2026").await;
    fill(&client, "f-password_confirm", "Wxb-Secure-2026").await;
    click(&client, ".button-row button[value=register]").await;
    assert_eq!(heading(&client).await, "您好，韦小宝");

    // Log out.
    open_menu(&client).await;
    click(&client, "form[action='/logout'] button").await;
    assert_eq!(heading(&client).await, "广西专业技术人员职称管理服务平台");

    // Recover the password by SMS.
    client.goto(&app.url("/my/login")).await.unwrap();
    click(&client, "a[href='/my/forgot']").await;
    click(&client, "a[href='/my/forgot/sms']").await;
    fill(&client, "f-phone", "13912340000").await;
    // The registration code was sent under a minute ago; let the resend wait pass.
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE sms_code SET created_at = $1")
        .bind(chrono::Utc::now() - chrono::Duration::seconds(61)).execute(p).await.map(|_| ()))
    .unwrap();
    click(&client, "button[value=send_code]").await;
    let code = last_code(&app).await;
    fill(&client, "f-sms_code", &code).await;
    fill(&client, "f-password", "Wxb-Renewed-2027").await;
    fill(&client, "f-password_confirm", "Wxb-Renewed-2027").await;
    click(&client, "button.btn-primary[value=reset]").await;
    assert_eq!(heading(&client).await, "密码已重设");

    // Log in again with the new password and the mobile number.
    click(&client, "a[href='/my/login']").await;
    fill(&client, "f-identifier", "13912340000").await;
    fill(&client, "f-password", "Wxb-Renewed-2027").await;
    click(&client, "form[action='/my/login'] button[type=submit]").await;
    assert_eq!(heading(&client).await, "您好，韦小宝");

    // Choose the unit from the suggestions that appear while typing.
    client.goto(&app.url("/my/unit")).await.unwrap();
    fill(&client, "q", "流动人员").await;
    client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(".suggestion"))
        .await
        .expect("a suggestion appears while typing");
    click(&client, ".suggestion").await;
    let saved = client
        .find(Locator::Css("[role=status]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(saved, "已保存所在单位。");
    assert!(
        client
            .source()
            .await
            .unwrap()
            .contains("广西流动人员职称改革办公室（流动人员）"),
        "the chosen unit is shown"
    );

    let errors = console_errors(&driver, &client).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    client.close().await.unwrap();
}

/// The text of the first element matching `css`.
pub(crate) async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Picks `file` in slot `slot`'s file input and presses its upload button.
pub(crate) async fn upload_into(client: &Client, slot: &str, file: &std::path::Path) {
    client
        .find(Locator::Id(&format!("f-upload-{slot}")))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click(client, &format!("#slot-{slot} form button[type=submit]")).await;
}

/// Uploads the 2-inch photo and keeps the centred crop.
pub(crate) async fn upload_photo(client: &Client, file: &std::path::Path) {
    upload_into(client, "photo", file).await;
    click(client, "#crop-form button[type=submit]").await;
}

/// A dossier's address (`…/my/applications/{id}`) and id, from a page of its sections.
pub(crate) async fn dossier_of(client: &Client) -> (String, i64) {
    let url = client.current_url().await.unwrap();
    let base = url
        .as_str()
        .rsplit_once("/sections/")
        .unwrap()
        .0
        .to_string();
    let id = base.rsplit('/').next().unwrap().parse().unwrap();
    (base, id)
}

/// Pictures on disk for a browser to pick: a 2-inch photo to crop and a scan; the folder
/// goes when the first value is dropped.
pub(crate) fn pictures() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("IMG_0001.png");
    std::fs::write(
        &photo,
        crate::helpers::test_image(900, 1200, image::ImageFormat::Png),
    )
    .unwrap();
    let scan = dir.path().join("scan.jpg");
    std::fs::write(
        &scan,
        crate::helpers::test_image(1200, 900, image::ImageFormat::Jpeg),
    )
    .unwrap();
    (dir, photo, scan)
}

/// 审核报送: ticks the pledge and presses 同意并报送.
pub(crate) async fn submit_with_pledge(client: &Client, base: &str) {
    client.goto(&format!("{base}/submit")).await.unwrap();
    client
        .find(Locator::Css("input[name=pledge]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(client, "form[action$='/submit'] button[type=submit]").await;
}
