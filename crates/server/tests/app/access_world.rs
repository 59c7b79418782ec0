//! The province the access tests run in: one object of every kind that a URL can name,
//! all in the demo applicant's chain, and signed-in people of every kind who own none of
//! them.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use zc_domain::Role;

use crate::{
    expert_pool::{EXPERT_PASSWORD, expert},
    fees::awaiting_fee,
    helpers::{SecondBrowser, TestApp, location, spawn_second_browser},
};

/// The kinds of object a path parameter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
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
    FilingGuideLink,
    Feedback,
    UnitChange,
    Series,
    Slot,
    Plan,
    FeeItem,
    Unit,
    Office,
    Committee,
    Account,
    UnitStaff,
    RecognitionRule,
    Delivery,
}

/// A staff member of `org`, signed in on a browser of their own.
pub(crate) async fn staff_of(
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
pub(crate) async fn arrange_objects(app: &TestApp) -> (BTreeMap<Kind, i64>, SecondBrowser) {
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
        Kind::RecognitionRule,
        scalar(app, "SELECT MIN(id) FROM recognition_rule WHERE id > $1", 0).await,
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

    let today = app.db.today();
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
        Kind::FilingGuideLink,
        zc_db::filing_guides::insert_link(
            &mut tx,
            &zc_db::filing_guides::NewLink {
                office_id: row.office_id,
                year: row.year,
                series_id: None,
                title: "评审部署文件",
                url: "https://rst.gxzf.gov.cn/",
            },
        )
        .await
        .unwrap(),
    );
    ids.insert(
        Kind::Feedback,
        zc_db::feedback::insert(
            &mut tx,
            &zc_db::feedback::NewFeedback {
                account_id: row.applicant_id,
                office_id: row.office_id,
                category: "suggestion",
                body: "越权测试的意见建议内容",
                contact_sealed: None,
                contact_masked: String::new(),
                picture_key: None,
            },
        )
        .await
        .unwrap(),
    );
    ids.insert(
        Kind::UnitChange,
        zc_db::unit_changes::insert(
            &mut tx,
            &zc_db::unit_changes::NewChange {
                unit_id: row.unit_id,
                office_id: row.office_id,
                requested_by: row.applicant_id,
                name: "越权测试单位新名称",
                kind: "企业",
                region_code: "450103",
                address: "南宁市青秀区越权测试路1号",
                contact_name: "越权",
                contact_phone_sealed: "",
                contact_phone_masked: "138****0000",
                reason: "越权测试的变更原因",
            },
        )
        .await
        .unwrap()
        .unwrap(),
    );
    ids.insert(Kind::Series, row.series_id);
    let slot: i64 = zc_db::with_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM upload_slot WHERE committee_id IS NULL ORDER BY id LIMIT 1")
        .fetch_one(&mut **c).await)
    .unwrap();
    ids.insert(Kind::Slot, slot);
    // A rating of the dossier, so that its office's rating page exists.
    zc_db::service_ratings::insert(
        &mut tx,
        &zc_db::service_ratings::NewRating {
            application_id: row.id,
            account_id: row.applicant_id,
            office_id: row.office_id,
            grade: 2,
            reason: "越权测试的评价原因",
            follow_up_due: Some(today),
        },
    )
    .await
    .unwrap();
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
            token: "0123456789abcdef0123456789abcdef",
            original_ref: None,
            source: zc_domain::certificate::CertificateSource::New,
            seal: None,
        },
    )
    .await
    .unwrap();
    ids.insert(Kind::Certificate, certificate);
    let address = zc_domain::delivery::Address {
        recipient: "张三".into(),
        province: "广西壮族自治区".into(),
        city: "南宁市".into(),
        address: "民族大道100号".into(),
        phone: "13800771234".into(),
        postcode: String::new(),
    };
    zc_db::deliveries::choose(
        &mut tx,
        &zc_db::deliveries::Chosen {
            certificate_id: certificate,
            office_id: row.office_id,
            method: zc_domain::delivery::DeliveryMethod::Mail,
            address: &address,
            order_id: None,
        },
    )
    .await
    .unwrap();
    let delivery: i64 = zc_db::with_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM certificate_delivery WHERE certificate_id = $1")
        .bind(certificate).fetch_one(&mut **c).await)
    .unwrap();
    ids.insert(Kind::Delivery, delivery);
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
pub(crate) async fn outsiders(app: &TestApp, series: i64) -> Vec<(String, SecondBrowser)> {
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
