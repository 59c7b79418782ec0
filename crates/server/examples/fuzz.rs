//! Fuzzing on the stable toolchain: proptest generates inputs (structured where the input
//! has a structure: valid numbers with one character changed, HTML built from hostile
//! fragments, real pictures with bytes overwritten, multipart bodies cut short, signed
//! notifies tampered with) and each target runs them for as long as it is given, checking
//! that nothing panics and that what comes out keeps its promise. The figures in
//! SECURITY.md come from this command:
//!
//! ```text
//! cargo run -p zhicheng --example fuzz -- --seconds 600 id_number
//! cargo run -p zhicheng --example fuzz -- --seconds 5 all     # the short run CI makes
//! ```
//!
//! A failure prints the input and exits with status 1.

use std::{
    collections::BTreeMap,
    panic::{AssertUnwindSafe, catch_unwind},
    time::{Duration, Instant},
};

use chrono::{Datelike, NaiveDate};
use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, TestRunner},
};

const TARGETS: &[&str] = &[
    "id_number",
    "credit_code",
    "phone",
    "sanitiser",
    "image",
    "multipart",
    "alipay_notify",
];

fn main() {
    let mut seconds = 60u64;
    let mut chosen = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--seconds takes a number")
            }
            "all" => chosen.extend(TARGETS.iter().map(|t| t.to_string())),
            t if TARGETS.contains(&t) => chosen.push(t.to_string()),
            other => {
                eprintln!("unknown target {other}; targets: all {}", TARGETS.join(" "));
                std::process::exit(2);
            }
        }
    }
    if chosen.is_empty() {
        chosen.extend(TARGETS.iter().map(|t| t.to_string()));
    }
    // Panics are counted as failures with their input; the default hook would print each
    // one twice.
    std::panic::set_hook(Box::new(|_| {}));
    let budget = Duration::from_secs(seconds);
    let mut failed = false;
    for target in chosen {
        let outcome = match target.as_str() {
            "id_number" => run(&target, budget, id_numbers(), check_id_number),
            "credit_code" => run(&target, budget, credit_codes(), check_credit_code),
            "phone" => run(&target, budget, phones(), |s: &String| check_phone(s)),
            "sanitiser" => run(&target, budget, hostile_html(), |s: &String| {
                check_sanitiser(s)
            }),
            "image" => run(&target, budget, damaged_pictures(), |b: &Vec<u8>| {
                check_image(b)
            }),
            "multipart" => {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .expect("runtime");
                run(&target, budget, multipart_bodies(), |body: &Vec<u8>| {
                    check_multipart(&rt, body)
                })
            }
            "alipay_notify" => {
                let (key, client) = alipay();
                run(&target, budget, notifies(), |n| {
                    check_notify(&key, &client, n)
                })
            }
            _ => unreachable!("targets are checked above"),
        };
        failed |= !outcome;
    }
    std::process::exit(i32::from(failed));
}

/// Runs `check` on inputs from `strategy` until `budget` is spent or one fails.
fn run<T: std::fmt::Debug>(
    name: &str,
    budget: Duration,
    strategy: impl Strategy<Value = T>,
    check: impl Fn(&T) -> Result<(), String>,
) -> bool {
    let mut runner = TestRunner::new(Config::default());
    let start = Instant::now();
    let mut executions: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..256 {
            let input = strategy
                .new_tree(&mut runner)
                .expect("strategy generates")
                .current();
            executions += 1;
            let verdict = catch_unwind(AssertUnwindSafe(|| check(&input)))
                .unwrap_or_else(|_| Err("panicked".into()));
            if let Err(why) = verdict {
                println!("{name}: FAILED after {executions} executions: {why}\ninput: {input:?}");
                return false;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {executions} executions in {secs:.0} s ({:.0}/s), 0 crashes",
        executions as f64 / secs
    );
    true
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date")
}

/// Replaces the character at `at` (modulo the length) with `with`.
fn substitute(s: &str, at: usize, with: char) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return s.to_string();
    }
    let i = at % chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(j, c)| if j == i { with } else { *c })
        .collect()
}

// ---- 身份证号 ----

/// A valid resident ID number, and optionally one character changed; or any text.
fn id_numbers() -> impl Strategy<Value = (String, bool)> {
    let valid = (0u32..365 * 80, 0u32..1000, any::<usize>(), "[0-9X]")
        .prop_map(|(days, seq, at, with)| {
            let birth = NaiveDate::from_ymd_opt(1930, 1, 1).expect("a date")
                + chrono::Duration::days(i64::from(days));
            let first17 = format!("450103{}{seq:03}", birth.format("%Y%m%d"));
            let check = zc_domain::id_card::resident_id_check_char(first17.as_bytes());
            let number = format!("{first17}{check}");
            (number, at, with.chars().next().unwrap_or('0'))
        })
        .prop_flat_map(|(number, at, with)| {
            prop_oneof![
                Just((number.clone(), true)),
                Just((substitute(&number, at, with), false)),
            ]
        });
    prop_oneof![
        valid,
        (".{0,24}", Just(false)),
        ("[0-9Xx ]{0,22}", Just(false))
    ]
}

fn check_id_number((input, valid): &(String, bool)) -> Result<(), String> {
    use zc_domain::id_card::{DocumentKind, IdNumber};
    let parsed = IdNumber::parse(DocumentKind::ResidentId, input, today());
    match &parsed {
        Ok(id) => {
            let v = id.as_str();
            let ok = v.len() == 18
                && zc_domain::id_card::resident_id_check_char(&v.as_bytes()[..17])
                    == v.chars().last().unwrap_or(' ')
                && id.birth_date().is_some_and(|b| b <= today());
            if !ok {
                return Err(format!("accepted a number that is not one: {v}"));
            }
        }
        Err(_) if *valid => {
            // A valid number outside the age range 16–100 is rightly refused.
            let year: i32 = input[6..10].parse().unwrap_or(0);
            let age = today().year() - year;
            if (17..=99).contains(&age) {
                return Err("refused a valid number".into());
            }
        }
        Err(_) => {}
    }
    // Any accepted number passed its check character above, so a number with one
    // character changed (which ISO 7064 MOD 11-2 always catches) can only be accepted
    // when the change left it as it was.
    Ok(())
}

// ---- 统一社会信用代码 ----

fn credit_codes() -> impl Strategy<Value = (String, bool)> {
    let valid = (
        "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}",
        any::<usize>(),
        "[0-9A-Z]",
    )
        .prop_filter_map("check char", |(first17, at, with)| {
            let check = zc_domain::credit_code::check_char(&first17)?;
            let code = format!("{first17}{check}");
            let changed = substitute(&code, at, with.chars().next().unwrap_or('0'));
            Some((code, changed))
        })
        .prop_flat_map(|(code, changed)| prop_oneof![Just((code, true)), Just((changed, false))]);
    prop_oneof![valid, (".{0,24}", Just(false))]
}

fn check_credit_code((input, valid): &(String, bool)) -> Result<(), String> {
    use zc_domain::credit_code::CreditCode;
    // A code of the right shape is taken with a flag when its check character is wrong
    // (staff confirm it against the licence); the flag must tell the truth.
    match CreditCode::parse(input) {
        Ok(code) => {
            let v = code.as_str();
            let matches = zc_domain::credit_code::check_char(&v[..17]) == v.chars().last();
            if v.chars().count() != 18 || code.checksum_ok != matches {
                return Err(format!(
                    "accepted {v} with checksum_ok = {}",
                    code.checksum_ok
                ));
            }
            if *valid && !code.checksum_ok {
                return Err("flagged a valid code".into());
            }
        }
        Err(_) if *valid => return Err("refused a valid code".into()),
        Err(_) => {}
    }
    Ok(())
}

// ---- 手机号 ----

fn phones() -> impl Strategy<Value = String> {
    prop_oneof!["1[3-9][0-9]{9}", "[+]?(86)?[ -]?1[0-9 -]{8,14}", ".{0,20}",]
}

fn check_phone(input: &str) -> Result<(), String> {
    if let Ok(p) = zc_domain::phone::Phone::parse(input) {
        let v = p.as_str();
        if v.len() != 11 || !v.starts_with('1') || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("accepted {v}"));
        }
    }
    Ok(())
}

// ---- 富文本 (工作总结) ----

fn hostile_html() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("<script>alert(1)</script>".to_string()),
        Just("<img src=x onerror=alert(1)>".to_string()),
        Just("<a href=\"javascript:alert(1)\">链接</a>".to_string()),
        Just("<a href=\"JaVaScRiPt&#58;alert(1)\">x</a>".to_string()),
        Just("<svg onload=alert(1)>".to_string()),
        Just("<iframe src=//evil.example>".to_string()),
        Just("<style>body{background:url(javascript:x)}</style>".to_string()),
        Just("<p style=\"color:red\" onclick=\"x()\">段落</p>".to_string()),
        Just("<!--<script>-->".to_string()),
        Just("<scr<script>ipt>".to_string()),
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<strong>".to_string()),
        Just("<ol><li>".to_string()),
        Just("&lt;script&gt;".to_string()),
        "[\\PC]{0,12}",
        "[<>\"'=/a-z &;#]{0,12}",
    ];
    prop::collection::vec(fragment, 0..24).prop_map(|parts| parts.concat())
}

fn check_sanitiser(input: &str) -> Result<(), String> {
    const KEPT: [&str; 10] = ["p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li"];
    let (clean, chars) = zc_services::application_summary::sanitise_summary(input);
    // Every `<` left is one of the kept tags, bare: no attribute, no other element.
    for tail in clean.split('<').skip(1) {
        let tag = tail.split_once('>').map(|(t, _)| t.trim_start_matches('/'));
        if !tag.is_some_and(|t| KEPT.contains(&t)) {
            return Err(format!(
                "kept <{}: {clean}",
                tail.chars().take(20).collect::<String>()
            ));
        }
    }
    let (again, chars_again) = zc_services::application_summary::sanitise_summary(&clean);
    if again != clean || chars_again != chars {
        return Err(format!("not stable: {clean} → {again}"));
    }
    Ok(())
}

// ---- 图片 ----

fn damaged_pictures() -> impl Strategy<Value = Vec<u8>> {
    let picture = (1u32..96, 1u32..96, 0usize..3).prop_map(|(w, h, format)| {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        let format = [
            image::ImageFormat::Png,
            image::ImageFormat::Jpeg,
            image::ImageFormat::Png,
        ][format];
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut out, format)
            .expect("encodes");
        out.into_inner()
    });
    (
        picture,
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        any::<Option<usize>>(),
    )
        .prop_map(|(mut bytes, damage, cut)| {
            for (at, b) in damage {
                let i = at % bytes.len();
                bytes[i] = b;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            bytes
        })
}

fn check_image(bytes: &[u8]) -> Result<(), String> {
    use zc_storage::images::{ImageSpec, normalise};
    let spec = ImageSpec::DOCUMENT;
    if let Ok(out) = normalise(bytes, spec) {
        if out.jpeg.len() > spec.max_kb as usize * 1024 {
            return Err(format!("{} bytes stored", out.jpeg.len()));
        }
        if out.width.max(out.height) > spec.max_side {
            return Err(format!("{}×{} stored", out.width, out.height));
        }
        image::load_from_memory_with_format(&out.jpeg, image::ImageFormat::Jpeg)
            .map_err(|e| format!("stored a JPEG that does not decode: {e}"))?;
    }
    Ok(())
}

// ---- multipart ----

const BOUNDARY: &str = "----zcFuzzBoundary7MA4YWxk";

fn multipart_bodies() -> impl Strategy<Value = Vec<u8>> {
    let part = (
        prop_oneof![Just("files".to_string()), "[a-z_]{0,8}"],
        prop::option::of("[^\"\r\n]{0,12}"),
        prop::collection::vec(any::<u8>(), 0..64),
    );
    (
        prop::collection::vec(part, 0..6),
        any::<Option<usize>>(),
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
    )
        .prop_map(|(parts, cut, damage)| {
            let mut body = Vec::new();
            for (name, file, bytes) in parts {
                body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
                let file = file
                    .map(|f| format!("; filename=\"{f}\""))
                    .unwrap_or_default();
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n")
                        .as_bytes(),
                );
                body.extend_from_slice(&bytes);
                body.extend_from_slice(b"\r\n");
            }
            body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
            for (at, b) in damage {
                let i = at % body.len();
                body[i] = b;
            }
            if let Some(cut) = cut {
                body.truncate(cut % (body.len() + 1));
            }
            body
        })
}

fn check_multipart(rt: &tokio::runtime::Runtime, body: &[u8]) -> Result<(), String> {
    use axum::extract::{FromRequest, Multipart};
    let req = axum::http::Request::builder()
        .method("POST")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(axum::body::Body::from(body.to_vec()))
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let mut multipart = Multipart::from_request(req, &())
            .await
            .map_err(|e| format!("not read as multipart: {e}"))?;
        if let Ok(files) = zc_web::files::posted_files(&mut multipart, "files", 10).await
            && (files.len() > 10 || files.iter().any(Vec::is_empty))
        {
            return Err(format!("{} files, some empty", files.len()));
        }
        Ok(())
    })
}

// ---- 支付宝异步通知 ----

fn alipay() -> (
    zc_integrations::alipay::SigningKey,
    zc_integrations::alipay::AlipayClient,
) {
    let fixture = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/../integrations/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture")
    };
    let key = zc_integrations::alipay::SigningKey::parse(&fixture("alipay_app_private_pkcs8.pem"))
        .expect("fixture key");
    let client =
        zc_integrations::alipay::AlipayClient::new(zc_integrations::alipay::AlipayConfig {
            gateway: "http://127.0.0.1:9/gateway.do".into(),
            app_id: "2021000000000001".into(),
            seller_id: "2088000000000001".into(),
            app_key: zc_integrations::alipay::SigningKey::parse(&fixture(
                "alipay_app_private_pkcs8.pem",
            ))
            .expect("fixture key"),
            alipay_key: zc_integrations::alipay::VerifyingKey::parse(&fixture(
                "alipay_app_public.pem",
            ))
            .expect("fixture key"),
            notify_url: "http://127.0.0.1/pay/alipay/notify".into(),
            cert_sn: None,
        })
        .expect("client");
    (key, client)
}

/// A notify's fields before signing, and tampering applied to the urlencoded body after.
type Notify = (BTreeMap<String, String>, Vec<(usize, u8)>);

fn notifies() -> impl Strategy<Value = Notify> {
    let known = prop_oneof![
        Just("app_id"),
        Just("out_trade_no"),
        Just("trade_no"),
        Just("trade_status"),
        Just("total_amount"),
        Just("notify_id"),
        Just("seller_id"),
        Just("sign_type"),
    ];
    let value = prop_oneof![
        "[\\PC]{0,16}",
        "[0-9.]{1,8}",
        Just("2021000000000001".to_string())
    ];
    let fields = prop::collection::btree_map(
        prop_oneof![known.prop_map(str::to_string), "[a-z_&=]{1,10}"],
        value,
        0..10,
    );
    (
        fields,
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..3),
    )
}

fn check_notify(
    key: &zc_integrations::alipay::SigningKey,
    client: &zc_integrations::alipay::AlipayClient,
    (fields, tamper): &Notify,
) -> Result<(), String> {
    use zc_integrations::alipay::sign::notify_content;
    use zc_services::payments::PaymentGateway;
    let mut signed = fields.clone();
    let sign = key
        .sign(&notify_content(fields))
        .map_err(|e| e.to_string())?;
    signed.insert("sign".into(), sign);
    let mut body = serde_urlencoded::to_string(&signed)
        .map_err(|e| e.to_string())?
        .into_bytes();
    for (at, b) in tamper {
        if !body.is_empty() {
            let i = at % body.len();
            body[i] = *b;
        }
    }
    // As axum's `Form` reads the body: the last value of a repeated name wins.
    let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body) else {
        return Ok(());
    };
    let received: BTreeMap<String, String> = pairs.into_iter().collect();
    let verdict = client.verify_notify(&received);
    let same_content = notify_content(&received) == notify_content(fields)
        && received.get("sign") == signed.get("sign");
    if verdict.is_ok() && !same_content {
        return Err("believed a notify whose signed content was changed".into());
    }
    let complete = [
        "app_id",
        "notify_id",
        "out_trade_no",
        "trade_no",
        "trade_status",
        "total_amount",
    ]
    .iter()
    .all(|k| fields.get(*k).is_some_and(|v| !v.is_empty()))
        && fields.get("app_id").map(String::as_str) == Some("2021000000000001");
    if tamper.is_empty() && complete && verdict.is_err() {
        return Err(format!(
            "refused an untouched, complete notify: {verdict:?}"
        ));
    }
    Ok(())
}
