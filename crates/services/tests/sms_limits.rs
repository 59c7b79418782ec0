//! SMS sending limits, on SQLite and PostgreSQL: each mobile gets at most 5 codes an hour
//! and 10 a day, each network address asks for at most 30 an hour, and every refusal says
//! in Chinese what to do. (The 60-second gap between two codes is in `applicants.rs`.)

use chrono::Utc;
use zc_db::{test_support::TestDb, with_pool};
use zc_services::{
    ServiceError,
    pii::PiiVault,
    sms::{CodePurpose, OutboxOnly, SmsContext, SmsPolicy, request_code},
};

/// The default limits, without the resend gap, so that the counts are what is tested.
fn policy() -> SmsPolicy {
    SmsPolicy {
        resend_after: chrono::Duration::zero(),
        ..SmsPolicy::default()
    }
}

async fn ask(t: &TestDb, v: &PiiVault, phone: &str, ip: &str) -> Result<(), (String, String)> {
    let policy = policy();
    let ctx = SmsContext {
        db: &t.db,
        vault: v,
        sender: &OutboxOnly,
        policy: &policy,
    };
    request_code(ctx, phone, CodePurpose::Login, ip)
        .await
        .map_err(|e| match e {
            ServiceError::Refused { code, message } => (code.to_string(), message),
            other => panic!("expected a refusal, got {other:?}"),
        })
}

/// Moves every code sent so far `hours` into the past.
async fn age(t: &TestDb, hours: i64) {
    with_pool!(&t.db, p => sqlx::query("UPDATE sms_code SET created_at = $1")
        .bind(Utc::now() - chrono::Duration::hours(hours)).execute(p).await.map(|_| ()))
    .unwrap();
}

#[tokio::test]
async fn a_mobile_gets_five_codes_an_hour_and_ten_a_day() {
    let t = TestDb::new().await;
    let v = PiiVault::new(&[3u8; 32]).unwrap();
    for _ in 0..5 {
        ask(&t, &v, "13812345678", "203.0.113.1").await.unwrap();
    }
    let (code, message) = ask(&t, &v, "138 1234 5678", "198.51.100.9")
        .await
        .unwrap_err();
    assert_eq!(code, "sms_hour_limit", "another address does not help");
    assert_eq!(message, "该手机号1小时内获取验证码次数过多，请稍后再试");
    // Another mobile is not affected.
    ask(&t, &v, "13912345678", "203.0.113.1").await.unwrap();

    // Two hours on, five more, then the day is full.
    age(&t, 2).await;
    for _ in 0..4 {
        ask(&t, &v, "13812345678", "203.0.113.1").await.unwrap();
    }
    ask(&t, &v, "13812345678", "203.0.113.1").await.unwrap();
    let (code, message) = ask(&t, &v, "13812345678", "203.0.113.1").await.unwrap_err();
    assert_eq!(code, "sms_hour_limit");
    age(&t, 3).await;
    let (code, message_day) = ask(&t, &v, "13812345678", "203.0.113.1").await.unwrap_err();
    assert_eq!(code, "sms_day_limit", "{message}");
    assert_eq!(
        message_day,
        "该手机号今日获取验证码次数已达上限，请明天再试"
    );
    // A day later the mobile may ask again.
    age(&t, 25).await;
    ask(&t, &v, "13812345678", "203.0.113.1").await.unwrap();
}

#[tokio::test]
async fn one_address_asks_for_at_most_thirty_codes_an_hour() {
    let t = TestDb::new().await;
    let v = PiiVault::new(&[4u8; 32]).unwrap();
    for n in 0..30 {
        ask(&t, &v, &format!("137000000{n:02}"), "203.0.113.50")
            .await
            .unwrap();
    }
    let (code, message) = ask(&t, &v, "13700000099", "203.0.113.50")
        .await
        .unwrap_err();
    assert_eq!(code, "sms_address_limit");
    assert_eq!(message, "您所在网络获取验证码过于频繁，请稍后再试");
    // The same new mobile from another address is sent its code.
    ask(&t, &v, "13700000099", "203.0.113.51").await.unwrap();
}
