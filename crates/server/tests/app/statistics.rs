//! 统计报表: a 职改办 sees its year's dossiers by status, series, level, unit and month,
//! the pass rate, and how many working days each desk took, as charts and tables with
//! the same numbers; the .xlsx export holds them too and is audited.

use std::io::Read;

use chrono::{Datelike, Duration};
use reqwest::StatusCode;

use crate::{
    access_world::staff_of,
    applications::{create, fill_everything, submit_now},
    helpers::{html, spawn_app_with, texts},
    unit_review::{passed_by_office, submitted_application},
};

#[tokio::test]
async fn an_office_reads_its_figures_and_exports_them() {
    // A clock the test can move: the unit takes a week over the first dossier.
    let app = spawn_app_with(|c| {
        c.clock = zc_domain::clock::Clock::starting_at(chrono::Utc::now());
    })
    .await;
    let a = submitted_application(&app).await;
    let submitted_on = app.db.today();
    app.db.clock().advance(Duration::days(7));
    let office = passed_by_office(&app, a, "tongji").await;
    let forwarded_on = app.db.today();

    // A second applicant's dossier the unit finds ineligible the day it arrives.
    let password = app.demo_password.clone().unwrap();
    app.login_applicant_with("lisi@example.com", &password)
        .await;
    let b = create(&app).await;
    fill_everything(&app, b).await;
    submit_now(&app, b).await;
    let second = zc_db::applications::find(&app.db, b)
        .await
        .unwrap()
        .unwrap();
    let unit = staff_of(
        &app,
        "liudong_shenhe",
        zc_domain::Role::UnitReviewer,
        ("unit", second.unit_id),
    )
    .await;
    let res = unit
        .post(
            &format!("/unit/applications/{b}/decision"),
            &[
                ("decision", "fail"),
                ("fail_reason", "任职年限不符合申报条件"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "failed by its unit");

    // A third applicant's draft, sent nowhere yet, is not counted.
    app.login_applicant_with("weizg@example.com", &password)
        .await;
    let draft = create(&app).await;

    let first = zc_db::applications::find(&app.db, a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.office_id, second.office_id, "both went to one office");
    let draft = zc_db::applications::find(&app.db, draft)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        draft.office_id, first.office_id,
        "the draft names the same office"
    );
    let year = first.year;

    let doc = html(
        &office
            .get(&format!("/office/statistics?year={year}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(
        texts(&doc, "#stat-total"),
        [format!(
            "{year}年度共 2 件申报，通过 0 件，未通过 1 件，通过率 0.0%。"
        )]
    );
    let status_rows = texts(&doc, "#stat-status tbody tr");
    assert_eq!(status_rows.len(), 2, "{status_rows:?}");
    assert!(
        status_rows
            .iter()
            .any(|r| r.contains("单位审核不通过") && r.ends_with('1'))
    );
    assert!(status_rows.iter().any(|r| r.contains(first.status.label())));
    // The series table: one row for the series and the total, each with its rate.
    assert_eq!(
        texts(&doc, "#stat-series tbody tr:first-child > *"),
        [first.series_name.as_str(), "2", "0", "1", "0.0%"]
    );
    assert_eq!(
        texts(&doc, "#stat-series tbody tr.total > *"),
        ["合计", "2", "0", "1", "0.0%"]
    );
    // Every chart is drawn on the server: a bar per row, labelled.
    assert_eq!(
        texts(&doc, "#chart-status text:not(.value)").len(),
        2,
        "a label per status"
    );
    assert_eq!(texts(&doc, "#chart-month text.value").len(), 12);
    // Submissions per month, by China date of the (latest) submission.
    let months = texts(&doc, "#stat-month tbody td");
    let mut expected = [0; 12];
    for row in [&first, &second] {
        let on = zc_domain::calendar::china_date(row.submitted_at.unwrap());
        if on.year() == year {
            expected[on.month0() as usize] += 1;
        }
    }
    assert_eq!(
        months,
        expected.iter().map(|n| n.to_string()).collect::<Vec<_>>()
    );
    // The unit desk held the first dossier a week and the second not a day: the median
    // of the two stays; the office decided at once.
    let calendar = zc_db::calendar::working_calendar(&app.db, zc_db::seed::GUANGXI)
        .await
        .unwrap();
    let week = calendar.working_days_between(submitted_on, forwarded_on);
    assert!(week >= 3, "a week holds working days ({week})");
    let desks = texts(&doc, "#stat-desks tbody tr");
    assert_eq!(
        desks[0],
        format!("单位审核2{:.1}", f64::from(week) / 2.0).replace(' ', "")
    );
    assert_eq!(desks[2], "职改办审核10.0");
    // Per unit: each of the two units sent one dossier; the failed one has its rate.
    let unit_name = |id| {
        let db = app.db.clone();
        async move {
            zc_db::reference::org_name(&db, "unit", id)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let mut rows = texts(&doc, "#stat-unit tbody tr");
    rows.sort();
    let mut expected = vec![
        format!("{}100—", unit_name(first.unit_id).await),
        format!("{}1010.0%", unit_name(second.unit_id).await),
    ];
    expected.sort();
    assert_eq!(rows, expected);

    // Another year has nothing, and says so.
    let doc = html(
        &office
            .get(&format!("/office/statistics?year={}", year - 1))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(texts(&doc, "#stat-series tbody td.empty"), ["没有数据。"]);

    // The export: the same figures, numbers as numbers, and an audit line.
    let res = office
        .post(
            "/office/statistics/export",
            &[("year", &year.to_string()), ("kind", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut workbook = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut workbook)
        .unwrap();
    for sheet in ["按状态", "按系列", "按级别", "按单位", "按月份", "办理用时"] {
        assert!(workbook.contains(sheet), "sheet {sheet}");
    }
    let mut units = String::new();
    zip.by_name("xl/worksheets/sheet4.xml")
        .unwrap()
        .read_to_string(&mut units)
        .unwrap();
    assert_eq!(
        units.matches("<row ").count(),
        5,
        "title, watermark, header and the two units: {units}"
    );
    assert!(
        zc_db::audit::recent(&app.db, 10)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "statistics.export")
    );

    // Units and applicants have no such page.
    assert_eq!(
        unit.get("/office/statistics").await.status(),
        StatusCode::FORBIDDEN
    );
}
