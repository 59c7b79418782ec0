//! 审核队列: the filters every desk shares, the unit's batch, and the 花名册 written by
//! the job queue (masked unless a 负责人 gives a reason, formula-safe, only for its owner).

use std::io::Read;

use reqwest::StatusCode;

use crate::helpers::{
    SecondBrowser, TestApp, attr, html, location, spawn_app, spawn_second_browser, texts,
};

/// Seeds `count` submitted applications (applicants seed1…seedN).
async fn seed(app: &TestApp, count: u64) {
    zc_services::bulk_seed::seed_applications(&app.db, &app.vault, 1, count, Default::default())
        .await
        .expect("seeded");
}

pub(crate) async fn org_of(app: &TestApp, login: &str) -> i64 {
    zc_db::accounts::find_by_login(&app.db, login)
        .await
        .unwrap()
        .unwrap()
        .org_id
        .unwrap()
}

/// `(application id, applicant login)` of seeded dossiers of a unit in a status, by id.
async fn seeded_in(app: &TestApp, unit_id: i64, status: &str) -> Vec<(i64, String)> {
    zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT a.id, c.login_name FROM application a JOIN account c ON c.id = a.applicant_id \
         WHERE a.unit_id = $1 AND a.status = $2 AND c.login_name LIKE 'seed%' ORDER BY a.id")
        .bind(unit_id).bind(status).fetch_all(p).await)
    .unwrap()
}

fn ids(doc: &scraper::Html) -> Vec<String> {
    texts(doc, "tbody td[data-label=编号]")
}

pub(crate) async fn page(b: &SecondBrowser, path: &str) -> scraper::Html {
    html(&b.get(path).await.text().await.unwrap())
}

#[tokio::test]
async fn a_queue_filters_by_name_id_tail_id_number_mobile_year_level_and_dates_and_links_keep_the_filter()
 {
    let app = spawn_app().await;
    seed(&app, 80).await;
    let unit_id = org_of(&app, "shenhe").await;
    let pending = seeded_in(&app, unit_id, "unit_pending").await;
    assert!(pending.len() >= 3, "the seed reaches the demo unit");
    let (id, login) = pending[0].clone();
    let n: u64 = login.trim_start_matches("seed").parse().unwrap();
    let applicant = zc_db::applications::find(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    let person = zc_db::applicants::find(&app.db, applicant.applicant_id)
        .await
        .unwrap()
        .unwrap();
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;

    let all = page(&unit, "/unit/applications").await;
    let total = ids(&all).len();
    assert!(total >= 3);
    // By name: only that person.
    let doc = page(&unit, &format!("/unit/applications?q={}", person.name)).await;
    assert_eq!(ids(&doc), [format!("#{id}")]);
    assert_eq!(
        attr(&doc, "#q", "value").as_deref(),
        Some(person.name.as_str())
    );
    // By the last four characters of the identity number.
    let tail: String = person
        .id_number_masked
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let doc = page(&unit, &format!("/unit/applications?q={tail}")).await;
    assert!(ids(&doc).contains(&format!("#{id}")));
    assert!(
        texts(&doc, "tbody td[data-label=证件号码]")
            .iter()
            .all(|t| t.ends_with(&tail))
    );
    // By the whole identity number, found through its blind index (spaces and a small x
    // as people type them); one wrong digit finds nothing.
    let id_number = app.vault.open(&person.id_number_sealed).unwrap();
    let typed = format!("{} {}", &id_number[..6], id_number[6..].to_lowercase());
    let doc = page(
        &unit,
        &format!("/unit/applications?q={}", typed.replace(' ', "%20")),
    )
    .await;
    assert_eq!(ids(&doc), [format!("#{id}")]);
    let mut wrong = id_number.clone().into_bytes();
    wrong[10] = if wrong[10] == b'0' { b'1' } else { b'0' };
    let doc = page(
        &unit,
        &format!("/unit/applications?q={}", String::from_utf8(wrong).unwrap()),
    )
    .await;
    assert!(ids(&doc).is_empty());
    // By the whole mobile, found through its blind index.
    let doc = page(&unit, &format!("/unit/applications?q=139{:08}", n)).await;
    assert_eq!(ids(&doc), [format!("#{id}")]);
    // Another year, and a start date tomorrow, find nothing.
    let doc = page(&unit, "/unit/applications?year=2001").await;
    assert!(ids(&doc).is_empty());
    assert_eq!(texts(&doc, "tbody .empty"), ["没有符合条件的申报。"]);
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%d");
    let doc = page(&unit, &format!("/unit/applications?from={tomorrow}")).await;
    assert!(ids(&doc).is_empty());
    // A date that cannot be read is named back, and the rest of the filter still applies.
    let doc = page(&unit, "/unit/applications?from=yesterday").await;
    assert_eq!(
        texts(&doc, ".notice-warning"),
        ["报送起始日期“yesterday”应写成 2026-03-02 这样的日期，已忽略"]
    );
    assert_eq!(ids(&doc).len(), total);
    // The level filter keeps only that level, and the pager's links keep the filter.
    let rank = applicant.level_rank;
    let doc = page(
        &unit,
        &format!("/unit/applications?level={rank}&per_page=10&sort=number"),
    )
    .await;
    let level = zc_domain::TitleLevel::from_rank(rank).unwrap().name();
    let shown = texts(&doc, "tbody td[data-label=拟申报资格]");
    assert!(
        !shown.is_empty() && shown.iter().all(|t| t.contains(level)),
        "{shown:?}"
    );
    let numbers: Vec<i64> = ids(&doc).iter().map(|t| t[1..].parse().unwrap()).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "sorted by number");
    assert_eq!(
        attr(&doc, "#f-level option[selected]", "value"),
        Some(rank.to_string())
    );
    let doc = page(
        &unit,
        &format!("/unit/applications?level={rank}&per_page=10&page=1"),
    )
    .await;
    if let Some(next) = attr(&doc, ".pager a[rel=next]", "href") {
        assert!(next.contains(&format!("level={rank}")), "{next}");
    }
    // A unit's queue never shows another unit's staff: the office's inbox id is out of scope.
    let elsewhere = zc_db::with_pool!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM application WHERE unit_id <> $1 ORDER BY id LIMIT 1")
        .bind(unit_id).fetch_optional(p).await)
    .unwrap();
    if let Some(other) = elsewhere {
        assert_eq!(
            unit.get(&format!("/unit/applications/{other}"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn a_unit_batch_forwards_what_passed_publicity_and_skips_the_rest() {
    let app = spawn_app().await;
    seed(&app, 80).await;
    let unit_id = org_of(&app, "shenhe").await;
    let pending = seeded_in(&app, unit_id, "unit_pending").await;
    let (ready, waiting) = (pending[0].0, pending[1].0);
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    let start = (chrono::Utc::now() - chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    crate::unit_review::backdate_submission(&app, ready, 40).await;
    unit.post(
        &format!("/unit/applications/{ready}/publicity"),
        &[("starts_on", &start)],
    )
    .await;
    let today = app.db.today().to_string();
    unit.post(
        &format!("/unit/applications/{waiting}/publicity"),
        &[("starts_on", &today)],
    )
    .await;

    // The 公示表 downloads as a spreadsheet of the publicity still running.
    let res = unit.get("/unit/publicity.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let sheet = sheet_xml(&res.bytes().await.unwrap());
    assert!(
        sheet.contains(&format!(">{waiting}<")),
        "#{waiting} in the 公示表"
    );
    assert!(
        !sheet.contains(&format!(">{ready}<")),
        "an ended publicity is not posted"
    );

    // A batch without a recommendation is refused with the reason.
    let res = unit
        .post(
            "/unit/applications/batch",
            &[("ids", &ready.to_string()), ("opinion", "")],
        )
        .await;
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("请填写推荐意见（至少5个字）")
    );
    // "All N matching" is refused when the count moved since it was confirmed.
    let res = unit
        .post(
            "/unit/applications/batch",
            &[
                ("all", "1"),
                ("expected", "999"),
                ("opinion", "经公示无异议，同意推荐"),
            ],
        )
        .await;
    assert!(res.text().await.unwrap().contains("筛选结果已变化"));

    let res = unit
        .post(
            "/unit/applications/batch",
            &[
                ("ids", &ready.to_string()),
                ("ids", &waiting.to_string()),
                ("opinion", "经公示无异议，同意推荐"),
            ],
        )
        .await;
    let to = location(&res);
    assert!(to.contains("done=1&skipped=1"), "{to}");
    let doc = page(&unit, &to).await;
    assert!(texts(&doc, "#batch-result")[0].starts_with("已批量办理1件，另有1件"));
    let status = |id: i64| {
        let db = app.db.clone();
        async move {
            zc_db::applications::find(&db, id)
                .await
                .unwrap()
                .unwrap()
                .status
                .code()
        }
    };
    assert_ne!(status(ready).await, "unit_pending", "forwarded");
    assert_eq!(
        status(waiting).await,
        "unit_pending",
        "its publicity still runs"
    );
    // The forwarded one shows the batch's recommendation in its history.
    let events = zc_db::applications::events(&app.db, ready).await.unwrap();
    assert!(events.iter().any(|e| e.opinion == "经公示无异议，同意推荐"));
}

/// The sheet part of an .xlsx file (constant-memory sheets keep their text inline).
fn sheet_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut part = zip.by_name("xl/worksheets/sheet1.xml").expect("one sheet");
    let mut xml = String::new();
    part.read_to_string(&mut xml).unwrap();
    xml
}

/// Waits for the worker to write the newest export, then downloads it.
pub(crate) async fn newest_export(b: &SecondBrowser) -> (i64, Vec<u8>) {
    for _ in 0..80 {
        let doc = page(b, "/exports").await;
        if texts(&doc, "tbody .export-state")
            .first()
            .map(String::as_str)
            == Some("可下载")
        {
            let href = attr(&doc, "tbody a", "href").unwrap();
            let id: i64 = href.split('/').nth(2).unwrap().parse().unwrap();
            let res = b.get(&href).await;
            assert_eq!(res.status(), StatusCode::OK);
            return (id, res.bytes().await.unwrap().to_vec());
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the roster was not written");
}

#[tokio::test]
async fn a_roster_is_written_in_the_background_masked_formula_safe_and_only_for_its_owner() {
    let app = spawn_app().await;
    seed(&app, 30).await;
    let unit_id = org_of(&app, "shenhe").await;
    // A unit name crafted as a formula must stay text in the export.
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE unit SET name = $2 WHERE id = $1")
        .bind(unit_id).bind("=HYPERLINK(\"http://evil.test\",\"点击\")").execute(p).await.map(|_| ()))
    .unwrap();
    let pending = seeded_in(&app, unit_id, "unit_pending").await;
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;

    // No column, and full numbers asked by someone who is not a 负责人: refused on the page.
    let res = unit
        .post("/unit/applications/roster", &[("status", "unit_pending")])
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#roster-error"), ["请至少选择一列"]);
    let res = unit
        .post(
            "/unit/applications/roster",
            &[
                ("status", "unit_pending"),
                ("col", "name"),
                ("col", "id_number"),
                ("reveal", "1"),
                ("reveal_reason", "核对申报人身份信息"),
            ],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert!(texts(&doc, "#roster-error")[0].starts_with("只有负责人可以导出完整的证件号码"));
    assert!(attr(&doc, "input[name=col][value=id_number]", "checked").is_some());
    assert!(attr(&doc, "input[name=col][value=submitted]", "checked").is_none());

    let res = unit
        .post(
            "/unit/applications/roster",
            &[
                ("status", "unit_pending"),
                ("col", "number"),
                ("col", "name"),
                ("col", "id_number"),
                ("col", "phone"),
                ("col", "unit"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/exports");
    let (export_id, bytes) = newest_export(&unit).await;
    let xml = sheet_xml(&bytes);
    assert!(xml.contains("导出人："), "watermarked");
    for (id, _) in &pending {
        assert!(xml.contains(&format!(">{id}<")), "#{id} listed");
    }
    assert!(xml.contains("4501**********"), "identity numbers masked");
    assert!(xml.contains("139****"), "mobiles masked");
    assert!(!xml.contains("45010319700101"), "no full identity number");
    assert!(xml.contains("'=HYPERLINK"), "the formula stays text");
    let audited: i64 = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_event WHERE action IN ('export.roster', 'export.download')")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(audited, 2, "the request and the download are audited");

    // Someone else cannot list or download it.
    let other = spawn_second_browser(&app).await;
    other.login_as(&app, "nanning").await;
    assert_eq!(
        other
            .get(&format!("/exports/{export_id}/download"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert!(ids(&page(&other, "/exports").await).is_empty());

    // A 负责人 of the office the dossiers go to may have the full numbers, with a reason.
    let office_id = zc_db::with_pool!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT office_id FROM application WHERE unit_id = $1 AND status = 'office_pending' LIMIT 1")
        .bind(unit_id).fetch_one(p).await).unwrap();
    zc_services::accounts::create_account_with_duty(
        &app.db,
        zc_services::accounts::NewAccountInput {
            login_name: "fuzeren".into(),
            display_name: "负责人".into(),
            password: "Office-Lead-2026!".into(),
            role: zc_domain::Role::OfficeStaff,
            org: Some(("office", office_id)),
        },
        Some(zc_domain::organisation::Duty::Lead),
        zc_services::accounts::Actor::default(),
    )
    .await
    .unwrap();
    let lead = spawn_second_browser(&app).await;
    let res = lead
        .post(
            "/login",
            &[("login_name", "fuzeren"), ("password", "Office-Lead-2026!")],
        )
        .await;
    assert_eq!(location(&res), "/office");
    let doc = page(&lead, "/office/applications").await;
    assert!(
        attr(&doc, "input[name=reveal]", "value").is_some(),
        "offered to a 负责人"
    );
    let res = lead
        .post(
            "/office/applications/roster",
            &[
                ("status", "office_pending"),
                ("col", "name"),
                ("col", "id_number"),
                ("reveal", "1"),
                ("reveal_reason", "报送人社厅备案核对"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/exports");
    let (_, bytes) = newest_export(&lead).await;
    let xml = sheet_xml(&bytes);
    assert!(
        xml.contains("45010319700101"),
        "full numbers for the 负责人"
    );
    assert!(xml.contains("含完整号码"));
    let detail: String = zc_db::with_pool!(&app.db, p => sqlx::query_scalar(
        "SELECT detail FROM audit_event WHERE action = 'export.roster' ORDER BY id DESC LIMIT 1")
        .fetch_one(p).await)
    .unwrap();
    assert!(detail.contains("报送人社厅备案核对"), "{detail}");
}

#[tokio::test]
async fn return_templates_are_the_units_own_and_the_reviewer_sees_what_changed_since_the_return() {
    let app = spawn_app().await;
    app.login_applicant().await;
    let id = crate::applications::create(&app).await;
    crate::applications::fill_everything(&app, id).await;
    crate::applications::submit_now(&app, id).await;
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;

    // Too short: refused on the page, with what was typed kept.
    let res = unit
        .post(
            "/unit/return-templates",
            &[("section", "basic"), ("body", "不清")],
        )
        .await;
    let doc = html(&res.text().await.unwrap());
    assert_eq!(texts(&doc, "#f-body-msg"), ["请填写退回理由（至少5个字）"]);
    assert_eq!(texts(&doc, "#f-body"), ["不清"]);
    assert_eq!(
        attr(&doc, "#f-section option[selected]", "value").as_deref(),
        Some("basic")
    );
    for (section, body) in [
        ("basic", "通讯地址不完整，请补充到门牌号"),
        ("", "请按栏目要求如实填写完整"),
    ] {
        let res = unit
            .post(
                "/unit/return-templates",
                &[("section", section), ("body", body)],
            )
            .await;
        assert_eq!(location(&res), "/unit/return-templates");
    }
    let doc = page(&unit, "/unit/return-templates").await;
    assert_eq!(
        texts(&doc, "tbody td[data-label=适用栏目]"),
        ["所有栏目", "基本信息"]
    );

    // An office sees none of the unit's templates and cannot remove one.
    let office = spawn_second_browser(&app).await;
    office.login_as(&app, "nanning").await;
    let doc = page(&office, "/office/return-templates").await;
    assert_eq!(texts(&doc, "tbody .empty"), ["还没有模板。"]);
    let theirs = zc_db::with_pool!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM return_template ORDER BY id LIMIT 1").fetch_one(p).await)
    .unwrap();
    assert_eq!(
        office
            .post(&format!("/office/return-templates/{theirs}/delete"), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The return form offers the templates that fit each section; one picked without
    // typing is the reason.
    let doc = page(&unit, &format!("/unit/applications/{id}")).await;
    assert_eq!(
        texts(&doc, "#template-basic option"),
        [
            "选用常用理由（未填写原因时采用）",
            "请按栏目要求如实填写完整",
            "通讯地址不完整，请补充到门牌号"
        ]
    );
    assert_eq!(
        texts(&doc, "#template-education option").len(),
        2,
        "only the any-section one"
    );
    let res = unit
        .post(
            &format!("/unit/applications/{id}/decision"),
            &[
                ("decision", "return"),
                ("section", "basic"),
                ("reason_basic", ""),
                ("template_basic", "通讯地址不完整，请补充到门牌号"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("/unit/applications?returned={id}"));
    let (_, doc) = app
        .get_html(&format!("/my/applications/{id}/sections/basic"))
        .await;
    assert!(texts(&doc, "#return-reasons li")[0].contains("通讯地址不完整，请补充到门牌号"));

    // The applicant changes the address only and sends it again.
    let fields: Vec<(&str, &str)> = crate::applications::BASIC_FIELDS
        .iter()
        .map(|&(k, v)| {
            if k == "address" {
                (k, "南宁市青秀区民族大道1号3栋502室")
            } else {
                (k, v)
            }
        })
        .collect();
    let res =
        crate::applications::post(&app, format!("/my/applications/{id}/parts/basic"), &fields)
            .await;
    assert!(location(&res).contains("saved="));
    crate::applications::submit_now(&app, id).await;
    let doc = page(&unit, &format!("/unit/applications/{id}")).await;
    let changed = texts(&doc, ".dossier-changed h2");
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].contains("基本信息"));
    assert!(texts(&doc, "#changed-since-return")[0].contains("基本信息"));
}
