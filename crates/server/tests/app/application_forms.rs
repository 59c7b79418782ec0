//! The forms around an application: uploads, the 个人资料 archive, drafts saved by
//! script, forms kept across a sign-in, ordering rows, and the summary's limits.

use reqwest::StatusCode;

use crate::{
    applications::{create, picture, upload},
    helpers::{attr, html, location, spawn_app, spawn_second_browser, texts},
};

#[tokio::test]
async fn uploads_are_normalised_limited_and_private() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;

    // Until the photo is there, the submit page asks for it.
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    assert!(
        texts(&doc, ".missing-list li")
            .iter()
            .any(|m| m.contains("请上传二寸免冠照片（至少1张）"))
    );

    // Not a picture, and a decompression bomb: refused in the slot, in Chinese.
    let res = upload(&app, id, "diploma", vec![b"GIF89a fake".to_vec()]).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#slot-error-diploma"),
        ["学历、学位证书：只能上传JPG或PNG格式的图片"]
    );
    let mut bomb = crate::helpers::test_image(8, 8, image::ImageFormat::Png);
    bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    let res = upload(&app, id, "diploma", vec![bomb]).await;
    let doc = html(&res.text().await.unwrap());
    assert!(texts(&doc, "#slot-error-diploma")[0].contains("图片尺寸过大"));

    // Over 20 MB is refused by size, before any decoding.
    let mut huge = b"\x89PNG\r\n\x1a\n".to_vec();
    huge.resize(21 * 1024 * 1024, 0);
    let res = upload(&app, id, "diploma", vec![huge]).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#slot-error-diploma"),
        ["学历、学位证书：图片不能超过20MB"]
    );

    // A large phone PNG becomes a JPEG within the slot's limits.
    let big = crate::helpers::test_image(4000, 3000, image::ImageFormat::Png);
    assert!(big.len() > 2 * 1024 * 1024, "a large upload: {}", big.len());
    let res = upload(&app, id, "diploma", vec![big]).await;
    assert!(location(&res).contains("saved=diploma"));
    let files = zc_db::application_files::for_application(&app.db, id)
        .await
        .unwrap();
    let diploma = files.iter().find(|f| f.slot == "diploma").unwrap();
    assert_eq!(diploma.width.max(diploma.height), 2400);
    assert!(diploma.bytes <= 800 * 1024);
    let res = app
        .get(&format!("/my/applications/{id}/files/{}", diploma.id))
        .await;
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let served = res.bytes().await.unwrap();
    assert_eq!(&served[..3], &[0xFF, 0xD8, 0xFF]);

    // A thumbnail is no 2-inch photo and no legible scan: refused by its size, which the
    // slot states beside the upload.
    let res = upload(&app, id, "photo", vec![picture(96, 128)]).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#slot-error-photo"),
        ["二寸免冠照片：图片太小（96×128像素），短边至少需要300像素，请上传清晰的原图或扫描件"]
    );
    let res = upload(&app, id, "diploma", vec![picture(500, 400)]).await;
    let doc = html(&res.text().await.unwrap());
    assert!(
        texts(&doc, "#slot-error-diploma")[0].contains("短边至少需要600像素"),
        "{:?}",
        texts(&doc, "#slot-error-diploma")
    );
    let (_, section) = app
        .get_html(&format!("/my/applications/{id}/sections/education"))
        .await;
    assert!(
        texts(&section, "body")[0].contains("图片短边不少于600像素"),
        "the limit is said beside the upload"
    );

    // The photo slot takes one picture and offers the crop preview first.
    let res = upload(&app, id, "photo", vec![picture(1600, 1200)]).await;
    let crop = location(&res);
    let (_, doc) = app.get_html(&crop).await;
    assert!(attr(&doc, "svg[data-crop] rect", "width").is_some());
    let res = app
        .post_form(
            &crop,
            &[("x", "100"), ("y", "0"), ("w", "600"), ("h", "900")],
        )
        .await;
    assert!(location(&res).contains("saved=photo"));
    let photo = zc_db::application_files::for_application(&app.db, id)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.slot == "photo")
        .unwrap();
    assert!(photo.confirmed);
    assert_eq!((photo.width, photo.height), (413, 579));
    let res = upload(&app, id, "photo", vec![picture(800, 800)]).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#slot-error-photo"),
        ["二寸免冠照片最多上传1张，请先删除不需要的图片"]
    );

    // Nobody else fetches the files, not even by id.
    let other = spawn_second_browser(&app).await;
    other
        .login_applicant_with(
            &app,
            "lisi@example.com",
            &app.demo_password.clone().unwrap(),
        )
        .await;
    let res = other
        .get(&format!("/my/applications/{id}/files/{}", diploma.id))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Deleting frees the slot.
    let res = app
        .post_form(
            &format!("/my/applications/{id}/files/{}/delete", photo.id),
            &[],
        )
        .await;
    assert!(location(&res).contains("#slot-photo"));
    assert!(
        zc_db::application_files::for_application(&app.db, id)
            .await
            .unwrap()
            .iter()
            .all(|f| f.slot != "photo")
    );
}

#[tokio::test]
async fn the_archive_prefills_new_applications_and_takes_rows_back() {
    let app = spawn_app().await;
    app.login_applicant().await;
    assert_eq!(
        location(&app.get("/my/profile").await),
        "/my/profile/sections/basic"
    );
    let (_, doc) = app.get_html("/my/profile/sections/education").await;
    assert_eq!(texts(&doc, "main h1"), ["个人资料"]);
    assert_eq!(
        app.get("/my/profile/sections/summary").await.status(),
        StatusCode::NOT_FOUND,
        "the summary belongs to one application"
    );
    let res = app
        .post_form(
            "/my/profile/parts/education/rows",
            &[
                ("graduated", "2010-07"),
                ("item", "最高学历"),
                ("level", "本科"),
                ("school", "桂林理工大学"),
                ("major", "土木工程"),
                ("form", "全日制"),
                ("years", "4"),
                ("degree", "学士"),
            ],
        )
        .await;
    assert!(location(&res).starts_with("/my/profile/sections/education"));

    let id = create(&app).await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/education"))
        .await;
    assert_eq!(
        texts(&doc, "[data-part=education] td[data-label=毕业学校]"),
        ["桂林理工大学"],
        "pre-filled from the archive"
    );

    // An edit inside the application goes back to the archive only when asked.
    app.post_form(
        &format!("/my/applications/{id}/parts/education/rows"),
        &[
            ("row", "0"),
            ("graduated", "2010-07"),
            ("item", "最高学历"),
            ("level", "本科"),
            ("school", "桂林理工大学（原桂林工学院）"),
            ("major", "土木工程"),
            ("form", "全日制"),
            ("years", "4"),
            ("degree", "学士"),
        ],
    )
    .await;
    let (_, doc) = app.get_html("/my/profile/sections/education").await;
    assert_eq!(
        texts(&doc, "[data-part=education] td[data-label=毕业学校]"),
        ["桂林理工大学"]
    );
    let res = app
        .post_form(
            &format!("/my/applications/{id}/parts/education/archive"),
            &[],
        )
        .await;
    assert!(location(&res).contains("saved=archive"));
    let (_, doc) = app.get_html("/my/profile/sections/education").await;
    assert_eq!(
        texts(&doc, "[data-part=education] td[data-label=毕业学校]"),
        ["桂林理工大学（原桂林工学院）"]
    );
}

#[tokio::test]
async fn a_draft_saved_by_script_answers_with_the_time_or_the_messages() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    let token = app.csrf_token().await;
    let res = app
        .client
        .post(app.url(&format!("/my/applications/{id}/parts/basic")))
        .header("X-Autosave", "1")
        .form(&[
            ("_csrf", token.as_str()),
            ("ethnicity", "壮族"),
            ("gender", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let at = res.headers()["x-saved-at"].to_str().unwrap().to_string();
    assert_eq!(at.len(), 5, "HH:MM: {at}");
    let parts = zc_services::application_parts::load(&app.db, id)
        .await
        .unwrap();
    assert!(
        format!("{:?}", parts["basic"]).contains("壮族"),
        "a partial draft is kept"
    );

    let res = app
        .client
        .post(app.url(&format!("/my/applications/{id}/parts/basic")))
        .header("X-Autosave", "1")
        .form(&[("_csrf", token.as_str()), ("work_start", "2010-13")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0][0], "work_start");
    let parts = zc_services::application_parts::load(&app.db, id)
        .await
        .unwrap();
    assert!(
        format!("{:?}", parts["basic"]).contains("壮族"),
        "a refused draft leaves the last good one"
    );
}

#[tokio::test]
async fn a_form_sent_after_the_session_expired_is_kept_until_the_person_signs_in() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    // The session ends on the server (idle timeout) while the form is open.
    zc_db::with_pool!(&app.db, p => sqlx::query("DELETE FROM session").execute(p).await.map(|_| ()))
        .unwrap();
    app.db.announce(zc_db::memo::Forget::All).await.unwrap();
    let res = app
        .post_form(
            &format!("/my/applications/{id}/parts/exams"),
            &[
                ("language", "已合格"),
                ("computer", "免试"),
                ("note", "2019年广东考试合格"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/my/login?next=%2Fmy%2Fresume");

    let res = app
        .post_form(
            "/my/login",
            &[
                ("identifier", zc_services::demo::DEMO_APPLICANT_ID),
                ("password", &app.demo_password.clone().unwrap()),
                ("next", "/my/resume"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/my/resume");
    let (_, doc) = app.get_html("/my/resume").await;
    let shown = texts(&doc, "#kept-values dd");
    assert!(
        shown.contains(&"2019年广东考试合格".to_string()),
        "{shown:?}"
    );
    let action = attr(&doc, "form[action^='/my/applications']", "action").unwrap();
    assert_eq!(action, format!("/my/applications/{id}/parts/exams"));
    let fields: Vec<(String, String)> = doc
        .select(
            &scraper::Selector::parse("form[action^='/my/applications'] input[type=hidden]")
                .unwrap(),
        )
        .filter_map(|e| {
            Some((
                e.value().attr("name")?.to_string(),
                e.value().attr("value")?.to_string(),
            ))
        })
        .filter(|(k, _)| k != "_csrf")
        .collect();
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app.post_form(&action, &borrowed).await;
    assert!(location(&res).contains("saved=exams"));
    let parts = zc_services::application_parts::load(&app.db, id)
        .await
        .unwrap();
    assert!(format!("{:?}", parts["exams"]).contains("2019年广东考试合格"));
    // Shown once: the kept form is gone afterwards.
    let (_, doc) = app.get_html("/my/resume").await;
    assert!(texts(&doc, "[role=status]")[0].contains("没有需要继续保存的内容"));
}

#[tokio::test]
async fn the_summary_limit_comes_from_configuration() {
    let app = crate::helpers::spawn_app_with(|c| c.summary_limit_evaluation = 100).await;
    app.login_applicant().await;
    let id = create(&app).await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/summary"))
        .await;
    assert_eq!(attr(&doc, "#f-summary", "data-max").as_deref(), Some("100"));
    assert_eq!(
        attr(&doc, "#f-summary", "maxlength"),
        None,
        "a pasted summary over the limit is kept for cutting, never truncated by the browser"
    );
    let long = "工".repeat(150);
    let res = app
        .post_form(
            &format!("/my/applications/{id}/summary"),
            &[("summary", &long)],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["专业技术工作总结不能超过100个字符（现有150个），请删减50个字符"]
    );
    assert_eq!(texts(&doc, "#f-summary"), [long], "what was typed stays");
}

#[tokio::test]
async fn rows_take_a_new_order_from_drag_and_drop_and_a_stale_order_is_refused() {
    let app = spawn_app().await;
    app.login_applicant().await;
    for name in ["甲", "乙", "丙"] {
        app.post_form(
            "/my/profile/parts/awards/rows",
            &[
                ("date", "2020-01"),
                ("name", &format!("{name}奖")),
                ("level", "市厅级"),
                ("issuer", "南宁市人民政府"),
                ("rank", "第一"),
            ],
        )
        .await;
    }
    let (_, doc) = app.get_html("/my/profile/sections/achievements").await;
    assert_eq!(
        attr(&doc, "table[data-part=awards]", "data-reorder").as_deref(),
        Some("/my/profile/parts/awards/order")
    );
    let res = app
        .post_form("/my/profile/parts/awards/order", &[("order", "2,0,1")])
        .await;
    assert!(location(&res).contains("saved=awards"));
    let (_, doc) = app.get_html("/my/profile/sections/achievements").await;
    assert_eq!(
        texts(&doc, "[data-part=awards] td[data-label=名称与内容]"),
        ["丙奖", "甲奖", "乙奖"]
    );
    let res = app
        .post_form("/my/profile/parts/awards/order", &[("order", "0,1")])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "a row was added or removed meanwhile"
    );
}

#[tokio::test]
async fn the_summary_is_sanitised_and_rows_are_ordered_without_script() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    app.post_form(
        &format!("/my/applications/{id}/summary"),
        &[(
            "summary",
            "<p><b>主持</b>设计<script>alert('x')</script></p><img src=x onerror=alert(1)>",
        )],
    )
    .await;
    let body = app
        .get(&format!("/my/applications/{id}/sections/summary"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !body.contains("alert('x')") && !body.contains("onerror"),
        "no script survives"
    );
    let stored: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT data FROM application_part WHERE application_id = $1 AND part = 'summary'")
        .bind(id).fetch_one(p).await)
    .unwrap();
    assert!(stored.contains("<b>主持</b>设计"), "{stored}");

    for name in ["甲成果", "乙成果"] {
        app.post_form(
            &format!("/my/applications/{id}/parts/achievements/rows"),
            &[
                ("from", "2020-01"),
                ("name", name),
                ("level", "市厅级"),
                ("rank", "第一"),
            ],
        )
        .await;
    }
    app.post_form(
        &format!("/my/applications/{id}/parts/achievements/rows/1/up"),
        &[],
    )
    .await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/achievements"))
        .await;
    assert_eq!(
        texts(&doc, "[data-part=achievements] td[data-label=业绩成果名称]"),
        ["乙成果", "甲成果"]
    );
    app.post_form(
        &format!("/my/applications/{id}/parts/achievements/rows/0/delete"),
        &[],
    )
    .await;
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/achievements"))
        .await;
    assert_eq!(
        texts(&doc, "[data-part=achievements] td[data-label=业绩成果名称]"),
        ["甲成果"]
    );

    // A draft can be deleted; it then disappears from the list.
    let res = app
        .post_form(&format!("/my/applications/{id}/delete"), &[])
        .await;
    assert_eq!(location(&res), "/my/applications");
    let (_, doc) = app.get_html("/my/applications").await;
    assert!(texts(&doc, ".application-card").is_empty());
}

/// CRC-32 (IEEE) of a PNG chunk, to forge the bomb's header.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test]
async fn a_new_row_saved_by_script_is_kept_as_one_row() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = create(&app).await;
    let token = app.csrf_token().await;
    let send = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let token = token.clone();
        async move {
            let mut body = fields;
            body.push(("_csrf", token));
            app.client
                .post(app.url(&format!("/my/applications/{id}/parts/societies/rows")))
                .header("X-Autosave", "1")
                .form(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let res = send(vec![("society", "广西土木建筑学会".into())]).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let index = res.headers()["x-row-index"].to_str().unwrap().to_string();
    assert_eq!(index, "0");
    let res = send(vec![
        ("row", index),
        ("society", "广西土木建筑学会".into()),
        ("post", "会员".into()),
        ("from", "2019-05".into()),
    ])
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/experience"))
        .await;
    assert_eq!(
        texts(&doc, "[data-part=societies] td[data-label=在何职]"),
        ["会员"],
        "one row, updated"
    );
}
