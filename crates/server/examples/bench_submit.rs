//! 报送高峰 — many applicants press 同意并报送 at the same instant, run by
//! `scripts/bench_submit.sh`. The platform starts with its demo data and the settings of
//! the `ZC_*` variables (`ZC_DATA_DIR`, `ZC_DATABASE_URL`, `ZC_DB_MAX_CONNECTIONS`); the
//! demo applicant fills one complete dossier through the forms, `people` seeded applicants
//! get a copy each and sign in, open the 审核报送 page, and then all press at once. Each
//! round reports the errors, the time until the last answer and the p50 / p99 of the
//! answers, then checks the database: every dossier submitted, one 报送 line each.
//!
//! `bench_submit [people] [rounds]` (defaults 64 and 5).

use std::{sync::Arc, time::Instant};

use tokio::sync::Barrier;
use zhicheng::{Application, Config};

mod support;

use support::{
    applicant_sign_in as sign_in,
    dossier::{self, Site, csrf_in, location_of},
    percentile,
};

const PASSWORD: &str = "Deadline-Day-2026";

/// One prepared press of 同意并报送: the person's browser, the form's address and fields.
struct Press {
    client: reqwest::Client,
    url: String,
    token: String,
    csrf: String,
    application_id: i64,
}

async fn prepare(base: &str, email: &str, application_id: i64) -> anyhow::Result<Press> {
    let client = sign_in(base, email, PASSWORD).await?;
    let url = format!("{base}/my/applications/{application_id}/submit");
    let page = client.get(&url).send().await?.text().await?;
    let doc = scraper::Html::parse_document(&page);
    let sel = scraper::Selector::parse("input[name=token]").expect("selector");
    let token = doc
        .select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .ok_or_else(|| anyhow::anyhow!("#{application_id} is not ready to submit"))?
        .to_string();
    let csrf = csrf_in(&page).ok_or_else(|| anyhow::anyhow!("no CSRF token"))?;
    Ok(Press {
        client,
        url,
        token,
        csrf,
        application_id,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let people: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(64);
    let rounds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5);
    let env = std::env::vars().collect();
    let mut config = Config::load(&env)?;
    config.demo = true;
    config.bind = "127.0.0.1:0".into();
    let pool = config.db_max_connections;
    let (app, report) = Application::build(&config).await?;
    let (db, vault) = (app.db(), app.vault());
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));

    let password = report.demo_password.clone().unwrap_or_default();
    let demo = sign_in(&base, zc_services::demo::DEMO_APPLICANT_ID, &password).await?;
    let site = Site {
        client: &demo,
        base: &base,
    };
    let template = dossier::create(&site).await;
    dossier::fill(&site, template).await;

    let backend = format!("{:?}", db.backend());
    println!("backend     pool  people  errors  all answered ms  p50 ms  p99 ms  submitted");
    for round in 0..rounds {
        let drafts = zc_services::bulk_seed::seed_ready_drafts(
            &db,
            &vault,
            template,
            800_000 + round * people,
            people,
            PASSWORD,
        )
        .await?;
        let mut presses = Vec::new();
        for d in &drafts {
            presses.push(prepare(&base, &d.email, d.application_id).await?);
        }
        let barrier = Arc::new(Barrier::new(presses.len() + 1));
        let mut tasks = Vec::new();
        for p in presses {
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let started = Instant::now();
                let res = p
                    .client
                    .post(&p.url)
                    .form(&[
                        ("token", p.token.as_str()),
                        ("pledge", "yes"),
                        ("_csrf", &p.csrf),
                    ])
                    .send()
                    .await;
                let ok = res.as_ref().is_ok_and(|r| {
                    location_of(r)
                        == format!("/my/applications/{}/progress?submitted=1", p.application_id)
                });
                (ok, started.elapsed(), p.application_id)
            }));
        }
        barrier.wait().await;
        let started = Instant::now();
        let mut times = Vec::new();
        let mut errors = 0;
        let mut ids = Vec::new();
        for t in tasks {
            let (ok, took, id) = t.await?;
            errors += usize::from(!ok);
            times.push(took);
            ids.push(id);
        }
        let all = started.elapsed();
        times.sort();
        let submitted = submitted_once(&db, &ids).await?;
        println!(
            "{backend:<10} {pool:>5} {people:>7} {errors:>7} {:>16.0} {:>7.0} {:>7.0}  {submitted}/{people}",
            all.as_secs_f64() * 1000.0,
            percentile(&times, 0.5),
            percentile(&times, 0.99),
        );
    }
    let _ = stop.send(());
    server.await??;
    Ok(())
}

/// How many of `ids` are 单位待受理 with exactly one 报送 line.
async fn submitted_once(db: &zc_db::Db, ids: &[i64]) -> anyhow::Result<usize> {
    let rows: Vec<(i64, i64)> = zc_db::with_pool!(db, p => sqlx::query_as(
        "SELECT e.application_id, COUNT(*) FROM application_event e \
         JOIN application a ON a.id = e.application_id \
         WHERE e.from_status = 'draft' AND a.status = 'unit_pending' GROUP BY e.application_id")
        .fetch_all(p).await)?;
    Ok(rows
        .iter()
        .filter(|(id, n)| ids.contains(id) && *n == 1)
        .count())
}
