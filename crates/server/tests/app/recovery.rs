//! Password recovery over HTTP, and the SMS outbox admins read in demo mode.

use reqwest::StatusCode;

use crate::helpers::{attr, html, location, spawn_app, spawn_app_with, texts};

const PHONE: &str = "13800771234";
const ID: &str = "450103198806121237";

fn code_in(body: &str) -> String {
    body.chars()
        .filter(|c| c.is_ascii_digit())
        .take(6)
        .collect()
}

#[tokio::test]
async fn reset_by_sms_ends_old_sessions_and_sends_a_notice() {
    let app = spawn_app().await;
    app.login_applicant().await;
    assert_eq!(app.get("/my").await.status(), StatusCode::OK);

    // Someone (the owner, on another device) resets the password.
    let other = crate::helpers::spawn_second_browser(&app).await;
    let res = other
        .post(
            "/my/forgot/sms",
            &[("phone", PHONE), ("action", "send_code")],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "[role=status]"),
        ["如果该手机号已注册，验证码已发送，5分钟内有效。"]
    );
    let code = code_in(&app.last_sms().await.unwrap().body);
    let res = other
        .post(
            "/my/forgot/sms",
            &[
                ("phone", PHONE),
                ("sms_code", &code),
                ("password", "New-Secret-2027"),
                ("password_confirm", "New-Secret-2027x"),
                ("action", "reset"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".error-summary li"), ["两次输入的密码不一致"]);
    assert_eq!(attr(&doc, "#f-phone", "value").as_deref(), Some(PHONE));
    let res = other
        .post(
            "/my/forgot/sms",
            &[
                ("phone", PHONE),
                ("sms_code", &code),
                ("password", "New-Secret-2027"),
                ("password_confirm", "New-Secret-2027"),
                ("action", "reset"),
            ],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "h1"),
        ["密码已重设"]
    );

    // The first device's session is gone; the notice went to the registered mobile.
    let res = app.get("/my").await;
    assert!(location(&res).starts_with("/my/login"), "old session ended");
    let notice = app.last_sms().await.unwrap();
    assert_eq!(notice.template, "password_reset_notice");
    assert_eq!(notice.phone_masked, "138****1234");
    let res = app
        .post_form(
            "/my/login",
            &[
                ("identifier", ID),
                ("password", app.demo_password.as_deref().unwrap()),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the old password no longer works"
    );
    // That failure brings a captcha, which the person reads and types.
    let doc = html(&res.text().await.unwrap());
    let (id, answer) = crate::helpers::captcha_answer(&app, &doc).await.unwrap();
    let res = app
        .post_form(
            "/my/login",
            &[
                ("identifier", ID),
                ("password", "New-Secret-2027"),
                ("captcha_id", &id),
                ("captcha", &answer),
            ],
        )
        .await;
    assert_eq!(location(&res), "/my");
    let events = zc_db::audit::recent(&app.db, 10).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "password.reset" && e.detail == "短信验证码找回密码")
    );
}

#[tokio::test]
async fn the_right_id_name_and_security_answer_alone_never_reset_a_password() {
    let app = spawn_app().await;
    // Everything a stranger may know or guess, sent as the old form sent it.
    let res = app
        .post_form(
            "/my/forgot/question",
            &[
                ("id_number", ID),
                ("name", "张三"),
                ("security_answer", "李梅"),
                ("password", "Qa-Secret-2027"),
                ("password_confirm", "Qa-Secret-2027"),
                ("action", "reset"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "h1"), ["密保问题不能单独找回密码"]);
    assert!(texts(&doc, "#counter-help")[0].contains("报送职改办窗口"));
    assert_eq!(
        attr(&doc, "#question-explained a[href='/my/forgot/sms']", "href").as_deref(),
        Some("/my/forgot/sms")
    );
    let res = app.login_applicant_with(PHONE, "Qa-Secret-2027").await;
    assert_ne!(location(&res), "/my", "the password did not change");
    // The choice page no longer offers it, and says where to get help.
    let (_, doc) = app.get_html("/my/forgot").await;
    assert!(
        texts(&doc, ".entry-card strong")
            .iter()
            .all(|t| !t.contains("密保问题"))
    );
    assert!(texts(&doc, "#counter-help")[0].contains("0771-5505013"));
}

#[tokio::test]
async fn the_outbox_is_for_the_system_admin_in_demo_mode_only() {
    let app = spawn_app().await;
    app.post_form(
        "/my/login/sms",
        &[("phone", PHONE), ("action", "send_code")],
    )
    .await;
    app.login_as("sysadmin").await;
    let (status, doc) = app.get_html("/admin/outbox").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&doc, "tbody td[data-label=手机号]"), ["138****1234"]);
    assert!(texts(&doc, "tbody td[data-label=内容]")[0].starts_with("【广西职称】验证码"));

    let auditor = spawn_app().await;
    auditor.login_as("auditor").await;
    assert_eq!(
        auditor.get("/admin/outbox").await.status(),
        StatusCode::FORBIDDEN
    );

    let prod = spawn_app_with(|c| c.demo = false).await;
    assert_eq!(
        prod.get("/admin/outbox").await.status(),
        StatusCode::SEE_OTHER,
        "visitors are sent to log in"
    );
}

#[tokio::test]
async fn applicants_change_their_security_question_with_their_password() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let (_, doc) = app.get_html("/account/security-question").await;
    assert_eq!(
        attr(&doc, "#f-security_question option[selected]", "value").as_deref(),
        Some("您母亲的姓名是？")
    );
    let res = app
        .post_form(
            "/account/security-question",
            &[
                ("current_password", "Wrong-2026x"),
                ("security_question", "您的出生地是？"),
                ("security_answer", "百色"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".error-summary li"), ["当前密码不正确"]);
    assert_eq!(
        attr(&doc, "#f-security_question option[selected]", "value").as_deref(),
        Some("您的出生地是？"),
        "the choice is kept"
    );
    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form(
            "/account/security-question",
            &[
                ("current_password", &password),
                ("security_question", "您的出生地是？"),
                ("security_answer", "百色"),
            ],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "[role=status]"),
        ["密保问题已修改。"]
    );
    // The new question is the one kept (counter staff may ask it to confirm identity).
    let kept: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT security_question FROM applicant WHERE name = '张三' AND phone_masked = '138****1234'")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(kept, "您的出生地是？");

    let staff = spawn_app().await;
    staff.login_as("danwei").await;
    assert_eq!(
        staff.get("/account/security-question").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn applicants_change_their_mobile_with_a_code_to_the_new_number() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let (_, doc) = app.get_html("/account/phone").await;
    assert_eq!(
        texts(&doc, "#current-phone"),
        [PHONE],
        "the owner sees their own number in full"
    );

    // The other demo applicant's number is taken.
    let res = app
        .post_form(
            "/account/phone",
            &[
                ("phone", "13800775678"),
                ("sms_code", "123456"),
                ("current_password", "x"),
                ("action", "change"),
            ],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), ".error-summary li"),
        ["该手机号已被其他账号使用，请更换手机号"]
    );

    let res = app
        .post_form(
            "/account/phone",
            &[("phone", "13712345678"), ("action", "send_code")],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "main [role=status]"),
        ["验证码已发送至新手机号，5分钟内有效。"]
    );
    let sms = app.last_sms().await.unwrap();
    assert_eq!(sms.phone_masked, "137****5678");
    let code: String = sms
        .body
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(6)
        .collect();

    let res = app
        .post_form(
            "/account/phone",
            &[
                ("phone", "13712345678"),
                ("sms_code", &code),
                ("current_password", "Wrong-2026x"),
                ("action", "change"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, ".error-summary li"), ["当前密码不正确"]);
    assert_eq!(
        attr(&doc, "#f-phone", "value").as_deref(),
        Some("13712345678")
    );

    let password = app.demo_password.clone().unwrap();
    let res = app
        .post_form(
            "/account/phone",
            &[
                ("phone", "13712345678"),
                ("sms_code", &code),
                ("current_password", &password),
                ("action", "change"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#current-phone"), ["13712345678"]);
    let notice = app.last_sms().await.unwrap();
    assert_eq!(
        (notice.template.as_str(), notice.phone_masked.as_str()),
        ("phone_change_notice", "138****1234"),
        "the old number is told"
    );

    // The new number signs in; the old one no longer does.
    let other = crate::helpers::spawn_second_browser(&app).await;
    let res = other
        .post(
            "/my/login",
            &[("identifier", "13712345678"), ("password", &password)],
        )
        .await;
    assert_eq!(location(&res), "/my");
}

#[tokio::test]
async fn reset_by_an_emailed_link_that_works_once() {
    let app = spawn_app().await;
    let res = app
        .post_form("/my/forgot/email", &[("email", "nobody@example.com")])
        .await;
    let unknown = texts(&html(&res.text().await.unwrap()), "[role=status]");
    assert!(
        zc_db::mail::outbox_recent(&app.db, 1)
            .await
            .unwrap()
            .is_empty(),
        "nothing sent to an unknown address"
    );
    let res = app
        .post_form("/my/forgot/email", &[("email", "ZhangSan@example.com")])
        .await;
    let known = texts(&html(&res.text().await.unwrap()), "[role=status]");
    assert_eq!(unknown, known, "the same answer either way");

    let mail = zc_db::mail::outbox_recent(&app.db, 1)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        mail.to_address, "zhangsan@example.com",
        "sent to the address on record"
    );
    let link = mail
        .body
        .lines()
        .find(|l| l.contains("/my/reset?token="))
        .unwrap()
        .trim()
        .to_string();
    assert!(
        link.starts_with(&app.address),
        "the link points at this server: {link}"
    );
    let path = &link[app.address.len()..];
    let (_, doc) = app.get_html(path).await;
    assert_eq!(texts(&doc, "label[for=f-password]"), ["新密码"]);
    let token = attr(&doc, "input[name=token]", "value").unwrap();
    let res = app
        .post_form(
            "/my/reset",
            &[
                ("token", &token),
                ("password", "Mail-Reset-2027"),
                ("password_confirm", "Mail-Reset-2027"),
            ],
        )
        .await;
    assert_eq!(
        texts(&html(&res.text().await.unwrap()), "h1"),
        ["密码已重设"]
    );
    let res = app
        .post_form(
            "/my/reset",
            &[
                ("token", &token),
                ("password", "Again-Reset-2027"),
                ("password_confirm", "Again-Reset-2027"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(
        texts(&doc, ".error-summary li"),
        ["该链接已失效（超过30分钟或已使用），请重新申请"]
    );
    let res = app
        .login_applicant_with("zhangsan@example.com", "Mail-Reset-2027")
        .await;
    assert_eq!(location(&res), "/my");

    // In demo mode the system admin reads the message in the outbox.
    let admin = spawn_app().await;
    admin
        .post_form("/my/forgot/email", &[("email", "zhangsan@example.com")])
        .await;
    admin.login_as("sysadmin").await;
    let (_, doc) = admin.get_html("/admin/outbox").await;
    assert_eq!(texts(&doc, "#mail h3"), ["重设广西职称平台登录密码"]);
}

#[tokio::test]
async fn outside_demo_mode_the_outboxes_keep_no_codes_or_links() {
    // SMS: a registration code outside demo mode (no vendor configured here).
    let prod = spawn_app_with(|c| c.demo = false).await;
    prod.post_form(
        "/my/register",
        &[
            ("name", "王小明"),
            ("doc_kind", "resident_id"),
            ("id_number", "450203197503014566"),
            ("phone", "13912345678"),
            ("email", "wangxm@example.com"),
            ("action", "send_code"),
        ],
    )
    .await;
    // The longest run of digits in a text (a code is six).
    let longest_digits = |t: &str| {
        t.split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0)
    };
    let sms = prod.last_sms().await.expect("the message is recorded");
    assert!(sms.body.contains("验证码******"), "{}", sms.body);
    assert!(longest_digits(&sms.body) < 6, "no code in {}", sms.body);

    // E-mail: a reset link through a transport that does not keep secrets.
    let app = spawn_app().await;
    zc_services::recovery::request_email_reset(
        &app.db,
        &app.vault,
        &zc_services::mail::OutboxRedactedMailer,
        "zhangsan@example.com",
        "https://zc.example.cn",
    )
    .await
    .unwrap();
    let kept = zc_db::mail::outbox_recent(&app.db, 1)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    assert!(
        kept.body.contains("/my/reset?token=******"),
        "{}",
        kept.body
    );

    // The demo's outbox keeps the whole text: it is how the demo reads its codes.
    app.post_form(
        "/my/login/sms",
        &[("phone", PHONE), ("action", "send_code")],
    )
    .await;
    let demo = app.last_sms().await.unwrap();
    assert_eq!(longest_digits(&demo.body), 6, "{}", demo.body);
}

#[tokio::test]
async fn at_the_window_staff_record_a_new_mobile_after_checking_the_id_card() {
    let app = spawn_app().await;
    let staff = crate::helpers::spawn_second_browser(&app).await;
    staff.login_as(&app, "zhigaiban").await;
    let form = |name: &'static str, checked: bool| {
        let mut f = vec![("id_number", ID), ("name", name), ("phone", "13912346789")];
        if checked {
            f.push(("card_checked", "1"));
        }
        f
    };
    // Without the card check, and with a name that does not match: refused, as typed.
    let doc = html(
        &staff
            .post("/office/counter/phone", &form("李四", false))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#card_checked-error"),
        ["请先核验本人身份证原件，再勾选确认"]
    );
    assert_eq!(attr(&doc, "#f-name", "value").as_deref(), Some("李四"));
    assert_eq!(
        attr(&doc, "#f-phone", "value").as_deref(),
        Some("13912346789")
    );
    let doc = html(
        &staff
            .post("/office/counter/phone", &form("李四", true))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#id_number-error"),
        ["证件号码与姓名不匹配，或该证件号码未注册"]
    );

    let doc = html(
        &staff
            .post("/office/counter/phone", &form("张三", true))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(texts(&doc, "#counter-done")[0].contains("139****6789"));
    // The number is theirs now: they sign in with it, and both numbers were told.
    let res = app
        .login_applicant_with("13912346789", app.demo_password.as_deref().unwrap())
        .await;
    assert_eq!(location(&res), "/my");
    let told: Vec<String> = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT phone_masked FROM sms_outbox WHERE template = 'phone_change_notice' ORDER BY id")
        .fetch_all(p).await)
    .unwrap();
    assert_eq!(told, ["139****6789", "138****1234"]);
    let audited: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action = 'phone.counter_change' AND actor_role = 'office_staff'")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(audited, 1);

    // Only a 职改办's staff work the window.
    let unit = crate::helpers::spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    assert_ne!(
        unit.get("/office/counter/phone").await.status(),
        StatusCode::OK
    );
}
