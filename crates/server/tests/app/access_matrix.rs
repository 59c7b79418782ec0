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
    expert_pool::{EXPERT_PASSWORD, expert},
    fees::awaiting_fee,
    helpers::{SecondBrowser, TestApp, location, spawn_app, spawn_second_browser},
};

/// Routes anyone may call with any id, and why.
const PUBLIC: &[(&str, &str)] = &[
    ("/captcha/{id}", "a captcha image names no person"),
    ("/static/{file}", "the site's own style sheets and scripts"),
    (
        "/verify/t/{token}",
        "证书核验: the QR token is the credential",
    ),
    ("/notices/{id}", "公告 are public"),
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
        "/office/units/{id}/licence",
        "a unit seeded with the province has no scanned licence",
    ),
];

/// The kinds of object a path parameter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Application,
    File,
    FeeOrder,
    Certificate,
    Meeting,
    Export,
    Enrolment,
    Objection,
    Publicity,
    UnitTemplate,
    OfficeTemplate,
    Plan,
    FeeItem,
    Unit,
    Office,
    Committee,
    Account,
    UnitStaff,
}

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

/// A staff member of `org`, signed in on a browser of their own.
async fn staff_of(
    app: &TestApp,
    login: &str,
    role: Role,
    org: (&'static str, i64),
) -> SecondBrowser {
    let password = "Matrix-Staff-2026";
    zc_services::accounts::create_account(
        &app.db,
        zc_services::accounts::NewAccountInput {
            login_name: login.into(),
            display_name: format!("越权测试{login}"),
            password: password.into(),
            role,
            org: Some(org),
        },
        zc_services::accounts::Actor::default(),
    )
    .await
    .unwrap();
    let b = spawn_second_browser(app).await;
    let res = b
        .post("/login", &[("login_name", login), ("password", password)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{login} signs in");
    b
}

async fn scalar(app: &TestApp, sql: &'static str, bind: i64) -> i64 {
    zc_db::with_pool!(&app.db, p => sqlx::query_scalar(sql).bind(bind).fetch_one(p).await).unwrap()
}

async fn org(app: &TestApp, kind: &str, name: &str) -> i64 {
    let found = match kind {
        "unit" => zc_db::reference::unit_id_by_name(&app.db, name).await,
        "committee" => zc_db::reference::committee_id_by_name(&app.db, name).await,
        _ => zc_db::reference::office_id_by_name(&app.db, name).await,
    };
    found.unwrap().unwrap_or_else(|| panic!("{name} is seeded"))
}

/// One object of every kind, all belonging to the demo applicant's chain: their unit, their
/// city's 职改办 and their committee. Returns the ids and the office reviewer's browser.
async fn arrange_objects(app: &TestApp) -> (BTreeMap<Kind, i64>, SecondBrowser) {
    let (id, order, _) = awaiting_fee(app).await;
    let office_browser = spawn_second_browser(app).await;
    let res = office_browser
        .post(
            "/login",
            &[
                ("login_name", "feeoffice"),
                ("password", "Office-Review-2026"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/office");
    let row = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    let committee = row.committee_id.unwrap();
    let office_account = scalar(
        app,
        "SELECT id FROM account WHERE login_name = 'feeoffice' AND id > $1",
        0,
    )
    .await;
    let mut ids = BTreeMap::from([
        (Kind::Application, id),
        (Kind::FeeOrder, order),
        (Kind::Unit, row.unit_id),
        (Kind::Office, row.office_id),
        (Kind::Committee, committee),
        (Kind::Account, row.applicant_id),
        (Kind::Publicity, id),
    ]);
    ids.insert(
        Kind::File,
        scalar(
            app,
            "SELECT MIN(id) FROM application_file WHERE application_id = $1",
            id,
        )
        .await,
    );
    ids.insert(
        Kind::UnitStaff,
        scalar(
            app,
            "SELECT id FROM account WHERE login_name = 'shenhe' AND id > $1",
            0,
        )
        .await,
    );
    let plan = scalar(
        app,
        "SELECT MIN(id) FROM review_plan WHERE committee_id = $1",
        committee,
    )
    .await;
    ids.insert(Kind::Plan, plan);
    ids.insert(
        Kind::FeeItem,
        scalar(app, "SELECT MIN(id) FROM fee_item WHERE plan_id = $1", plan).await,
    );

    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let mut tx = app.db.begin_write().await.unwrap();
    let meeting = zc_db::meetings::insert(&mut tx, plan, "越权测试会议", today, office_account)
        .await
        .unwrap();
    ids.insert(Kind::Meeting, meeting);
    let export = zc_db::exports::insert(
        &mut tx,
        office_account,
        "roster",
        "花名册",
        "{}",
        chrono::Utc::now() + chrono::Duration::days(1),
    )
    .await
    .unwrap();
    ids.insert(Kind::Export, export);
    ids.insert(
        Kind::UnitTemplate,
        zc_db::return_templates::insert(&mut tx, "unit", row.unit_id, "basic", "请补充单位证明")
            .await
            .unwrap(),
    );
    ids.insert(
        Kind::OfficeTemplate,
        zc_db::return_templates::insert(
            &mut tx,
            "office",
            row.office_id,
            "basic",
            "请补充学历证明",
        )
        .await
        .unwrap(),
    );
    ids.insert(
        Kind::Enrolment,
        zc_db::expert_enrolments::insert(
            &mut tx,
            &zc_db::expert_enrolments::NewEnrolment {
                account_id: row.applicant_id,
                series_id: row.series_id,
                specialty: "建筑工程",
                title_name: "高级工程师",
                title_obtained_on: today - chrono::Duration::days(900),
                unit_name: "广西壮美建设工程有限公司",
                post: "总工程师",
                research_field: "结构",
                phone_sealed: &app.vault.seal("13800771234"),
                phone_masked: "138****1234",
                recusal_note: "",
                recusal_indexes: "",
            },
        )
        .await
        .unwrap(),
    );
    zc_db::result_publicity::insert(&mut tx, id, today, today, office_account)
        .await
        .unwrap();
    let certificate = zc_db::certificates::insert(
        &mut tx,
        &zc_db::certificates::NewCertificate {
            number: "202645010099999",
            office_id: row.office_id,
            year: 2026,
            seq: 99_999,
            application_id: Some(id),
            holder_id: row.applicant_id,
            holder_name: "张三",
            id_number_masked: "4501**********1237",
            unit_name: "广西壮美建设工程有限公司",
            series_name: "工程",
            level_rank: row.level_rank,
            title_name: "工程师",
            committee_name: "工程系列广西区人才服务办公室中级评审会",
            way: "评审",
            doc_number: "桂职改〔2026〕99号",
            issued_on: today,
            token: "matrix-token-0000000000000000000000",
        },
    )
    .await
    .unwrap();
    ids.insert(Kind::Certificate, certificate);
    tx.commit().await.unwrap();
    ids.insert(
        Kind::Objection,
        zc_db::result_publicity::insert_objection(&app.db, id, "异议人", "sealed", "材料不实")
            .await
            .unwrap(),
    );
    (ids, office_browser)
}

/// Everyone who owns none of the arranged objects.
async fn outsiders(app: &TestApp, series: i64) -> Vec<(String, SecondBrowser)> {
    let mut out = Vec::new();
    expert(app, 77, None, series, "建筑工程").await;
    let other = spawn_second_browser(app).await;
    let res = other
        .login_applicant_with(app, "expert77@example.test", EXPERT_PASSWORD)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    out.push(("another applicant who is an expert".into(), other));
    let staff = [
        (
            "unit_out",
            Role::UnitAdmin,
            "unit",
            "北海市海洋环境保护协会",
        ),
        (
            "dept_out",
            Role::DepartmentStaff,
            "office",
            "广西壮族自治区卫生健康委员会",
        ),
        (
            "office_out",
            Role::OfficeStaff,
            "office",
            "北海市职称改革工作领导小组办公室",
        ),
        (
            "committee_out",
            Role::CommitteeStaff,
            "committee",
            "柳州市卫生系列初级职称评审委员会",
        ),
    ];
    for (login, role, kind, name) in staff {
        let id = org(app, kind, name).await;
        let kind: &'static str = kind;
        out.push((
            format!("{role:?} of {name}"),
            staff_of(app, login, role, (kind, id)).await,
        ));
    }
    for admin in ["sysadmin", "secadmin", "auditor"] {
        let b = spawn_second_browser(app).await;
        b.login_as(app, admin).await;
        out.push((admin.to_string(), b));
    }
    out
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
