//! Queues at deadline-day size: the counts the triggers keep always equal the dossiers,
//! deep pages follow the keyset and show every line once, a filter the counts cannot
//! answer is counted only up to its bound, and the page's query reads its index in order.

use zc_db::{
    queue_tally::{self, QueueTotal},
    review_queue::{PageStart, QueueFilter, QueueScope, QueueSort},
};
use zc_domain::application::ApplicationStatus;
use zc_services::bulk_seed::SeedShape;

use crate::{
    helpers::{SecondBrowser, TestApp, attr, spawn_app, spawn_second_browser, texts},
    review_queue::{org_of, page},
};

/// The demo unit, the demo 职改办 and the demo unit's 主管部门.
async fn desks(app: &TestApp) -> [QueueScope; 3] {
    let unit = org_of(app, "shenhe").await;
    let department = zc_db::with_pool!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "SELECT office_id FROM unit WHERE id = $1").bind(unit).fetch_one(p).await)
    .unwrap();
    [
        QueueScope::Unit(unit),
        QueueScope::Office(org_of(app, "zhigaiban").await),
        QueueScope::Department(department),
    ]
}

async fn assert_counts_kept(app: &TestApp, when: &str) {
    for scope in desks(app).await {
        let mut kept: Vec<(String, i64)> = queue_tally::desk_counts(&app.db, scope)
            .await
            .unwrap()
            .by_status()
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .collect();
        kept.sort();
        let counted = queue_tally::status_counts_counted(&app.db, scope)
            .await
            .unwrap();
        assert_eq!(kept, counted, "{when}: kept counts of {scope:?}");
    }
}

async fn seed(app: &TestApp, first: u64, count: u64, shape: SeedShape) {
    zc_services::bulk_seed::seed_applications(&app.db, &app.vault, first, count, shape)
        .await
        .expect("seeded");
}

fn ids(doc: &scraper::Html) -> Vec<String> {
    texts(doc, "tbody td[data-label=编号]")
}

#[tokio::test]
async fn kept_counts_equal_the_dossiers_after_seeding_and_a_batch_and_answer_the_usual_filters() {
    let app = spawn_app().await;
    assert_counts_kept(&app, "demo data").await;
    seed(&app, 1, 90, SeedShape::default()).await;
    let waiting = SeedShape {
        status: Some(ApplicationStatus::OfficePending),
        one_unit: true,
    };
    seed(&app, 91, 30, waiting).await;
    assert_counts_kept(&app, "after seeding").await;

    // The 职改办 passes every pending dossier in one batch: each moves in its own
    // transaction, and the counts follow each move.
    let office = spawn_second_browser(&app).await;
    office.login_as(&app, "zhigaiban").await;
    let doc = page(&office, "/office/applications").await;
    let expected = attr(&doc, "#batch input[name=expected]", "value").unwrap();
    assert!(
        expected.parse::<i64>().unwrap() > 1,
        "seeded dossiers wait at the office: {expected}"
    );
    let tab = |doc: &scraper::Html| texts(doc, ".tabs a").join(" ");
    let before = tab(&doc);
    let res = office
        .post(
            "/office/applications/batch",
            &[
                ("all", "1"),
                ("expected", &expected),
                ("status", "office_pending"),
                ("q", ""),
                ("opinion", "材料齐全，初审通过"),
            ],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_counts_kept(&app, "after the batch").await;
    let doc = page(&office, "/office/applications").await;
    assert_ne!(tab(&doc), before, "the tabs show the moved counts");
    assert!(
        doc.root_element()
            .text()
            .collect::<String>()
            .contains("共 0 件符合筛选条件"),
        "the pending tab is empty after passing all of it"
    );

    // The usual filters are answered from the kept counts, and agree with a full count.
    let [_, office_scope, _] = desks(&app).await;
    let any = zc_db::review_queue::queue(
        &app.db,
        office_scope,
        &QueueFilter {
            status: ApplicationStatus::CommitteePending.code().into(),
            ..Default::default()
        },
        1,
        zc_db::review_queue::PageStart::Offset(0),
    )
    .await
    .unwrap();
    let row = zc_db::applications::find(&app.db, any[0].id)
        .await
        .unwrap()
        .unwrap();
    let filter = QueueFilter {
        status: row.status.code().into(),
        year: Some(row.year),
        series_id: Some(row.series_id),
        level_rank: Some(row.level_rank),
        committee_id: row.committee_id,
        kind: row.kind.code().into(),
        ..Default::default()
    };
    let counted = zc_db::review_queue::queue_count(&app.db, office_scope, &filter)
        .await
        .unwrap();
    assert!(counted >= 1);
    let kept = queue_tally::desk_counts(&app.db, office_scope)
        .await
        .unwrap();
    assert_eq!(
        kept.matching(&filter),
        Some(counted),
        "read from the kept counts"
    );
    assert_eq!(
        queue_tally::queue_total(&app.db, office_scope, &filter, &kept)
            .await
            .unwrap(),
        QueueTotal::Exact(counted)
    );
}

/// Follows 下一页 from `path` to the end; the numbers seen, in order.
async fn walk(b: &SecondBrowser, path: &str) -> (Vec<String>, Vec<String>) {
    let (mut seen, mut links) = (Vec::new(), Vec::new());
    let mut next = Some(path.to_string());
    while let Some(p) = next {
        let doc = page(b, &p).await;
        seen.extend(ids(&doc));
        next = attr(&doc, ".pager a[rel=next]", "href");
        links.extend(next.clone());
        assert!(links.len() < 50, "the walk ends");
    }
    (seen, links)
}

#[tokio::test]
async fn deep_pages_follow_the_keyset_and_a_filter_the_counts_cannot_answer_is_bounded() {
    let app = spawn_app().await;
    let shape = SeedShape {
        status: Some(ApplicationStatus::UnitPending),
        one_unit: true,
    };
    seed(&app, 1, 1_010, shape).await;
    let [unit_scope, ..] = desks(&app).await;
    let pending = QueueFilter {
        status: ApplicationStatus::UnitPending.code().into(),
        sort: QueueSort::SubmittedAsc,
        ..Default::default()
    };
    let all = zc_db::review_queue::queue_ids(&app.db, unit_scope, &pending)
        .await
        .unwrap();
    assert!(all.len() >= 1_010);
    let all: Vec<String> = all.iter().map(|id| format!("#{id}")).collect();
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;

    // Without a filter the tab's count is exact.
    let doc = page(&unit, "/unit/applications?per_page=100").await;
    assert_eq!(
        texts(&doc, ".pager-total"),
        [format!("共 {} 条", all.len())]
    );

    // A date filter is counted only up to 1,000, said as such, and offers no "select all";
    // 下一页 still reaches every line, once, in order.
    let path = "/unit/applications?per_page=100&from=2000-01-01";
    let doc = page(&unit, path).await;
    assert_eq!(texts(&doc, ".pager-total"), ["超过 1000 条"]);
    let body = doc.root_element().text().collect::<String>();
    assert!(body.contains("超过 1000 件符合筛选条件"), "{body}");
    assert!(body.contains("请缩小筛选范围后再选择全部"));
    assert!(attr(&doc, "input[name=all]", "value").is_none());
    let (seen, links) = walk(&unit, path).await;
    assert_eq!(seen, all, "every line once, in submission order");
    assert!(links.iter().all(|l| l.contains("after=")), "{links:?}");

    // Newest first walks the same lines backwards.
    let (seen, _) = walk(&unit, "/unit/applications?per_page=100&sort=newest").await;
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(seen, reversed);

    // The 花名册 export reads the same desk in chunks: after the last line where the sort
    // allows, by offset for the sort by name; either way every line once, in order.
    for sort in [
        QueueSort::SubmittedAsc,
        QueueSort::SubmittedDesc,
        QueueSort::Name,
    ] {
        let filter = QueueFilter {
            sort,
            ..pending.clone()
        };
        let (chunks, read) = roster_in_chunks(&app, unit_scope, &filter).await;
        let expected = zc_db::review_queue::queue_ids(&app.db, unit_scope, &filter)
            .await
            .unwrap();
        assert_eq!(read, expected, "{sort:?}: every line once, in order");
        let keyset = chunks
            .iter()
            .skip(1)
            .all(|s| matches!(s, PageStart::After(_)));
        assert_eq!(keyset, sort != QueueSort::Name, "{sort:?}: {chunks:?}");
    }
}

/// Reads a desk's 花名册 lines a hundred at a time as the export does; the starts used
/// and the ids read.
async fn roster_in_chunks(
    app: &TestApp,
    scope: QueueScope,
    filter: &QueueFilter,
) -> (Vec<PageStart>, Vec<i64>) {
    let (mut starts, mut ids) = (vec![PageStart::Offset(0)], Vec::new());
    loop {
        let start = *starts.last().unwrap();
        let rows = zc_db::review_queue::roster(&app.db, scope, filter, 100, start)
            .await
            .unwrap();
        ids.extend(rows.iter().map(|r| r.id));
        if rows.len() < 100 {
            return (starts, ids);
        }
        let read = i64::try_from(ids.len()).unwrap();
        starts.push(zc_db::review_queue::next_chunk(&rows, filter.sort, read));
    }
}

#[tokio::test]
async fn the_busiest_queue_reads_its_index_in_submission_order_without_sorting() {
    let app = spawn_app().await;
    let [unit, office, _] = desks(&app).await;
    for (scope, index) in [
        (office, "application_office_status_submitted"),
        (unit, "application_unit_status_submitted"),
    ] {
        let filter = QueueFilter {
            status: ApplicationStatus::OfficePending.code().into(),
            year: Some(2026),
            series_id: Some(1),
            ..Default::default()
        };
        let after = zc_db::review_queue::After {
            submitted_at: chrono::Utc::now(),
            id: 7,
        };
        for (page, start) in [("first page", None), ("下一页", Some(after))] {
            let plan = queue_tally::explain_page(&app.db, scope, &filter, start)
                .await
                .unwrap()
                .join("\n");
            assert!(
                plan.contains(index),
                "{scope:?} {page} uses {index}:\n{plan}"
            );
            assert!(
                !plan.contains("TEMP B-TREE") && !plan.contains("Sort"),
                "{scope:?} {page} reads in order, no sort step:\n{plan}"
            );
            if start.is_some() {
                // The position bounds the index range instead of filtering row by row.
                assert!(
                    plan.contains("submitted_at>?") || plan.contains("ROW(submitted_at, id) >"),
                    "{scope:?} 下一页 starts inside the index:\n{plan}"
                );
            }
        }
    }
}
