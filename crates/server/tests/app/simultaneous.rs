//! A deadline day at its worst: many more people act at the same moment than the server has
//! database connections. Every one of them must succeed exactly once — applicants pressing
//! 同意并报送, the unit's 审核通过并报送, the 职改办's 批量通过 — and a database that is truly
//! too busy answers 503 "系统繁忙" with `Retry-After`, never a 500, and never signs anyone out.

use std::{collections::HashMap, sync::Arc};

use reqwest::StatusCode;
use tokio::sync::Barrier;

use crate::{
    applications::{create, fill_everything, submit_with},
    helpers::{SecondBrowser, TestApp, attr, html, location, spawn_app_with, spawn_second_browser},
    review_chain::status,
    unit_review::office_staff_for,
};

/// More simultaneous people than the pool has connections.
const PEOPLE: usize = 64;
const POOL: u32 = 8;
const PASSWORD: &str = "Deadline-Day-2026";

/// How many progress lines each dossier has that left `from` (history is the auditor's
/// proof that each action happened once).
async fn moves_from(app: &TestApp, ids: &[i64], from: &str) -> HashMap<i64, i64> {
    let rows: Vec<(i64, i64)> = zc_db::with_pool!(&app.db, p => sqlx::query_as(
        "SELECT application_id, COUNT(*) FROM application_event WHERE from_status = $1 \
         GROUP BY application_id").bind(from).fetch_all(p).await)
    .unwrap();
    rows.into_iter()
        .filter(|(id, _)| ids.contains(id))
        .collect()
}

async fn statuses(app: &TestApp, ids: &[i64]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        out.push(status(app, *id).await);
    }
    out
}

/// The demo applicant fills one complete dossier; `PEOPLE` seeded applicants get a copy
/// each, and each signs in on a browser of their own.
async fn people_with_complete_drafts(app: &TestApp) -> Vec<(SecondBrowser, i64)> {
    people_with_complete_drafts_of(app, PEOPLE).await
}

async fn people_with_complete_drafts_of(app: &TestApp, count: usize) -> Vec<(SecondBrowser, i64)> {
    app.login_applicant().await;
    let template = create(app).await;
    fill_everything(app, template).await;
    let drafts = zc_services::bulk_seed::seed_ready_drafts(
        &app.db,
        &app.vault,
        template,
        900_000,
        count as u64,
        PASSWORD,
    )
    .await
    .unwrap();
    let mut people = Vec::new();
    for d in drafts {
        let b = spawn_second_browser(app).await;
        let res = b.login_applicant_with(app, &d.email, PASSWORD).await;
        assert_eq!(location(&res), "/my", "{} signs in", d.email);
        people.push((b, d.application_id));
    }
    people
}

/// Sends every prepared request at the same instant; the answers in order.
async fn all_at_once<F, Fut>(count: usize, send: F) -> Vec<reqwest::Response>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Response> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(count));
    let mut tasks = Vec::new();
    for i in 0..count {
        let barrier = barrier.clone();
        let request = send(i);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            request.await
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// What a failed answer showed the person, for the assertion message.
fn shown(res: &reqwest::Response) -> String {
    format!("{} → {}", res.status(), location(res))
}

#[tokio::test]
async fn sixty_four_people_act_at_once_through_eight_connections_and_each_succeeds_once() {
    let app = spawn_app_with(|c| c.db_max_connections = POOL).await;
    let people = people_with_complete_drafts(&app).await;
    let ids: Vec<i64> = people.iter().map(|(_, id)| *id).collect();

    // 同意并报送: every form is open on its person's screen, then all press at once.
    let mut forms = Vec::new();
    for (b, id) in &people {
        let page = b.get(&format!("/my/applications/{id}/submit")).await;
        let doc = html(&page.text().await.unwrap());
        let token = attr(&doc, "input[name=token]", "value").expect("nothing missing");
        let csrf = attr(&doc, "meta[name=csrf-token]", "content").unwrap();
        forms.push((
            b.client(),
            b.url(&format!("/my/applications/{id}/submit")),
            token,
            csrf,
        ));
    }
    let forms = Arc::new(forms);
    let press = |forms: Arc<Vec<(reqwest::Client, String, String, String)>>| {
        move |i: usize| {
            let (client, url, token, csrf) = forms[i].clone();
            async move {
                client
                    .post(url)
                    .form(&[
                        ("token", token.as_str()),
                        ("pledge", "yes"),
                        ("_csrf", &csrf),
                    ])
                    .send()
                    .await
                    .unwrap()
            }
        }
    };
    let answers = all_at_once(PEOPLE, press(forms.clone())).await;
    for (res, id) in answers.iter().zip(&ids) {
        assert_eq!(
            location(res),
            format!("/my/applications/{id}/progress?submitted=1"),
            "报送 of #{id} answered {}",
            shown(res)
        );
    }
    assert!(
        statuses(&app, &ids)
            .await
            .iter()
            .all(|s| s == "unit_pending")
    );
    let submitted = moves_from(&app, &ids, "draft").await;
    assert_eq!(submitted.len(), PEOPLE);
    assert!(
        submitted.values().all(|n| *n == 1),
        "one 报送 line each: {submitted:?}"
    );

    // Everyone presses again (a lost answer, an impatient second click): they see their
    // submitted dossier, and nothing happens twice.
    let again = all_at_once(PEOPLE, press(forms)).await;
    for (res, id) in again.iter().zip(&ids) {
        assert_eq!(
            location(res),
            format!("/my/applications/{id}/progress?submitted=1"),
            "{}",
            shown(res)
        );
    }
    assert_eq!(moves_from(&app, &ids, "draft").await, submitted);
    let (b, id) = &people[0];
    let progress = b.get(&format!("/my/applications/{id}/progress")).await;
    assert_eq!(
        progress.status(),
        StatusCode::OK,
        "still signed in, shown the dossier"
    );

    // 审核通过并报送: the unit reviewer sends every dossier on at once (after the internal
    // publicity has run its course).
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    let start = (zc_domain::calendar::china_date(chrono::Utc::now()) - chrono::Duration::days(30))
        .to_string();
    for id in &ids {
        crate::unit_review::backdate_submission(&app, *id, 40).await;
        let res = unit
            .post(
                &format!("/unit/applications/{id}/publicity"),
                &[("starts_on", &start)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "publicity of #{id}");
    }
    let csrf = unit.csrf().await;
    let (client, base) = (unit.client(), unit.url(""));
    let ids_for_unit = ids.clone();
    let answers = all_at_once(PEOPLE, move |i| {
        let (client, csrf) = (client.clone(), csrf.clone());
        let url = format!("{base}/unit/applications/{}/decision", ids_for_unit[i]);
        async move {
            client
                .post(url)
                .form(&[
                    ("decision", "forward"),
                    ("opinion", "同意推荐申报"),
                    ("_csrf", &csrf),
                ])
                .send()
                .await
                .unwrap()
        }
    })
    .await;
    for (res, id) in answers.iter().zip(&ids) {
        assert_eq!(
            location(res),
            "/unit/applications",
            "forward of #{id}: {}",
            shown(res)
        );
    }
    let forwarded = moves_from(&app, &ids, "unit_pending").await;
    assert_eq!(forwarded.len(), PEOPLE);
    assert!(forwarded.values().all(|n| *n == 1), "{forwarded:?}");

    // 批量通过: the 职改办 sends eight batches of eight chosen dossiers at the same moment.
    let office = office_staff_for(&app, ids[0], "piliang1").await;
    assert!(
        statuses(&app, &ids)
            .await
            .iter()
            .all(|s| s == "office_pending")
    );
    let csrf = office.csrf().await;
    let (client, base) = (office.client(), office.url("/office/applications/batch"));
    let batches: Vec<Vec<i64>> = ids.chunks(PEOPLE / 8).map(<[i64]>::to_vec).collect();
    let batches = Arc::new(batches);
    let chosen = batches.clone();
    let answers = all_at_once(8, move |i| {
        let (client, base, csrf) = (client.clone(), base.clone(), csrf.clone());
        let mut form: Vec<(String, String)> = chosen[i]
            .iter()
            .map(|id| ("ids".into(), id.to_string()))
            .collect();
        form.push(("opinion".into(), "材料齐全，初审通过".into()));
        form.push(("_csrf".into(), csrf));
        async move { client.post(base).form(&form).send().await.unwrap() }
    })
    .await;
    for res in &answers {
        assert!(
            location(res).contains(&format!("done={}&skipped=0", PEOPLE / 8)),
            "{}",
            shown(res)
        );
    }
    let passed = moves_from(&app, &ids, "office_pending").await;
    assert_eq!(passed.len(), PEOPLE);
    assert!(passed.values().all(|n| *n == 1), "{passed:?}");
}

#[tokio::test]
async fn a_busy_database_answers_503_with_retry_after_and_keeps_people_signed_in() {
    let app = spawn_app_with(|c| {
        c.db_max_connections = 3;
        c.db_wait_seconds = 1;
        c.worker = false;
    })
    .await;
    app.login_applicant().await;
    let id = create(&app).await;
    fill_everything(&app, id).await;
    let (_, doc) = app.get_html(&format!("/my/applications/{id}/submit")).await;
    let token = attr(&doc, "input[name=token]", "value").expect("nothing missing");

    // Someone else is writing this very dossier and does not let go in time.
    let other = hold_dossier(&app, id).await;
    let res = app
        .post_form(
            &format!("/my/applications/{id}/submit"),
            &[("token", &token), ("pledge", "yes")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("5")
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("系统繁忙，请稍后重试"), "{page}");
    drop(other);
    assert_eq!(status(&app, id).await, "draft", "nothing was written");

    // Every connection taken: even reading the session must wait, and then say so.
    let held = hold_every_connection(&app, 3).await;
    let res = app.get("/my").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key("retry-after"));
    assert!(res.text().await.unwrap().contains("系统繁忙"));
    drop(held);

    // Once the rush is over the same person is still signed in, and the same form goes
    // through exactly once.
    let res = app.get("/my").await;
    assert_eq!(res.status(), StatusCode::OK, "not sent to the login page");
    submit_with(&app, id, &token).await;
    assert_eq!(moves_from(&app, &[id], "draft").await.get(&id), Some(&1));
}

/// Another writer changing dossier `id` that does not let go until dropped (on SQLite it
/// also holds the only writer's turn).
async fn hold_dossier(app: &TestApp, id: i64) -> zc_db::Tx {
    let mut tx = app.db.begin_write().await.unwrap();
    zc_db::with_tx!(&mut tx, c => sqlx::query(
        "UPDATE application SET updated_at = updated_at WHERE id = $1")
        .bind(id).execute(&mut **c).await.map(|_| ()))
    .unwrap();
    tx
}

/// Takes `n` pooled connections away from the server until the guard is dropped.
async fn hold_every_connection(app: &TestApp, n: usize) -> Vec<Box<dyn std::any::Any + Send>> {
    let mut held: Vec<Box<dyn std::any::Any + Send>> = Vec::new();
    for _ in 0..n {
        match &app.db {
            zc_db::Db::Sqlite(p, ..) => held.push(Box::new(p.acquire().await.unwrap())),
            zc_db::Db::Postgres(p, ..) => held.push(Box::new(p.acquire().await.unwrap())),
        }
    }
    held
}

#[tokio::test]
async fn a_batch_that_meets_a_busy_database_reports_what_it_did_and_what_is_left() {
    let app = spawn_app_with(|c| {
        c.db_wait_seconds = 1;
        c.worker = false;
    })
    .await;
    let people = people_with_complete_drafts_of(&app, 2).await;
    let ids: Vec<i64> = people.iter().map(|(_, id)| *id).collect();
    for (b, id) in &people {
        let doc = html(
            &b.get(&format!("/my/applications/{id}/submit"))
                .await
                .text()
                .await
                .unwrap(),
        );
        let token = attr(&doc, "input[name=token]", "value").unwrap();
        let res = b
            .post(
                &format!("/my/applications/{id}/submit"),
                &[("token", &token), ("pledge", "yes")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let unit = spawn_second_browser(&app).await;
    unit.login_as(&app, "shenhe").await;
    let start = (zc_domain::calendar::china_date(chrono::Utc::now()) - chrono::Duration::days(30))
        .to_string();
    for id in &ids {
        crate::unit_review::backdate_submission(&app, *id, 40).await;
        unit.post(
            &format!("/unit/applications/{id}/publicity"),
            &[("starts_on", &start)],
        )
        .await;
    }

    // Someone holds the second dossier (on SQLite: the only writer's turn) past the wait.
    let other = hold_dossier(&app, ids[1]).await;
    let mut form: Vec<(&str, String)> = ids.iter().map(|id| ("ids", id.to_string())).collect();
    form.push(("opinion", "同意推荐申报".into()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = unit.post("/unit/applications/batch", &fields).await;
    drop(other);
    let to = location(&res);
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "not an error page: {to}"
    );
    let count = |key: &str| -> u64 {
        to.split(['?', '&'])
            .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{key} in {to}"))
    };
    let (done, unfinished) = (count("done"), count("unfinished"));
    assert!(unfinished >= 1, "the held dossier was not decided: {to}");
    assert_eq!(done + unfinished, 2);
    let moved = moves_from(&app, &ids, "unit_pending").await;
    assert_eq!(
        moved.values().sum::<i64>() as u64,
        done,
        "what it reports is what happened"
    );
    let doc = html(&unit.get(&to).await.text().await.unwrap());
    assert_eq!(
        crate::helpers::texts(&doc, "#batch-unfinished"),
        [format!(
            "系统繁忙，尚有{unfinished}件未办理，请稍后再次批量办理。"
        )]
    );
}

#[tokio::test]
async fn signed_in_pages_move_the_idle_deadline_at_most_once_a_minute() {
    let app = spawn_app_with(|c| c.worker = false).await;
    app.login_applicant().await;
    let row = || async {
        let (data, expiry): (String, chrono::DateTime<chrono::Utc>) =
            zc_db::with_pool!(&app.db, p => sqlx::query_as(
                "SELECT data, expiry_date FROM session WHERE account_id IS NOT NULL \
                 ORDER BY expiry_date DESC LIMIT 1")
                .fetch_one(p).await)
            .unwrap();
        (data, expiry)
    };
    assert_eq!(app.get("/my").await.status(), StatusCode::OK);
    let (data, deadline) = row().await;
    for _ in 0..3 {
        assert_eq!(app.get("/my").await.status(), StatusCode::OK);
    }
    assert_eq!(
        row().await,
        (data.clone(), deadline),
        "pages within a minute write nothing"
    );

    // A minute and more later (the last move pushed back), the next page moves the deadline.
    let mut old: serde_json::Value = serde_json::from_str(&data).unwrap();
    old["touched_at"] = serde_json::json!(chrono::Utc::now().timestamp() - 120);
    let soon = chrono::Utc::now() + chrono::Duration::minutes(5);
    zc_db::with_pool!(&app.db, p => sqlx::query("UPDATE session SET data = $1, expiry_date = $2 WHERE expiry_date = $3")
        .bind(old.to_string()).bind(soon).bind(deadline).execute(p).await.map(|_| ()))
    .unwrap();
    app.db.announce(zc_db::memo::Forget::All).await.unwrap();
    assert_eq!(
        app.get("/my").await.status(),
        StatusCode::OK,
        "still signed in"
    );
    let (_, moved) = row().await;
    assert!(
        moved > soon + chrono::Duration::minutes(20),
        "the idle deadline moved to half an hour from now: {moved}"
    );
}
