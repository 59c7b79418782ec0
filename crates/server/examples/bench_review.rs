//! 审核队列与花名册压测 — run by `scripts/bench_review.sh`, which seeds the data first with
//! `zhicheng seed-applications`. Two modes, each in its own process so the export's peak
//! memory is the export's own:
//!
//! - `queue`: serves the seeded platform and times filtered queue pages for every demo
//!   review desk over loopback (so each figure is server time plus a local round trip);
//! - `export`: writes the 花名册 of one unit's whole queue in one status and reports the
//!   rows, the seconds and the process's peak resident memory.
//!
//! The platform's settings come from `ZC_*` variables as usual (`ZC_DATA_DIR`,
//! `ZC_DATABASE_URL`).

use std::time::Instant;

use zhicheng::{Application, Config};

mod support;

use support::{percentile, staff_sign_in as sign_in};

fn config() -> anyhow::Result<Config> {
    let env = std::env::vars().collect();
    let mut config = Config::load(&env)?;
    config.demo = true;
    config.worker = false;
    config.bind = "127.0.0.1:0".into();
    Ok(config)
}

async fn queue() -> anyhow::Result<()> {
    let (app, report) = Application::build(&config()?).await?;
    let db = app.db();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = rx.await;
    }));
    let password = report.demo_password.clone().unwrap_or_default();
    let total: i64 = zc_db::with_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM application")
        .fetch_one(p).await)?;
    println!("applications in the database: {total}");
    // One demo unit reports through the 住建厅 so the department desk has a queue too.
    zc_db::with_pool!(&db, p => sqlx::query(
        "UPDATE unit SET office_id = (SELECT id FROM office WHERE name = '广西壮族自治区住房和城乡建设厅') \
         WHERE name = '柳州龙城机械制造有限公司'").execute(p).await.map(|_| ()))?;
    let level: i32 = zc_db::with_pool!(&db, p => sqlx::query_scalar(
        "SELECT level_rank FROM application GROUP BY level_rank ORDER BY COUNT(*) DESC LIMIT 1")
        .fetch_one(p).await)?;
    println!(
        "desk                      page                                     rows   p50 ms  p95 ms"
    );
    let desks = [
        ("shenhe", "/unit/applications", "unit_pending"),
        ("zhuguan", "/office/applications", "department_pending"),
        ("nanning", "/office/applications", "office_pending"),
    ];
    for (login, path, status) in desks {
        let client = sign_in(&base, &db, login, &password, &report.demo_totp).await?;
        // Search for someone really in this queue: the first line's name and ID tail.
        let first = client
            .get(format!("{base}{path}?status={status}"))
            .send()
            .await?
            .text()
            .await?;
        let cell = |label: &str| {
            let doc = scraper::Html::parse_document(&first);
            let sel = scraper::Selector::parse(&format!("tbody td[data-label={label}]"))
                .expect("selector");
            doc.select(&sel)
                .next()
                .map(|e| e.text().collect::<String>())
                .unwrap_or_default()
        };
        let name = cell("姓名");
        let tail: String = cell("证件号码")
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let pages = [
            format!("{path}?status={status}"),
            format!("{path}?status={status}&q={name}"),
            format!("{path}?status={status}&q={tail}"),
            format!("{path}?status={status}&level={level}&sort=newest&per_page=50"),
            format!("{path}?status={status}&from=2020-01-01&page=20"),
        ];
        for url in pages {
            let mut times = Vec::with_capacity(200);
            let mut rows = String::new();
            for i in 0..220 {
                let started = Instant::now();
                let res = client.get(format!("{base}{url}")).send().await?;
                anyhow::ensure!(res.status().is_success(), "{login} {url}: {}", res.status());
                let body = res.text().await?;
                if i >= 20 {
                    times.push(started.elapsed());
                } else if i == 0 {
                    rows = body
                        .split("<p class=\"hint\">共 ")
                        .nth(1)
                        .and_then(|t| t.split(' ').next())
                        .unwrap_or("?")
                        .to_string();
                }
            }
            times.sort();
            println!(
                "{login:<10} {url:<65} {rows:>5} {:>8.1} {:>7.1}",
                percentile(&times, 0.5),
                percentile(&times, 0.95)
            );
        }
    }
    let _ = tx.send(());
    server.await??;
    Ok(())
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

async fn export(status: &str) -> anyhow::Result<()> {
    let config = config()?;
    let storage = config.storage()?;
    let (app, _) = Application::build(&config).await?;
    let db = app.db();
    let vault = app.vault();
    let unit: i64 = zc_db::with_pool!(&db, p => sqlx::query_scalar(
        "SELECT id FROM unit WHERE status = 'approved' ORDER BY id LIMIT 1").fetch_one(p).await)?;
    let staff: i64 = zc_db::with_pool!(&db, p => sqlx::query_scalar(
        "SELECT id FROM account WHERE login_name = 'shenhe'").fetch_one(p).await)?;
    let request = zc_services::roster_export::RosterRequest {
        scope: zc_db::review_queue::QueueScope::Unit(unit),
        filter: zc_db::review_queue::QueueFilter {
            status: status.to_string(),
            ..Default::default()
        },
        columns: zc_services::roster_export::ROSTER_COLUMNS
            .iter()
            .map(|(c, _, _)| c.to_string())
            .collect(),
        reveal: true,
        exported_by: "压测".into(),
    };
    let mut tx = db.begin_write().await?;
    let id = zc_db::exports::insert(
        &mut tx,
        staff,
        "roster",
        "压测花名册",
        &serde_json::to_string(&request)?,
        chrono::Utc::now() + chrono::Duration::days(1),
    )
    .await?;
    tx.commit().await?;
    let row = zc_db::exports::find(&db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("export #{id} was not written"))?;
    let before = peak_rss_mb();
    let started = Instant::now();
    let (key, rows) = zc_services::roster_export::write(&db, &vault, &storage, &row).await?;
    let took = started.elapsed().as_secs_f64();
    let size = storage.open(&key).await?.map_or(0, |f| f.size);
    println!(
        "花名册: {rows} rows, all 12 columns, full numbers opened: {took:.2} s, file {:.1} MB, \
         peak RSS {:.0} MB (before the export {:.0} MB)",
        size as f64 / 1e6,
        peak_rss_mb(),
        before
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("queue") => queue().await,
        Some("export") => export(args.get(2).map_or("unit_pending", String::as_str)).await,
        _ => anyhow::bail!("usage: bench_review queue | export [status]"),
    }
}
