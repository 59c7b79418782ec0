//! 我的账号: the owner's full identifiers, changing the e-mail by a link, the avatar.

use reqwest::{StatusCode, header, multipart};
use zc_services::demo::{DEMO_APPLICANT_ID, DEMO_APPLICANT_PHONE};

use crate::helpers::{attr, html, location, spawn_app, spawn_second_browser, texts};

#[tokio::test]
async fn only_the_owner_sees_the_full_id_number_and_only_on_the_account_page() {
    let app = spawn_app().await;
    let res = app.get("/account").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "signed out: to login");

    app.login_applicant().await;
    let res = app.get("/account").await;
    assert_eq!(
        res.headers()[header::CACHE_CONTROL],
        "no-store",
        "never cached"
    );
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#own-id-number"), ["4501**********1237"]);
    assert!(texts(&doc, "#own-phone")[0].starts_with("138****1234"));
    assert!(texts(&doc, "#own-email")[0].starts_with("zhangsan@example.com"));

    // The full numbers need the password again; a wrong one shows nothing more.
    let res = app
        .post_form(
            "/account/reveal",
            &[("current_password", "not-my-password")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".error-summary li"), ["当前密码不正确"]);
    assert_eq!(texts(&doc, "#own-id-number"), ["4501**********1237"]);
    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form("/account/reveal", &[("current_password", &password)])
        .await;
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#own-id-number"), [DEMO_APPLICANT_ID]);
    assert!(texts(&doc, "#own-phone")[0].starts_with(DEMO_APPLICANT_PHONE));
    let results: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT result FROM audit_event WHERE action = 'pii.reveal_own' ORDER BY id")
        .fetch_all(p).await)
    .unwrap();
    assert_eq!(results, ["refused", "ok"], "both attempts audited");
    // Back on the page, the numbers are hidden again.
    let (_, doc) = app.get_html("/account").await;
    assert_eq!(texts(&doc, "#own-id-number"), ["4501**********1237"]);

    // Everywhere else the number stays masked.
    let home = app.get("/my").await.text().await.unwrap();
    assert!(!home.contains(DEMO_APPLICANT_ID));
    let unit_page = app.get("/my/unit").await.text().await.unwrap();
    assert!(!unit_page.contains(DEMO_APPLICANT_ID));
    assert!(!unit_page.contains(DEMO_APPLICANT_PHONE));

    // Staff have no applicant identity to show.
    let staff = spawn_second_browser(&app).await;
    staff.login_as(&app, "danwei").await;
    let doc = html(&staff.get("/account").await.text().await.unwrap());
    assert!(texts(&doc, "#own-id-number").is_empty());
    assert_eq!(texts(&doc, "h1"), ["账号设置"]);
}

#[tokio::test]
async fn the_e_mail_changes_only_through_the_link_sent_to_the_new_address() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let password = app.demo_password.clone().unwrap();

    // Refusals keep what was typed and name the field.
    for (email, pw, field_msg) in [
        ("not-an-address", password.as_str(), "邮箱"),
        (
            "zhangsan@example.com",
            password.as_str(),
            "新邮箱与当前邮箱相同",
        ),
        (
            "LiSi@example.com",
            password.as_str(),
            "该邮箱已被其他账号使用，请更换邮箱",
        ),
        ("zs-new@example.cn", "wrong-password", "当前密码不正确"),
    ] {
        let res = app
            .post_form(
                "/account/email",
                &[("email", email), ("current_password", pw)],
            )
            .await;
        let doc = html(&res.text().await.unwrap());
        let msgs = texts(&doc, ".field-msg").join(" ");
        assert!(msgs.contains(field_msg), "{email}: {msgs}");
        assert_eq!(attr(&doc, "#f-email", "value").as_deref(), Some(email));
    }
    assert!(
        zc_db::mail::outbox_recent(&app.db, 5)
            .await
            .unwrap()
            .is_empty(),
        "nothing sent for a refused request"
    );

    let res = app
        .post_form(
            "/account/email",
            &[
                ("email", "zs-new@example.cn"),
                ("current_password", &password),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert!(texts(&doc, "[role=status]")[0].contains("zs-new@example.cn"));
    // Until the link is opened the old address stays.
    assert_eq!(texts(&doc, "#current-email"), ["zhangsan@example.com"]);

    let mail = zc_db::mail::outbox_recent(&app.db, 1)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(mail.to_address, "zs-new@example.cn");
    let link = mail
        .body
        .lines()
        .find(|l| l.contains("/account/email/confirm?token="))
        .unwrap()
        .trim()
        .to_string();
    let path = link[app.address.len()..].to_string();

    // Opened in another browser (the mail app's), the link shows the address and a button.
    let other = spawn_second_browser(&app).await;
    let doc = html(&other.get(&path).await.text().await.unwrap());
    assert_eq!(texts(&doc, "#new-email"), ["zs-new@example.cn"]);
    let token = attr(&doc, "input[name=token]", "value").unwrap();
    let doc = html(
        &other
            .post("/account/email/confirm", &[("token", &token)])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "[role=status]")[0].contains("邮箱已更换"));

    // The old address is told; the link works once; the new address signs in.
    let notice = zc_db::mail::outbox_recent(&app.db, 1)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(notice.to_address, "zhangsan@example.com");
    assert!(notice.body.contains("zs***@example.cn"));
    let doc = html(
        &other
            .post("/account/email/confirm", &[("token", &token)])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, ".notice-danger")[0].contains("该链接已失效"));
    let fresh = spawn_second_browser(&app).await;
    let res = fresh
        .login_applicant_with(&app, "zs-new@example.cn", &password)
        .await;
    assert_eq!(location(&res), "/my");

    let actions: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT action FROM audit_event WHERE action LIKE 'email.%' ORDER BY id")
        .fetch_all(p).await)
    .unwrap();
    assert_eq!(actions, ["email.change_requested", "email.change"]);
}

async fn upload_avatar(app: &crate::helpers::TestApp, bytes: Vec<u8>) -> reqwest::Response {
    let token = app.csrf_token().await;
    let form = multipart::Form::new().text("_csrf", token).part(
        "avatar",
        multipart::Part::bytes(bytes).file_name("photo.png"),
    );
    app.client
        .post(app.url("/account/avatar"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_avatar_becomes_a_small_square_jpeg_that_only_its_owner_fetches() {
    let app = spawn_app().await;
    app.login_applicant().await;

    let res = upload_avatar(&app, b"GIF89a not really".to_vec()).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#avatar-error"), ["只能上传JPG或PNG格式的图片"]);

    let res = upload_avatar(
        &app,
        crate::helpers::test_image(1600, 900, image::ImageFormat::Png),
    )
    .await;
    assert_eq!(location(&res), "/account?saved=avatar");
    let res = app.get("/account/avatar").await;
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/jpeg");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.len() <= 200 * 1024);
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (256, 256));
    let (_, doc) = app.get_html("/account").await;
    assert_eq!(
        attr(&doc, "img.avatar", "src").as_deref(),
        Some("/account/avatar")
    );

    // Another person asking for "the avatar" gets their own (none), never this one.
    let other = spawn_second_browser(&app).await;
    assert_eq!(
        other.get("/account/avatar").await.status(),
        StatusCode::FORBIDDEN
    );
    other
        .login_applicant_with(
            &app,
            "lisi@example.com",
            &app.demo_password.clone().unwrap(),
        )
        .await;
    assert_eq!(
        other.get("/account/avatar").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn identity_numbers_and_mobiles_are_stored_sealed_and_found_by_a_keyed_index() {
    let app = spawn_app().await;
    let (id_number, phone) = (
        zc_services::demo::DEMO_APPLICANT_ID,
        zc_services::demo::DEMO_APPLICANT_PHONE,
    );
    let row: (String, String, String, String, String, String) = zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT id_number_sealed, id_number_index, id_number_masked, phone_sealed, phone_index, phone_masked \
         FROM applicant WHERE id_number_index = $1")
        .bind(app.vault.index("id", id_number)).fetch_one(p).await)
    .unwrap();
    let (id_sealed, id_index, id_masked, phone_sealed, phone_index, phone_masked) = row;
    for stored in [
        &id_sealed,
        &id_index,
        &id_masked,
        &phone_sealed,
        &phone_index,
        &phone_masked,
    ] {
        assert!(
            !stored.contains(id_number) && !stored.contains(phone),
            "{stored}"
        );
    }
    assert_eq!(app.vault.open(&id_sealed).unwrap(), id_number);
    assert_eq!(app.vault.open(&phone_sealed).unwrap(), phone);
    assert_eq!(phone_index, app.vault.index("phone", phone));
    // Sealing is randomised: the same number sealed twice differs, so equal ciphertexts
    // never reveal equal numbers; only the keyed index matches.
    assert_ne!(app.vault.seal(id_number), app.vault.seal(id_number));
    assert_eq!(id_masked, "4501**********1237");

    // On SQLite the whole database file, journal included, never holds them in clear.
    if zc_db::test_support::postgres_url().is_none() {
        let dir = app.keys_dir();
        let data_dir = dir.parent().unwrap();
        let mut checked = 0;
        for entry in std::fs::read_dir(data_dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("zhicheng.db") {
                checked += 1;
                let bytes = std::fs::read(&path).unwrap();
                for secret in [id_number, phone] {
                    assert!(
                        !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                        "{name} holds {secret} in clear"
                    );
                }
            }
        }
        assert!(checked >= 1, "the database file was read");
    }
}
