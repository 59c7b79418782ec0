//! Unit self-registration, the office's review queue, and unit staff management.

use reqwest::{StatusCode, multipart};

use crate::helpers::{TestApp, attr, html, location, spawn_app, texts};

/// A licence photo as a phone takes it.
static JPEG: std::sync::LazyLock<Vec<u8>> =
    std::sync::LazyLock::new(|| crate::helpers::test_image(800, 600, image::ImageFormat::Jpeg));

async fn floating_office_id(app: &TestApp) -> i64 {
    zc_db::reference::office_id_by_name(&app.db, zc_db::seed::organisations::FLOATING_OFFICE)
        .await
        .unwrap()
        .unwrap()
}

fn unit_form(office: i64, credit_code: &str, licence: Option<&'static [u8]>) -> multipart::Form {
    let mut form = multipart::Form::new();
    for (k, v) in [
        ("name", "南宁青秀数字技术有限公司"),
        ("credit_code", credit_code),
        ("kind", "企业"),
        ("region_code", "450103"),
        ("address", "南宁市青秀区民族大道100号"),
        ("contact_name", "黄经理"),
        ("contact_phone", "13978812345"),
        ("admin_login", "qxsz_admin"),
        ("admin_name", "黄管理"),
        ("password", "Qxsz-Admin-2026"),
        ("password_confirm", "Qxsz-Admin-2026"),
    ] {
        form = form.text(k, v.to_string());
    }
    form = form.text("office_id", office.to_string());
    if let Some(bytes) = licence {
        form = form.part(
            "licence",
            multipart::Part::bytes(bytes)
                .file_name("licence.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    }
    form
}

async fn submit(app: &TestApp, form: multipart::Form) -> reqwest::Response {
    let token = app.csrf_token().await;
    app.client
        .post(app.url("/unit/register"))
        .header("X-CSRF-Token", token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_unit_registers_and_the_office_approves_it_within_its_scope() {
    let app = spawn_app().await;
    let office = floating_office_id(&app).await;
    let (_, doc) = app.get_html("/unit/register").await;
    assert_eq!(
        texts(&doc, "#f-region_code optgroup").len(),
        14,
        "counties grouped by the 14 cities"
    );

    // No licence and a malformed code: both named, the rest kept.
    let res = submit(&app, unit_form(office, "91450100MA5K3", None)).await;
    let doc = html(&res.text().await.unwrap());
    let errors = texts(&doc, ".error-summary li");
    assert!(
        errors.contains(&"统一社会信用代码应为18位".to_string()),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"请上传营业执照或法人登记证书的照片（JPG或PNG）".to_string()),
        "{errors:?}"
    );
    assert_eq!(
        attr(&doc, "#f-address", "value").as_deref(),
        Some("南宁市青秀区民族大道100号")
    );

    // A file that is not really an image is refused by its bytes.
    let res = submit(
        &app,
        unit_form(office, "91450103MA5Q8R2X1B", Some(b"<svg onload=alert(1)>")),
    )
    .await;
    assert!(
        texts(&html(&res.text().await.unwrap()), ".error-summary li")
            .contains(&"只能上传JPG或PNG格式的图片".to_string())
    );

    // A code with a wrong check character is accepted but flagged for manual review.
    let res = submit(
        &app,
        unit_form(office, "91450103MA5Q8R2X1B", Some(JPEG.as_slice())),
    )
    .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "h1"), ["单位注册已提交"]);
    assert!(texts(&doc, ".notice-warning")[0].contains("校验位"));

    // The unit's administrator sees the pending status.
    let admin = crate::helpers::spawn_second_browser(&app).await;
    let res = admin
        .post(
            "/login",
            &[
                ("login_name", "qxsz_admin"),
                ("password", "Qxsz-Admin-2026"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/unit");
    let doc = html(&admin.get("/unit").await.text().await.unwrap());
    assert!(texts(&doc, "[role=status]")[0].starts_with("本单位注册信息正在审核中"));
    // 单位信息变更 waits for the approval: the registration itself is still open.
    let res = admin
        .post(
            "/unit/info/change",
            &[("name", "南宁青秀数字科技有限公司"), ("reason", "单位更名")],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), ".error-summary li"),
        ["单位注册尚未审核通过，暂不能申请变更；被退回的注册请在首页按退回意见修改后重新提交"]
    );

    // The office that was chosen sees it with its deadline and licence.
    app.login_as("zhigaiban").await;
    let (_, doc) = app.get_html("/office/units").await;
    assert_eq!(
        texts(&doc, "tbody td[data-label=单位名称]"),
        ["南宁青秀数字技术有限公司"]
    );
    assert!(texts(&doc, "tbody td[data-label=统一社会信用代码]")[0].contains("需人工核对"));
    let href = attr(&doc, "tbody a", "href").unwrap();
    let unit_id = href.rsplit('/').next().unwrap().to_string();
    let licence = app.get(&format!("{href}/licence")).await;
    assert_eq!(licence.status(), StatusCode::OK);
    assert_eq!(licence.headers()["content-type"], "image/jpeg");

    // Another office's staff cannot open it, not even by typing the id.
    let other = spawn_other_office_staff(&app).await;
    assert_eq!(
        other
            .get(&format!("/office/units/{unit_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("/office/units/{unit_id}/licence"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A return needs a reason; approval then lets applicants choose the unit.
    let res = app
        .post_form(
            &format!("/office/units/{unit_id}/decision"),
            &[("decision", "return"), ("reason", "不清")],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), ".error-summary li"),
        ["请写明退回原因（至少5个字），单位将据此修改"]
    );
    let res = app
        .post_form(
            &format!("/office/units/{unit_id}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(location(&res), "/office/units?status=pending");
    let res = app
        .post_form(
            &format!("/office/units/{unit_id}/decision"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "main [role=alert]"),
        ["该单位的注册申请已由其他工作人员处理，请刷新后查看"]
    );
    let events = zc_db::audit::recent(&app.db, 5).await.unwrap();
    assert!(events.iter().any(|e| e.action == "unit.approve"));
    let found = zc_db::reference::search_approved_units(&app.db, "青秀数字", 10, 0)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}

/// Staff of a city office (not the floating-personnel office).
async fn spawn_other_office_staff(app: &TestApp) -> crate::helpers::SecondBrowser {
    let office = zc_db::reference::office_id_by_name(&app.db, "柳州市职称改革工作领导小组办公室")
        .await
        .unwrap()
        .unwrap();
    let input = zc_services::accounts::NewAccountInput {
        login_name: "liuzhou_staff".into(),
        display_name: "柳州职改办".into(),
        password: "Lz-Office-2026".into(),
        role: zc_domain::Role::OfficeStaff,
        org: Some(("office", office)),
    };
    zc_services::accounts::create_account(&app.db, input, Default::default())
        .await
        .unwrap();
    let b = crate::helpers::spawn_second_browser(app).await;
    let res = b
        .post(
            "/login",
            &[
                ("login_name", "liuzhou_staff"),
                ("password", "Lz-Office-2026"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    b
}

#[tokio::test]
async fn a_unit_admin_adds_and_disables_staff_of_their_own_unit_only() {
    let app = spawn_app().await;
    app.login_as("danwei").await;
    let res = app
        .post_form(
            "/unit/staff",
            &[
                ("login_name", "zm_reviewer"),
                ("display_name", "吴审核"),
                ("role", "unit_reviewer"),
                ("password", "Zm-Review-2026"),
                ("password_confirm", "Zm-Review-2026"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/unit/staff");
    let (_, doc) = app.get_html("/unit/staff").await;
    assert_eq!(
        texts(&doc, "tbody td[data-label=姓名]"),
        ["李单位", "周审核", "吴审核"]
    );

    let reviewer = crate::helpers::spawn_second_browser(&app).await;
    let res = reviewer
        .post(
            "/login",
            &[
                ("login_name", "zm_reviewer"),
                ("password", "Zm-Review-2026"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/unit");
    let doc = html(&reviewer.get("/unit/staff").await.text().await.unwrap());
    assert!(
        texts(&doc, "form[action='/unit/staff'] button").is_empty(),
        "reviewers cannot add staff"
    );

    let id = zc_db::accounts::find_by_login(&app.db, "zm_reviewer")
        .await
        .unwrap()
        .unwrap()
        .id;
    // Another unit's admin cannot touch this account.
    let other_unit = zc_db::reference::unit_id_by_name(&app.db, "柳州龙城机械制造有限公司")
        .await
        .unwrap()
        .unwrap();
    let input = zc_services::accounts::NewAccountInput {
        login_name: "lc_admin".into(),
        display_name: "龙城管理".into(),
        password: "Lc-Admin-2026x".into(),
        role: zc_domain::Role::UnitAdmin,
        org: Some(("unit", other_unit)),
    };
    zc_services::accounts::create_account(&app.db, input, Default::default())
        .await
        .unwrap();
    let stranger = crate::helpers::spawn_second_browser(&app).await;
    stranger
        .post(
            "/login",
            &[("login_name", "lc_admin"), ("password", "Lc-Admin-2026x")],
        )
        .await;
    let res = stranger
        .post(&format!("/unit/staff/{id}/disable"), &[])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "cross-unit staff access is refused"
    );

    let res = app
        .post_form(&format!("/unit/staff/{id}/disable"), &[])
        .await;
    assert_eq!(location(&res), "/unit/staff");
    assert!(
        location(&reviewer.get("/unit").await).starts_with("/login"),
        "a disabled account is signed out at once"
    );
    let res = reviewer
        .post(
            "/login",
            &[
                ("login_name", "zm_reviewer"),
                ("password", "Zm-Review-2026"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "and cannot sign in again");
}

#[tokio::test]
async fn a_returned_unit_corrects_its_registration_and_goes_back_to_the_queue() {
    let app = spawn_app().await;
    let office = floating_office_id(&app).await;
    let res = submit(
        &app,
        unit_form(office, "91450100MA5K3T7Q1A", Some(JPEG.as_slice())),
    )
    .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "h1"),
        ["单位注册已提交"]
    );
    let unit_id = zc_db::reference::unit_id_by_name(&app.db, "南宁青秀数字技术有限公司")
        .await
        .unwrap()
        .unwrap();
    let reviewer = crate::helpers::spawn_second_browser(&app).await;
    reviewer.login_as(&app, "zhigaiban").await;
    reviewer
        .post(
            &format!("/office/units/{unit_id}/decision"),
            &[
                ("decision", "return"),
                ("reason", "单位地址与营业执照不一致"),
            ],
        )
        .await;

    // The administrator is told why and given the correction form, filled in.
    let res = app
        .post_form(
            "/login",
            &[
                ("login_name", "qxsz_admin"),
                ("password", "Qxsz-Admin-2026"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/unit");
    let (_, doc) = app.get_html("/unit").await;
    assert_eq!(
        attr(&doc, "[role=status] a", "href").as_deref(),
        Some("/unit/registration")
    );
    let (_, doc) = app.get_html("/unit/registration").await;
    assert_eq!(
        texts(&doc, "#return-note"),
        ["退回原因：单位地址与营业执照不一致"]
    );
    assert_eq!(
        attr(&doc, "#f-address", "value").as_deref(),
        Some("南宁市青秀区民族大道100号")
    );
    assert_eq!(
        attr(&doc, "#f-contact_phone", "value").as_deref(),
        Some("13978812345"),
        "the unit's own contact number, for its own administrator"
    );
    assert!(
        texts(&doc, "#f-admin_login").is_empty(),
        "no new account here"
    );

    let corrected = |address: &'static str| {
        let mut form = multipart::Form::new();
        for (k, v) in [
            ("name", "南宁青秀数字技术有限公司"),
            ("credit_code", "91450100MA5K3T7Q1A"),
            ("kind", "企业"),
            ("region_code", "450103"),
            ("address", address),
            ("contact_name", "黄经理"),
            ("contact_phone", "13978812345"),
        ] {
            form = form.text(k, v.to_string());
        }
        form.text("office_id", office.to_string())
    };
    let post = |form: multipart::Form| {
        let app = &app;
        async move {
            let token = app.csrf_token().await;
            app.client
                .post(app.url("/unit/registration"))
                .header("X-CSRF-Token", token)
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    // A refusal keeps what was typed; the old licence still counts.
    let res = post(corrected("")).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["请填写单位地址（不超过200个字）"]
    );
    assert_eq!(
        attr(&doc, "#f-contact_name", "value").as_deref(),
        Some("黄经理")
    );

    let res = post(corrected("南宁市青秀区民族大道136号")).await;
    assert_eq!(location(&res), "/unit");
    let unit = zc_db::units::find(&app.db, unit_id).await.unwrap().unwrap();
    assert_eq!(unit.status.code(), "pending");
    assert_eq!(unit.address, "南宁市青秀区民族大道136号");
    assert!(unit.licence_key.is_some(), "the licence photo stays");
    assert!(unit.submitted_at > unit.created_at, "the clock restarts");

    // Back in the office's queue; a second resubmission is refused.
    let doc = html(
        &reviewer
            .get("/office/units?status=pending")
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "tbody td[data-label=单位名称]"),
        ["南宁青秀数字技术有限公司"]
    );
    let res = post(corrected("南宁市青秀区民族大道136号")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let events = zc_db::audit::recent(&app.db, 1).await.unwrap();
    assert_eq!(events[0].action, "unit.resubmit");
    assert!(events[0].detail.contains("单位地址与营业执照不一致"));
}
