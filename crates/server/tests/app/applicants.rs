//! Applicant registration and sign-in over HTTP, as a person on a phone would do it.

use reqwest::StatusCode;

use crate::helpers::{TestApp, attr, html, location, spawn_app, texts};

fn code_in(body: &str) -> String {
    body.chars()
        .filter(|c| c.is_ascii_digit())
        .take(6)
        .collect()
}

/// Lets the next code be requested at once (skips the 60 s resend gap).
async fn age_codes(app: &TestApp) {
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE sms_code SET created_at = $1")
        .bind(chrono::Utc::now() - chrono::Duration::seconds(61)).execute(p).await.map(|_| ()))
    .unwrap();
}

fn registration<'a>(phone: &'a str, code: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "王小明"),
        ("doc_kind", "resident_id"),
        ("id_number", "450203197503014566"),
        ("phone", phone),
        ("sms_code", code),
        ("email", "wangxm@example.com"),
        ("password", "Wxm-Secure-2026"),
        ("password_confirm", "Wxm-Secure-2026"),
        ("security_question", "您的出生地是？"),
        ("security_answer", "柳州"),
        ("action", action),
    ]
}

#[tokio::test]
async fn a_person_registers_with_an_sms_code_and_lands_in_their_portal() {
    let app = spawn_app().await;
    let (_, doc) = app.get_html("/my/register").await;
    assert_eq!(texts(&doc, "h2"), ["注册须知"]);
    assert_eq!(
        attr(
            &doc,
            "form[action='/my/register'] input[name=agree]",
            "value"
        )
        .as_deref(),
        Some("1")
    );
    let (_, doc) = app.get_html("/my/register?agree=1").await;
    assert_eq!(
        attr(&doc, "#f-doc_kind option[selected]", "value").as_deref(),
        Some("resident_id")
    );
    assert_eq!(texts(&doc, "#f-doc_kind option").len(), 5);

    // A mistyped mobile: the message names the field and the rest stays.
    let res = app
        .post_form("/my/register", &registration("1391234", "", "send_code"))
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["手机号码应为以1开头的11位数字"]
    );
    assert_eq!(attr(&doc, "#f-name", "value").as_deref(), Some("王小明"));
    assert_eq!(
        attr(&doc, "#f-security_answer", "value").as_deref(),
        Some("柳州")
    );
    assert_eq!(
        attr(&doc, "#f-password", "value"),
        None,
        "passwords are never echoed"
    );

    let res = app
        .post_form(
            "/my/register",
            &registration("13912345678", "", "send_code"),
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "[role=status]"),
        ["验证码已发送至 139****5678，5分钟内有效。"]
    );
    let sms = app.last_sms().await.expect("the code went to the outbox");
    assert_eq!(sms.phone_masked, "139****5678");
    let code = code_in(&sms.body);

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let res = app
        .post_form(
            "/my/register",
            &registration("13912345678", wrong, "register"),
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["验证码不正确，还可以再试4次"]
    );

    let res = app
        .post_form(
            "/my/register",
            &registration("13912345678", &code, "register"),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/my");
    let (_, doc) = app.get_html("/my").await;
    assert_eq!(texts(&doc, "h1"), ["您好，王小明"]);

    let events = zc_db::audit::recent(&app.db, 3).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "applicant.register" && e.ip.as_deref() == Some("127.0.0.1"))
    );
}

#[tokio::test]
async fn a_registered_id_number_is_refused_with_the_form_kept() {
    let app = spawn_app().await;
    let mut fields = registration("13912345678", "", "send_code");
    fields[2] = ("id_number", zc_services::demo::DEMO_APPLICANT_ID);
    app.post_form("/my/register", &fields).await;
    let code = code_in(&app.last_sms().await.unwrap().body);
    fields[4] = ("sms_code", code.as_str());
    fields[10] = ("action", "register");
    let res = app.post_form("/my/register", &fields).await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, "#f-id_number ~ p, .has-error .field-msg"),
        ["该证件号码已注册。如忘记密码，请使用“忘记密码”找回"]
    );
    assert_eq!(
        attr(&doc, "#f-email", "value").as_deref(),
        Some("wangxm@example.com")
    );
}

#[tokio::test]
async fn applicants_sign_in_with_id_number_mobile_or_email() {
    let app = spawn_app().await;
    let res = app.get("/my").await;
    assert_eq!(location(&res), "/my/login?next=%2Fmy");
    let password = app.demo_password.clone().unwrap();
    for ident in [
        "450103198806121237",
        "+86 138 0077 1234",
        "zhangsan@example.com",
    ] {
        let client = crate::helpers::new_client();
        let page = client
            .get(app.url("/my/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let token = attr(&html(&page), "meta[name=csrf-token]", "content").unwrap();
        let res = client
            .post(app.url("/my/login"))
            .form(&[
                ("identifier", ident),
                ("password", password.as_str()),
                ("_csrf", token.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login with {ident}");
        let home = client.get(app.url("/my")).send().await.unwrap();
        assert_eq!(
            texts(&html(&home.text().await.unwrap()), "h1"),
            ["您好，张三"]
        );
    }
    let res = app
        .post_form(
            "/my/login",
            &[("identifier", "13800771234"), ("password", "Wrong-2026x")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["账号或密码错误，请重新输入"]
    );
    assert_eq!(
        attr(&doc, "#f-identifier", "value").as_deref(),
        Some("13800771234")
    );
}

#[tokio::test]
async fn sms_login_answers_alike_for_unknown_numbers_and_signs_in_with_the_code() {
    let app = spawn_app().await;
    let res = app
        .post_form(
            "/my/login/sms",
            &[("phone", "13700000000"), ("action", "send_code")],
        )
        .await;
    let unknown = texts(&html(&res.text().await.unwrap()), "[role=status]");
    assert!(
        app.last_sms().await.is_none(),
        "nothing sent to an unregistered number"
    );
    let res = app
        .post_form(
            "/my/login/sms",
            &[("phone", "13800771234"), ("action", "send_code")],
        )
        .await;
    let known = texts(&html(&res.text().await.unwrap()), "[role=status]");
    assert_eq!(unknown, known);
    assert_eq!(known, ["如果该手机号已注册，验证码已发送，5分钟内有效。"]);

    let res = app
        .post_form(
            "/my/login/sms",
            &[("phone", "13800771234"), ("action", "send_code")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert!(
        texts(&doc, ".error-summary li")[0].starts_with("验证码已发送，请"),
        "60 s between codes"
    );

    let code = code_in(&app.last_sms().await.unwrap().body);
    let res = app
        .post_form(
            "/my/login/sms",
            &[
                ("phone", "13800771234"),
                ("sms_code", &code),
                ("action", "login"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/my");
    age_codes(&app).await;
}

#[tokio::test]
async fn applicants_choose_an_approved_unit_by_keyword() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let (_, doc) = app.get_html("/my").await;
    assert!(
        texts(&doc, ".notice-info")[0].contains("广西壮美建设工程有限公司"),
        "the demo applicant's unit"
    );

    let (_, doc) = app.get_html("/my/unit?q=%E5%BB%BA%E8%AE%BE").await; // 建设
    assert_eq!(
        texts(&doc, "tbody td[data-label=单位名称]"),
        ["广西壮美建设工程有限公司"]
    );
    let (_, doc) = app
        .get_html("/my/unit?q=%E6%B5%81%E5%8A%A8%E4%BA%BA%E5%91%98")
        .await; // 流动人员
    assert_eq!(
        texts(&doc, "tbody td[data-label=单位名称]"),
        ["广西流动人员职称改革办公室（流动人员）"]
    );
    let (_, doc) = app.get_html("/my/unit?q=%25").await;
    assert!(
        texts(&doc, "tbody td[data-label=单位名称]").is_empty(),
        "wildcards are not a way to list every unit"
    );

    // A unit still waiting for approval cannot be chosen, even by posting its id.
    let pending: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "INSERT INTO unit (name, credit_code, kind, region_code, office_id, status, created_at) \
         VALUES ('待审核示例单位', '91450100MA5K3T7Q1A', '企业', '450103', 1, 'pending', $1) RETURNING id")
        .bind(chrono::Utc::now()).fetch_one(p).await).unwrap();

    // Suggestions while typing offer approved units only, and never everything.
    let suggest = |q: &'static str| {
        let app = &app;
        async move {
            let res = app.get(&format!("/my/unit/suggest?q={q}")).await;
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    let found = suggest("%E5%B9%BF%E8%A5%BF").await; // 广西
    let names: Vec<&str> = found["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"广西壮美建设工程有限公司"), "{names:?}");
    assert!(names.len() <= 8);
    assert!(found["total"].as_i64().unwrap() as usize >= names.len());
    assert_eq!(
        suggest("%E5%BE%85%E5%AE%A1%E6%A0%B8").await["total"], // 待审核
        0,
        "pending units are not offered"
    );
    assert_eq!(suggest("%25").await["total"], 0);
    let stranger = crate::helpers::spawn_second_browser(&app).await;
    assert_ne!(
        stranger
            .get("/my/unit/suggest?q=%E5%B9%BF%E8%A5%BF")
            .await
            .status(),
        StatusCode::OK,
        "only for signed-in applicants"
    );
    let res = app
        .post_form(
            "/my/unit",
            &[("unit_id", &pending.to_string()), ("q", "待审核")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert!(texts(&doc, ".error-summary li")[0].starts_with("该单位不存在或尚未通过审核"));

    let unit_id: i64 = zc_db::reference::unit_id_by_name(&app.db, "广西壮美建设工程有限公司")
        .await
        .unwrap()
        .unwrap();
    let res = app
        .post_form(
            "/my/unit",
            &[("unit_id", &unit_id.to_string()), ("q", "建设")],
        )
        .await;
    assert_eq!(location(&res), "/my/unit?saved=1");
    let (_, doc) = app.get_html("/my").await;
    assert!(texts(&doc, ".notice-info")[0].contains("广西壮美建设工程有限公司"));
    let events = zc_db::audit::recent(&app.db, 1).await.unwrap();
    assert_eq!(events[0].action, "applicant.unit");

    let staff = spawn_app().await;
    staff.login_as("danwei").await;
    assert_eq!(staff.get("/my/unit").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn after_a_failed_login_an_image_captcha_is_asked_with_the_sms_login_beside_it() {
    let app = spawn_app().await;
    let (_, doc) = app.get_html("/my/login").await;
    assert!(
        attr(&doc, "img.captcha", "src").is_none(),
        "no captcha on a first visit"
    );

    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form(
            "/my/login",
            &[("identifier", "13800771234"), ("password", "Wrong-2026x")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    let src = attr(&doc, "img.captcha", "src").expect("a captcha after a failure");
    assert!(
        attr(&doc, "img.captcha", "alt")
            .unwrap()
            .contains("短信验证码"),
        "the image says how to avoid it"
    );
    assert_eq!(
        attr(&doc, "#captcha-hint a", "href").as_deref(),
        Some("/my/login/sms")
    );
    let img = app.get(&src).await;
    assert_eq!(img.headers()["content-type"], "image/png");
    assert_eq!(img.headers()["cache-control"], "no-store");

    // The right password is not enough without the captcha …
    let (id, answer) = crate::helpers::captcha_answer(&app, &doc).await.unwrap();
    let res = app
        .post_form(
            "/my/login",
            &[
                ("identifier", "13800771234"),
                ("password", &password),
                ("captcha_id", &id),
                ("captcha", "XXXX"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["图片验证码不正确，请重新输入"]
    );
    // … a captcha works once only …
    let res = app
        .post_form(
            "/my/login",
            &[
                ("identifier", "13800771234"),
                ("password", &password),
                ("captcha_id", &id),
                ("captcha", &answer),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "the used captcha is gone");
    let doc = html(&res.text().await.unwrap());
    // … and a fresh one, answered in lower case, lets the person in.
    let (id, answer) = crate::helpers::captcha_answer(&app, &doc).await.unwrap();
    let res = app
        .post_form(
            "/my/login",
            &[
                ("identifier", "13800771234"),
                ("password", &password),
                ("captcha_id", &id),
                ("captcha", &answer.to_lowercase()),
            ],
        )
        .await;
    assert_eq!(location(&res), "/my");
}
