//! 缴费高峰 — the money path at deadline-day size, run by `scripts/bench_fees.sh` after
//! `zhicheng seed-applications --count N --status awaiting_fee` (every seeded dossier gets
//! its order as 初审通过 gives it). Three measurements over loopback, release build:
//!
//! - `/my/fees` (费用管理): `people` applicants signed in, each reloading their list as
//!   fast as the server answers for `seconds`;
//! - `/office/fees` (缴费管理) for the 职改办 with the most orders: the list with its
//!   totals, a status filter, an order-number search and a deep page, 200 times each;
//! - notifies: `notifies` orders opened at the cashier (立即支付 through the service, as the
//!   button does), then that many trade notifies, signed as Alipay signs them, posted by
//!   `people` senders at once; then the same notifies again (Alipay repeats them), which
//!   must change nothing. The database is checked after each round: every order 已支付
//!   once, every dossier moved on with one 缴费 line.
//!
//! `bench_fees [people] [seconds] [notifies]` (defaults 64, 10, 5000).

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use zc_domain::payment::Fen;
use zc_integrations::alipay::{SigningKey, sign::notify_content};
use zc_services::payments::orders::{self, ReturnTo};
use zhicheng::{Application, Config};

mod support;

use support::{applicant_sign_in, percentile, staff_sign_in};

const PASSWORD: &str = "Deadline-Day-2026";
/// The simulator's APPID and PID (see `zhicheng::payments`).
const APP_ID: &str = "9021000000000001";
const SELLER_ID: &str = "2088000000000001";

fn report(what: &str, n: usize, errors: usize, took: Duration, times: &mut [Duration]) {
    times.sort();
    println!(
        "{what:<44} {n:>7} {errors:>6} {:>9.0} {:>7.1} {:>7.1}",
        n as f64 / took.as_secs_f64(),
        percentile(times, 0.5),
        percentile(times, 0.99)
    );
}

/// The answer times and the errors of every sender.
async fn gather(
    tasks: Vec<tokio::task::JoinHandle<(Vec<Duration>, usize)>>,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut times = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (mut t, e) = t.await?;
        times.append(&mut t);
        errors += e;
    }
    Ok((times, errors))
}

/// `people` applicants with an order reload 费用管理 for `seconds`.
async fn my_fees(base: &str, db: &zc_db::Db, people: usize, seconds: u64) -> anyhow::Result<()> {
    let payers: Vec<(i64, String)> = zc_db::with_pool!(db, p => sqlx::query_as(
        "SELECT o.account_id, a.email FROM payment_order o JOIN applicant a ON a.account_id = o.account_id \
         ORDER BY o.id LIMIT CAST($1 AS BIGINT)").bind(people as i64).fetch_all(p).await)?;
    let hash = zc_services::password_hash::hash(PASSWORD.to_string()).await?;
    let mut clients = Vec::new();
    for (account, email) in &payers {
        zc_db::with_pool!(db, p => sqlx::query("UPDATE account SET password_hash = $1 WHERE id = $2")
            .bind(&hash).bind(account).execute(p).await.map(|_| ()))?;
        clients.push(applicant_sign_in(base, email, PASSWORD).await?);
    }
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in clients {
        let url = format!("{base}/my/fees");
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut errors = 0;
            while Instant::now() < until {
                let t = Instant::now();
                let ok = match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => {
                        r.text().await.is_ok_and(|b| b.contains("id=\"fee-table\""))
                    }
                    _ => false,
                };
                errors += usize::from(!ok);
                times.push(t.elapsed());
            }
            (times, errors)
        }));
    }
    let (mut times, errors) = gather(tasks).await?;
    let took = started.elapsed();
    report(
        &format!("/my/fees, {} people at once", payers.len()),
        times.len(),
        errors,
        took,
        &mut times,
    );
    Ok(())
}

/// 缴费管理 pages for the office with the most orders, one staff member, one at a time.
async fn office_fees(
    base: &str,
    db: &zc_db::Db,
    password: &str,
    totp: &[(String, String)],
) -> anyhow::Result<()> {
    let (office, orders): (i64, i64) = zc_db::with_pool!(db, p => sqlx::query_as(
        "SELECT office_id, COUNT(*) FROM payment_order WHERE office_id IN \
         (SELECT org_id FROM account WHERE org_kind = 'office' AND role = 'office_staff') \
         GROUP BY office_id ORDER BY COUNT(*) DESC LIMIT 1")
        .fetch_one(p).await)?;
    let login: String = zc_db::with_pool!(db, p => sqlx::query_scalar(
        "SELECT login_name FROM account WHERE org_kind = 'office' AND org_id = $1 AND role = 'office_staff' \
         ORDER BY id LIMIT 1").bind(office).fetch_one(p).await)?;
    let sample: String = zc_db::with_pool!(db, p => sqlx::query_scalar(
        "SELECT order_no FROM payment_order WHERE office_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(office).fetch_one(p).await)?;
    let client = staff_sign_in(base, db, &login, password, totp).await?;
    println!("{login} (office {office}) sees {orders} orders");
    let pages = [
        "/office/fees".to_string(),
        "/office/fees?status=pending".to_string(),
        format!("/office/fees?order_no={}", &sample[sample.len() - 8..]),
        "/office/fees?page=500".to_string(),
    ];
    for page in pages {
        let mut times = Vec::new();
        let started = Instant::now();
        let mut errors = 0;
        for i in 0..220 {
            let t = Instant::now();
            let res = client.get(format!("{base}{page}")).send().await?;
            let ok = res.status().is_success() && res.text().await?.contains("id=\"fee-table\"");
            if i >= 20 {
                errors += usize::from(!ok);
                times.push(t.elapsed());
            }
        }
        let took = started.elapsed();
        report(&page, times.len(), errors, took, &mut times);
    }
    Ok(())
}

/// Opens `count` cashiers, then posts their notifies from `people` senders at once, twice.
async fn notifies(
    app_base: &str,
    db: &zc_db::Db,
    gateway: &dyn zc_services::payments::PaymentGateway,
    key: &SigningKey,
    people: usize,
    count: usize,
) -> anyhow::Result<()> {
    let open: Vec<(i64, i64, i64)> = zc_db::with_pool!(db, p => sqlx::query_as(
        "SELECT id, account_id, amount_fen FROM payment_order WHERE status = 'pending' \
         ORDER BY id DESC LIMIT CAST($1 AS BIGINT)").bind(count as i64).fetch_all(p).await)?;
    let back = ReturnTo {
        return_url: "http://127.0.0.1/my/fees/return",
        quit_url: "http://127.0.0.1/my/fees",
    };
    let opening = Instant::now();
    let mut bodies = Vec::new();
    for (n, (order, account, fen)) in open.iter().enumerate() {
        orders::pay(db, gateway, *account, *order, false, back).await?;
        let out_trade_no: String = zc_db::with_pool!(db, p => sqlx::query_scalar(
            "SELECT out_trade_no FROM payment_order WHERE id = $1").bind(order).fetch_one(p).await)?;
        let mut f: BTreeMap<String, String> = [
            ("notify_time", "2026-11-30 10:35:03".to_string()),
            ("notify_type", "trade_status_sync".into()),
            ("notify_id", format!("bench{n}")),
            ("charset", "utf-8".into()),
            ("version", "1.0".into()),
            ("sign_type", "RSA2".into()),
            ("app_id", APP_ID.into()),
            ("seller_id", SELLER_ID.into()),
            ("out_trade_no", out_trade_no),
            ("trade_no", format!("2026113022001{n:09}")),
            ("trade_status", "TRADE_SUCCESS".into()),
            ("total_amount", Fen(*fen).yuan()),
            ("gmt_payment", "2026-11-30 10:35:02".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let sign = key.sign(&notify_content(&f))?;
        f.insert("sign".into(), sign);
        bodies.push(f);
    }
    println!(
        "{} cashiers opened in {:.1} s",
        bodies.len(),
        opening.elapsed().as_secs_f64()
    );
    let bodies = Arc::new(bodies);
    for round in ["notifies, first delivery", "notifies, the same again"] {
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..people {
            let (bodies, next) = (bodies.clone(), next.clone());
            let url = format!("{app_base}/pay/alipay/notify");
            tasks.push(tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut times = Vec::new();
                let mut errors = 0;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else { break };
                    let t = Instant::now();
                    let res = client.post(&url).form(body).send().await;
                    let ok = match res {
                        Ok(r) => r.text().await.is_ok_and(|b| b == "success"),
                        Err(_) => false,
                    };
                    errors += usize::from(!ok);
                    times.push(t.elapsed());
                }
                (times, errors)
            }));
        }
        let (mut times, errors) = gather(tasks).await?;
        let took = started.elapsed();
        report(
            &format!("{round}, {people} senders"),
            times.len(),
            errors,
            took,
            &mut times,
        );
        let ids: Vec<i64> = open.iter().map(|o| o.0).collect();
        let (paid, moved_once) = settled(db, &ids).await?;
        println!(
            "  paid {paid}/{n}, dossiers moved on with one 缴费 line {moved_once}/{n}",
            n = ids.len()
        );
    }
    Ok(())
}

/// How many of the orders are 已支付, and how many of their dossiers are past 待缴费 with
/// exactly one 缴费 line.
async fn settled(db: &zc_db::Db, ids: &[i64]) -> anyhow::Result<(usize, usize)> {
    let rows: Vec<(i64, String, String, i64)> = zc_db::with_pool!(db, p => sqlx::query_as(
        "SELECT o.id, o.status, a.status, \
         (SELECT COUNT(*) FROM application_event e WHERE e.application_id = a.id AND e.step = '缴费') \
         FROM payment_order o JOIN application a ON a.id = o.application_id \
         WHERE o.status = 'paid'").fetch_all(p).await)?;
    let mine: Vec<_> = rows.iter().filter(|r| ids.contains(&r.0)).collect();
    let moved = mine
        .iter()
        .filter(|r| r.2 != "awaiting_fee" && r.3 == 1)
        .count();
    Ok((mine.len(), moved))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let people: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(64);
    let seconds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(10);
    let count: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5000);
    let env = std::env::vars().collect();
    let mut config = Config::load(&env)?;
    config.demo = true;
    config.worker = false;
    config.bind = "127.0.0.1:0".into();
    let (app, report) = Application::build(&config).await?;
    let (db, gateway) = (app.db(), app.payments());
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let total: i64 = zc_db::with_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM payment_order")
        .fetch_one(p).await)?;
    println!("{:?}, {total} orders in the database", db.backend());
    println!(
        "{:<44} {:>7} {:>6} {:>9} {:>7} {:>7}",
        "what", "answers", "errors", "per s", "p50 ms", "p99 ms"
    );
    my_fees(&base, &db, people, seconds).await?;
    let password = report.demo_password.clone().unwrap_or_default();
    office_fees(&base, &db, &password, &report.demo_totp).await?;
    let pem = std::fs::read_to_string(
        config
            .keys_dir()
            .join("alipay-simulator/simulator_private_key.pem"),
    )?;
    let key = SigningKey::parse(&pem)?;
    notifies(&base, &db, gateway.as_ref(), &key, people, count).await?;
    let _ = stop.send(());
    server.await??;
    Ok(())
}
