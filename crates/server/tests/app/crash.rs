//! kill -9 in the middle of 报送: sixty-four applicants press 同意并报送 against the real
//! server process, which is killed without warning while the answers come back. After a
//! restart every submission the server acknowledged is there, submitted once, and the
//! database is whole: SQLite's integrity check, the audit chain and the kept queue counts.
//! SQLite only: this is about our WAL settings; PostgreSQL's durability is its own.

use std::{
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use tokio::sync::Barrier;
use zc_db::review_queue::QueueScope;
use zhicheng::{Application, Config};

use crate::dossier::{self, Site, csrf_in, location_of};

const PASSWORD: &str = "Crash-Test-2026";
const PEOPLE: usize = 64;

fn config(dir: &std::path::Path, port: u16) -> Config {
    let env = [
        ("ZC_DATA_DIR", dir.to_string_lossy().to_string()),
        ("ZC_BIND", format!("127.0.0.1:{port}")),
        ("ZC_LOG_LEVEL", "error".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut config = Config::load(&env).expect("config");
    config.demo = true;
    config.worker = false;
    config
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The server binary on `dir`, answering at `port` once this returns.
async fn start(dir: &std::path::Path, port: u16) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhicheng"))
        .env("ZC_DATA_DIR", dir)
        .env("ZC_BIND", format!("127.0.0.1:{port}"))
        .env("ZC_LOG_LEVEL", "error")
        .env("ZC_WORKER", "false")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let health = format!("http://127.0.0.1:{port}/healthz");
    for _ in 0..200 {
        if reqwest::get(&health)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not answer at {health}");
}

/// A signed-in applicant in front of the 报送 form of their complete draft.
struct Press {
    client: reqwest::Client,
    url: String,
    form: Vec<(&'static str, String)>,
    id: i64,
}

async fn sign_in(base: &str, identifier: &str, password: &str) -> reqwest::Client {
    dossier::applicant_signed_in(base, identifier, password)
        .await
        .unwrap_or_else(|| panic!("{identifier} signs in"))
}

#[tokio::test]
async fn acknowledged_submissions_survive_a_kill_9_and_the_database_stays_whole() {
    if zc_db::test_support::postgres_url().is_some() {
        eprintln!("crash test: SQLite only (PostgreSQL's durability is its own)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();

    // Demo data and 64 complete drafts, prepared in-process, then the process is left.
    let (app, report) = Application::build(&config(dir.path(), 0)).await.unwrap();
    let (db, vault) = (app.db(), app.vault());
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let demo_password = report.demo_password.clone().unwrap();
    let demo = sign_in(&base, zc_services::demo::DEMO_APPLICANT_ID, &demo_password).await;
    let site = Site {
        client: &demo,
        base: &base,
    };
    let template = dossier::create(&site).await;
    dossier::fill(&site, template).await;
    let drafts = zc_services::bulk_seed::seed_ready_drafts(
        &db,
        &vault,
        template,
        700_000,
        PEOPLE as u64,
        PASSWORD,
    )
    .await
    .unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    db.close().await;

    // The real server process; everyone signs in and opens the 报送 form.
    let mut child = start(dir.path(), port).await;
    let base = format!("http://127.0.0.1:{port}");
    let mut presses = Vec::new();
    for d in &drafts {
        let client = sign_in(&base, &d.email, PASSWORD).await;
        let url = format!("{base}/my/applications/{}/submit", d.application_id);
        let page = client.get(&url).send().await.unwrap().text().await.unwrap();
        let token = scraper::Html::parse_document(&page)
            .select(&scraper::Selector::parse("input[name=token]").unwrap())
            .next()
            .and_then(|e| e.value().attr("value").map(str::to_string))
            .expect("ready to submit");
        let form = vec![
            ("token", token),
            ("pledge", "yes".to_string()),
            ("_csrf", csrf_in(&page).unwrap()),
        ];
        presses.push(Press {
            client,
            url,
            form,
            id: d.application_id,
        });
    }

    // All press at once; the server is killed once a quarter have been answered.
    let barrier = Arc::new(Barrier::new(PEOPLE + 1));
    let (acked_tx, mut acked_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = Vec::new();
    for p in presses {
        let (barrier, acked) = (barrier.clone(), acked_tx.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let res = p.client.post(&p.url).form(&p.form).send().await;
            let ok = res.as_ref().is_ok_and(|r| {
                location_of(r) == format!("/my/applications/{}/progress?submitted=1", p.id)
            });
            if ok {
                let _ = acked.send(p.id);
            }
            (p.id, ok)
        }));
    }
    drop(acked_tx);
    barrier.wait().await;
    let mut acknowledged = Vec::new();
    while acknowledged.len() < PEOPLE / 4 {
        acknowledged.push(acked_rx.recv().await.expect("the server acknowledges some"));
    }
    child.kill().expect("kill -9"); // SIGKILL: no shutdown, no flush
    child.wait().unwrap();
    let mut refused = 0;
    for t in tasks {
        let (id, ok) = t.await.unwrap();
        if ok && !acknowledged.contains(&id) {
            acknowledged.push(id);
        }
        refused += usize::from(!ok);
    }
    eprintln!(
        "kill -9 after a quarter answered: {} acknowledged, {refused} unanswered",
        acknowledged.len()
    );
    assert!(
        refused > 0,
        "the kill came before every answer ({} acknowledged)",
        acknowledged.len()
    );

    // Restarted: every acknowledged submission is there, submitted exactly once.
    let mut child = start(dir.path(), port).await;
    let db = zc_db::Db::connect(
        &format!("sqlite://{}", dir.path().join("zhicheng.db").display()),
        &zc_db::DbOptions::default(),
    )
    .await
    .unwrap();
    // Unanswered ones are whole either way: submitted with their history, or still drafts.
    for d in &drafts {
        let id = d.application_id;
        let row = zc_db::applications::find(&db, id).await.unwrap().unwrap();
        let moves: i64 = zc_db::with_pool!(&db, p => sqlx::query_scalar(
            "SELECT COUNT(*) FROM application_event WHERE application_id = $1 AND from_status = 'draft'")
            .bind(id).fetch_one(p).await)
        .unwrap();
        match row.status.code() {
            "unit_pending" => assert_eq!(moves, 1, "#{id} submitted once, its history says so"),
            "draft" => {
                assert!(!acknowledged.contains(&id), "#{id} was acknowledged");
                assert_eq!(moves, 0, "#{id} has no history of a submission it lost");
            }
            other => panic!("#{id} is {other}"),
        }
    }
    let integrity: String =
        zc_db::with_pool!(&db, p => sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(p).await)
        .unwrap();
    assert_eq!(integrity, "ok");
    let unit = zc_db::applications::find(&db, acknowledged[0])
        .await
        .unwrap()
        .unwrap()
        .unit_id;
    let scope = QueueScope::Unit(unit);
    let mut kept = zc_db::queue_tally::desk_counts(&db, scope)
        .await
        .unwrap()
        .by_status();
    kept.retain(|(_, n)| *n != 0);
    kept.sort();
    let counted = zc_db::queue_tally::status_counts_counted(&db, scope)
        .await
        .unwrap();
    assert_eq!(
        kept, counted,
        "kept counts moved with the surviving submissions only"
    );
    db.close().await;
    child.kill().unwrap();
    child.wait().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_zhicheng"))
        .args(["admin", "verify-audit"])
        .env("ZC_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("哈希链校验通过"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
