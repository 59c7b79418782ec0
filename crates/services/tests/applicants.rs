//! SMS codes, applicant registration and applicant login, on SQLite and PostgreSQL.

use chrono::{NaiveDate, Utc};
use zc_db::{sms, test_support::TestDb, with_pool};
use zc_services::{
    ServiceError,
    accounts::{authenticate_applicant, login_by_sms},
    pii::PiiVault,
    registration::{RegistrationInput, SECURITY_QUESTIONS, register_applicant},
    sms::{CodePurpose, OutboxOnly, SmsContext, SmsPolicy, request_code},
};

const IP: &str = "203.0.113.7";

fn vault() -> PiiVault {
    PiiVault::new(&[9u8; 32]).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// The code in the newest outbox message (what the person reads on their phone).
/// Registers `input` with `code` as its SMS code, expecting a refusal.
async fn refused_with_code(
    t: &TestDb,
    v: &PiiVault,
    policy: &SmsPolicy,
    input: &RegistrationInput,
    code: String,
) -> zc_services::ServiceError {
    register_applicant(
        &t.db,
        v,
        policy,
        &RegistrationInput {
            sms_code: code,
            ..input.clone()
        },
        IP,
        today(),
    )
    .await
    .unwrap_err()
}

/// Codes sent through the demo outbox.
fn outbox<'a>(t: &'a TestDb, v: &'a PiiVault, policy: &'a SmsPolicy) -> SmsContext<'a> {
    SmsContext {
        db: &t.db,
        vault: v,
        sender: &OutboxOnly,
        policy,
    }
}

/// Asks for a code to `phone` for `purpose` and reads it from the outbox.
async fn sent_code(
    t: &TestDb,
    v: &PiiVault,
    policy: &SmsPolicy,
    phone: &str,
    purpose: CodePurpose,
) -> String {
    request_code(outbox(t, v, policy), phone, purpose, IP)
        .await
        .unwrap();
    last_code(t).await
}

async fn last_code(t: &TestDb) -> String {
    let m = sms::outbox_page(&t.db, 1, 0)
        .await
        .unwrap()
        .pop()
        .expect("a message was sent");
    m.body
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(6)
        .collect()
}

/// Lets the next code be requested at once (skips the 60 s resend gap).
async fn age_codes(t: &TestDb) {
    with_pool!(&t.db, p => sqlx::query("UPDATE sms_code SET created_at = $1")
        .bind(Utc::now() - chrono::Duration::seconds(61)).execute(p).await.map(|_| ()))
    .unwrap();
}

fn form(code: &str) -> RegistrationInput {
    RegistrationInput {
        name: "张三".into(),
        doc_kind: "resident_id".into(),
        id_number: "11010519491231002X".into(),
        phone: "13812345678".into(),
        sms_code: code.into(),
        email: "zhangsan@example.com".into(),
        password: "Gx-Secure-2026".into(),
        password_confirm: "Gx-Secure-2026".into(),
        security_question: SECURITY_QUESTIONS[0].into(),
        security_answer: "李梅".into(),
    }
}

fn field(e: ServiceError, name: &str) -> String {
    match e {
        ServiceError::Invalid(errors) => errors
            .get(name)
            .unwrap_or_else(|| panic!("no {name} error in {errors:?}"))
            .to_string(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

fn refusal_code(e: ServiceError) -> &'static str {
    match e {
        ServiceError::Refused { code, .. } => code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn register(t: &TestDb, v: &PiiVault) -> i64 {
    let policy = SmsPolicy::default();
    request_code(
        outbox(t, v, &policy),
        "13812345678",
        CodePurpose::Register,
        IP,
    )
    .await
    .unwrap();
    let code = last_code(t).await;
    register_applicant(&t.db, v, &policy, &form(&code), IP, today())
        .await
        .unwrap()
}

#[tokio::test]
async fn registration_stores_identifiers_sealed_and_logs_in_three_ways() {
    let t = TestDb::new().await;
    let v = vault();
    let id = register(&t, &v).await;

    // A database dump holds no readable ID number or mobile.
    let dump: Vec<(String, String, String, String)> = with_pool!(&t.db, p => sqlx::query_as(
        "SELECT id_number_sealed, id_number_masked, phone_sealed, phone_masked FROM applicant")
        .fetch_all(p).await)
    .unwrap();
    let (id_sealed, id_masked, phone_sealed, phone_masked) = &dump[0];
    assert!(!id_sealed.contains("11010519491231002X") && !phone_sealed.contains("13812345678"));
    assert_eq!(
        (id_masked.as_str(), phone_masked.as_str()),
        ("1101**********002X", "138****5678")
    );
    assert_eq!(v.open(id_sealed).unwrap(), "11010519491231002X");
    let login_name: String =
        with_pool!(&t.db, p => sqlx::query_scalar("SELECT login_name FROM account WHERE id = $1")
        .bind(id).fetch_one(p).await)
        .unwrap();
    assert!(!login_name.contains("11010519491231002X"));

    for ident in [
        "11010519491231002x",
        "138 1234 5678",
        "ZhangSan@Example.com",
    ] {
        let a = authenticate_applicant(&t.db, &v, ident, "Gx-Secure-2026", Some(IP))
            .await
            .unwrap();
        assert_eq!(a.id, id, "login with {ident}");
    }
    let e = authenticate_applicant(&t.db, &v, "13812345678", "wrong", Some(IP))
        .await
        .unwrap_err();
    assert_eq!(refusal_code(e), "login_failed");
}

#[tokio::test]
async fn each_identifier_registers_only_once() {
    let t = TestDb::new().await;
    let v = vault();
    register(&t, &v).await;
    age_codes(&t).await;
    let policy = SmsPolicy::default();
    let code = sent_code(&t, &v, &policy, "13812345678", CodePurpose::Register).await;
    let e = register_applicant(&t.db, &v, &policy, &form(&code), IP, today())
        .await
        .unwrap_err();
    let ServiceError::Invalid(errors) = e else {
        panic!()
    };
    assert_eq!(
        errors.get("id_number"),
        Some("该证件号码已注册。如忘记密码，请使用“忘记密码”找回")
    );
    assert_eq!(
        errors.get("phone"),
        Some("该手机号已被其他账号使用，请更换手机号")
    );
    assert_eq!(
        errors.get("email"),
        Some("该电子邮箱已被其他账号使用，请更换邮箱")
    );
}

#[tokio::test]
async fn codes_are_single_use_expire_and_allow_five_tries() {
    let t = TestDb::new().await;
    let v = vault();
    let policy = SmsPolicy::default();
    let code = sent_code(&t, &v, &policy, "13912345678", CodePurpose::Register).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let input = RegistrationInput {
        phone: "13912345678".into(),
        ..form(wrong)
    };
    let e = register_applicant(&t.db, &v, &policy, &input, IP, today())
        .await
        .unwrap_err();
    assert_eq!(field(e, "sms_code"), "验证码不正确，还可以再试4次");
    for _ in 0..3 {
        register_applicant(&t.db, &v, &policy, &input, IP, today())
            .await
            .unwrap_err();
    }
    let e = register_applicant(&t.db, &v, &policy, &input, IP, today())
        .await
        .unwrap_err();
    assert_eq!(
        field(e, "sms_code"),
        "验证码输入错误次数过多，请重新获取",
        "fifth wrong try"
    );
    let right = RegistrationInput {
        sms_code: code.clone(),
        ..input.clone()
    };
    let e = register_applicant(&t.db, &v, &policy, &right, IP, today())
        .await
        .unwrap_err();
    assert_eq!(
        field(e, "sms_code"),
        "验证码输入错误次数过多，请重新获取",
        "a sixth try fails even when right"
    );

    // A fresh code that has expired.
    age_codes(&t).await;
    let code = sent_code(&t, &v, &policy, "13912345678", CodePurpose::Register).await;
    with_pool!(&t.db, p => sqlx::query("UPDATE sms_code SET expires_at = $1")
        .bind(Utc::now() - chrono::Duration::seconds(1)).execute(p).await.map(|_| ()))
    .unwrap();
    let e = refused_with_code(&t, &v, &policy, &input, code).await;
    assert_eq!(field(e, "sms_code"), "验证码已过期，请重新获取");

    // A code for another purpose does not work here.
    age_codes(&t).await;
    let code = sent_code(&t, &v, &policy, "13912345678", CodePurpose::ChangePhone).await;
    let e = refused_with_code(&t, &v, &policy, &input, code).await;
    assert_eq!(
        field(e, "sms_code"),
        "验证码已过期，请重新获取",
        "the register code is still the newest register code"
    );
}

#[tokio::test]
async fn sending_is_limited_per_phone_and_answers_alike_for_unknown_numbers() {
    let t = TestDb::new().await;
    let v = vault();
    let policy = SmsPolicy::default();
    request_code(
        outbox(&t, &v, &policy),
        "13712345678",
        CodePurpose::Login,
        IP,
    )
    .await
    .unwrap();
    assert_eq!(
        sms::outbox_count(&t.db).await.unwrap(),
        0,
        "no SMS to an unregistered number"
    );
    let e = request_code(
        outbox(&t, &v, &policy),
        "13712345678",
        CodePurpose::Login,
        IP,
    )
    .await
    .unwrap_err();
    assert_eq!(
        refusal_code(e),
        "sms_too_soon",
        "the 60 s gap applies all the same"
    );
    for _ in 0..4 {
        age_codes(&t).await;
        request_code(
            outbox(&t, &v, &policy),
            "13712345678",
            CodePurpose::Login,
            IP,
        )
        .await
        .unwrap();
    }
    age_codes(&t).await;
    let e = request_code(
        outbox(&t, &v, &policy),
        "13712345678",
        CodePurpose::Login,
        IP,
    )
    .await
    .unwrap_err();
    assert_eq!(
        refusal_code(e),
        "sms_hour_limit",
        "sixth code within the hour"
    );
}

#[tokio::test]
async fn sms_login_uses_a_login_code_once() {
    let t = TestDb::new().await;
    let v = vault();
    let id = register(&t, &v).await;
    age_codes(&t).await;
    let policy = SmsPolicy::default();
    let code = sent_code(&t, &v, &policy, "13812345678", CodePurpose::Login).await;
    let a = login_by_sms(&t.db, &v, &policy, "13812345678", &code, Some(IP))
        .await
        .unwrap();
    assert_eq!(a.id, id);
    let e = login_by_sms(&t.db, &v, &policy, "13812345678", &code, Some(IP))
        .await
        .unwrap_err();
    assert_eq!(field(e, "sms_code"), "验证码已使用，请重新获取");
}
