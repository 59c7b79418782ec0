//! The route × role access matrix. Every route whose path names an object is read from the
//! router as built, filled with the ids of one province's real objects (a dossier at its
//! committee with files, a fee order, a meeting, a certificate, an export, an expert
//! enrolment, a publicity and an objection, return templates, units, offices, accounts),
//! and called by every kind of signed-in person who does not own them: another applicant
//! who is also an expert, the staff of another unit, department, office and committee,
//! and the three admins outside `/admin`. Each call must answer 403 or 404.
//!
//! The owners' own GETs of the same addresses are the control: they must not be refused,
//! so a refusal in the matrix means "not yours" and not "no such page". A new route whose
//! parameter the test cannot classify fails it, so no route joins the site untested.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use zc_domain::Role;

use crate::{
    access_world::{Kind, arrange_objects, outsiders, staff_of},
    helpers::{SecondBrowser, spawn_app, spawn_second_browser},
};

/// Routes anyone may call with any id, and why.
pub(crate) const PUBLIC: &[(&str, &str)] = &[
    ("/captcha/{id}", "a captcha image names no person"),
    ("/static/{file}", "the site's own style sheets and scripts"),
    (
        "/verify/t/{token}",
        "证书核验: the QR token is the credential",
    ),
    ("/notices/{id}", "公告 are public"),
    ("/guide/{slug}", "操作指南 are the same text for everyone"),
    (
        "/publicity/{id}/objection",
        "公示 are public and anyone may object",
    ),
];

/// Addresses whose owner is refused too in the arranged state, and why (the outsiders are
/// still tried against them).
const NO_CONTROL: &[(&str, &str)] = &[
    (
        "/my/applications/{id}/files/{file}/crop",
        "offered only for a photo not yet confirmed",
    ),
    (
        "/my/applications/{id}/loss-notice",
        "only a 遗失补办 has a 遗失公示 to confirm (replacement.rs signs in as its owner)",
    ),
    (
        "/my/certificates/{id}/certificate.pdf",
        "the arranged certificate has no dossier photo, so its PDF is refused with a reason (documents.rs downloads one)",
    ),
    (
        "/my/feedback/{id}/picture",
        "the arranged feedback came without a picture (feedback.rs shows one)",
    ),
    (
        "/office/feedback/{id}/picture",
        "the arranged feedback came without a picture (feedback.rs shows one)",
    ),
    (
        "/office/units/{id}/licence",
        "a unit seeded with the province has no scanned licence",
    ),
];

/// What to put in a parameter: an object's id, or a name that the route accepts.
enum Fill {
    Object(Kind),
    Name(String),
}

/// What `{param}` stands for in `path`; `None` when the test does not know (a new route).
fn classify(path: &str, param: &str, slot: &str) -> Option<Fill> {
    let before = path
        .split('/')
        .collect::<Vec<_>>()
        .windows(2)
        .find(|w| w[1] == format!("{{{param}}}"))
        .map(|w| w[0])?;
    let name = |s: &str| Some(Fill::Name(s.to_string()));
    let object = |k| Some(Fill::Object(k));
    match param {
        "file" | "f" => object(Kind::File),
        "a" => object(Kind::Application),
        "m" => object(Kind::Meeting),
        "plan" => object(Kind::Plan),
        "item" => object(Kind::FeeItem),
        "part" => name("exams"),
        "section" => name("basic"),
        "slot" => name(slot),
        "index" => name("0"),
        // 数据字典 rows: outsiders are refused before any row is looked at.
        "title" | "specialty" => name("1"),
        "action" => match before {
            "{index}" => name("delete"),
            _ if path.starts_with("/admin/accounts") => name("disable"),
            _ if path.contains("/expert-enrolments/") => name("approve"),
            _ if path.contains("/meetings/") => name("gather"),
            _ => None,
        },
        "id" => match before {
            "applications" => object(Kind::Application),
            "fees" => object(Kind::FeeOrder),
            "certificates" => object(Kind::Certificate),
            "meetings" => object(Kind::Meeting),
            "exports" => object(Kind::Export),
            "expert-enrolments" => object(Kind::Enrolment),
            "objections" => object(Kind::Objection),
            "publicity" => object(Kind::Publicity),
            "return-templates" if path.starts_with("/unit/") => object(Kind::UnitTemplate),
            "return-templates" => object(Kind::OfficeTemplate),
            "units" => object(Kind::Unit),
            "offices" => object(Kind::Office),
            "committees" => object(Kind::Committee),
            "accounts" => object(Kind::Account),
            "staff" => object(Kind::UnitStaff),
            "recognition-rules" => object(Kind::RecognitionRule),
            "delivery" => object(Kind::Delivery),
            "links" if path.starts_with("/office/filing-guide/") => object(Kind::FilingGuideLink),
            "feedback" => object(Kind::Feedback),
            "unit-changes" => object(Kind::UnitChange),
            "series" => object(Kind::Series),
            "slots" => object(Kind::Slot),
            "ratings" => object(Kind::Application),
            _ => None,
        },
        _ => None,
    }
}

/// The path's parameters, in order.
fn params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// `path` with every parameter filled, or why it cannot be.
fn fill(path: &str, ids: &BTreeMap<Kind, i64>, slot: &str) -> Result<Option<String>, String> {
    let mut out = path.to_string();
    let mut names_an_object = false;
    for p in params(path) {
        let value = match classify(path, p, slot) {
            Some(Fill::Object(k)) => {
                names_an_object = true;
                ids.get(&k)
                    .ok_or_else(|| format!("{path}: no {k:?} was arranged"))?
                    .to_string()
            }
            Some(Fill::Name(n)) => n,
            None => return Err(format!("{path}: what does {{{p}}} name?")),
        };
        out = out.replace(&format!("{{{p}}}"), &value);
    }
    // A route whose parameters are only names acts on the caller's own records.
    Ok(names_an_object.then_some(out))
}

/// What an outsider posts: a value for every common field, so that a handler gets past
/// reading its form and the answer is its scope check, not a missing field.
const FORM: &[(&str, &str)] = &[
    ("decision", "approve"),
    ("reason", "越权测试的处理原因说明"),
    ("opinion", "越权测试意见"),
    ("order", "0"),
    ("term_end", "2099-12-31"),
    ("amount", "1.00"),
    ("invoice_no", "12345678"),
    ("count", "1"),
    ("specialty", "建筑工程"),
];

/// Calls `path` with `method` as `who`; the status.
async fn call(who: &SecondBrowser, token: &str, method: &str, path: &str) -> StatusCode {
    let client = who.client();
    let req = match method {
        "GET" => client.get(who.url(path)),
        // Uploads read a multipart body; send one, with a picture.
        "POST" if path.contains("/slots/") => client
            .post(who.url(path))
            .header("x-csrf-token", token)
            .multipart(
                reqwest::multipart::Form::new().part(
                    "files",
                    reqwest::multipart::Part::bytes(crate::dossier::picture(400, 300))
                        .file_name("IMG_1.png"),
                ),
            ),
        "POST" => {
            let mut body = FORM.to_vec();
            body.push(("_csrf", token));
            client
                .post(who.url(path))
                .header("x-csrf-token", token)
                .form(&body)
        }
        other => panic!("{path}: a test for {other} is missing"),
    };
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn every_route_that_names_an_object_refuses_everyone_who_does_not_own_it() {
    let app = spawn_app().await;
    assert!(
        app.routes.len() > 100,
        "the router lists its routes ({} found)",
        app.routes.len()
    );
    let (ids, office) = arrange_objects(&app).await;
    let slot: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT code FROM upload_slot ORDER BY id LIMIT 1").fetch_one(p).await)
    .unwrap();

    let mut targets = Vec::new();
    let mut unknown = Vec::new();
    for route in &app.routes {
        if params(&route.path).is_empty() || PUBLIC.iter().any(|(p, _)| *p == route.path) {
            continue;
        }
        match fill(&route.path, &ids, &slot) {
            Ok(Some(path)) => targets.push((route.path.clone(), path, route.methods.clone())),
            Ok(None) => {}
            Err(e) => unknown.push(e),
        }
    }
    assert!(
        unknown.is_empty(),
        "routes the matrix cannot fill: {unknown:#?}"
    );
    assert!(
        targets.len() >= 55,
        "{} routes name an object",
        targets.len()
    );

    // The control: each owner's own GET of an address is not refused.
    let row = zc_db::applications::find(&app.db, ids[&Kind::Application])
        .await
        .unwrap()
        .unwrap();
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    let committee = staff_of(
        &app,
        "mishu_own",
        Role::CommitteeStaff,
        ("committee", row.committee_id.unwrap()),
    )
    .await;
    let applicant = spawn_second_browser(&app).await;
    applicant.login_applicant_here(&app).await;
    let sysadmin = spawn_second_browser(&app).await;
    sysadmin.login_as(&app, "sysadmin").await;
    let mut controls = 0;
    for (route, path, methods) in &targets {
        if !methods.iter().any(|m| m == "GET") || NO_CONTROL.iter().any(|(p, _)| p == route) {
            continue;
        }
        let owner = match route.split('/').nth(1) {
            Some("my") if !route.starts_with("/my/expert/") => &applicant,
            Some("unit") => &unit,
            Some("office") | Some("exports") => &office,
            Some("committee") => &committee,
            Some("admin") => &sysadmin,
            _ => continue,
        };
        let status = call(owner, "", "GET", path).await;
        assert!(
            status != StatusCode::FORBIDDEN && status != StatusCode::NOT_FOUND,
            "control: the owner of {path} is refused ({status}), so refusals there prove nothing"
        );
        controls += 1;
    }
    assert!(
        controls >= 15,
        "{controls} addresses checked against their owners"
    );

    let mut leaks = Vec::new();
    let mut tried = 0;
    for (who, browser) in outsiders(&app, row.series_id).await {
        let token = browser.csrf().await;
        let admin = matches!(who.as_str(), "sysadmin" | "secadmin" | "auditor");
        for (route, path, methods) in &targets {
            // The admins administer the whole province; their split is tested in admin.rs.
            if admin && route.starts_with("/admin/") {
                continue;
            }
            for method in methods {
                let status = call(&browser, &token, method, path).await;
                tried += 1;
                if status != StatusCode::FORBIDDEN && status != StatusCode::NOT_FOUND {
                    leaks.push(format!("{who}: {method} {path} → {status}"));
                }
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "answered for someone else's object: {leaks:#?}"
    );
    assert!(tried >= 400, "{tried} calls");
}
