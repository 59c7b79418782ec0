//! The database story, run on SQLite and — with `TEST_DATABASE_URL` — on PostgreSQL.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use zc_db::{
    Db,
    jobs::{self, Job, JobHandler, Worker},
    reference, seed,
    session_store::DbSessionStore,
    test_support::TestDb,
    with_pool,
};

#[tokio::test]
async fn demo_reference_data_is_complete_and_seeded_once() {
    let t = TestDb::new().await;
    let report = seed::seed_reference_data(&t.db)
        .await
        .unwrap()
        .expect("first run seeds");
    assert!(
        report.series >= 15,
        "at least 15 series, got {}",
        report.series
    );
    assert_eq!(
        report.regions,
        14 + 111,
        "14 cities and 111 county-level divisions"
    );
    assert_eq!(report.offices, 1 + 1 + 14 + 2);
    assert!(report.units >= 3);

    // Seeding again inserts nothing.
    assert_eq!(seed::seed_reference_data(&t.db).await.unwrap(), None);
    let counts = reference::counts(&t.db).await.unwrap();
    assert_eq!(counts.series as usize, report.series);
    assert!(
        counts.specialties >= 5 * counts.series,
        "each series has ≥ 5 specialties"
    );

    // Every series has at least 5 specialties, and a title name on each level it offers.
    let per_series: Vec<(String, i64)> = with_pool!(&t.db, p => sqlx::query_as(
        "SELECT s.name, COUNT(sp.id) FROM series s LEFT JOIN specialty sp ON sp.series_id = s.id \
         GROUP BY s.name").fetch_all(p).await)
    .unwrap();
    for (name, n) in per_series {
        assert!(n >= 5, "{name} has only {n} specialties");
    }

    // 工程 and 卫生 have a committee for every level 1..=5.
    let committees = reference::committees(&t.db).await.unwrap();
    for series in ["工程", "卫生"] {
        for rank in 1..=5 {
            assert!(
                committees.iter().any(|c| c.series_name == series
                    && (c.level_min..=c.level_max).contains(&rank)),
                "{series} lacks a committee for level {rank}"
            );
        }
    }
}

#[tokio::test]
async fn seeded_calendar_knows_holidays_makeup_days_and_sanyuesan() {
    let t = TestDb::new().await;
    seed::seed_reference_data(&t.db).await.unwrap();
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let guangxi = zc_db::calendar::working_calendar(&t.db, seed::GUANGXI)
        .await
        .unwrap();
    assert!(!guangxi.is_working_day(d(2026, 2, 16)), "春节 2026");
    assert!(guangxi.is_working_day(d(2026, 2, 14)), "春节补班 Saturday");
    assert!(
        guangxi.is_working_day(d(2024, 9, 29)),
        "国庆补班 Sunday 2024"
    );
    assert!(
        !guangxi.is_working_day(d(2025, 3, 31)),
        "三月三 is off in Guangxi"
    );
    let elsewhere = zc_db::calendar::working_calendar(&t.db, "其他")
        .await
        .unwrap();
    assert!(
        elsewhere.is_working_day(d(2025, 3, 31)),
        "三月三 is a Guangxi-only holiday"
    );
}

#[tokio::test]
async fn sessions_round_trip_expire_and_end_per_account() {
    use tower_sessions::{
        SessionStore,
        session::{Id, Record},
        session_store::ExpiredDeletion,
    };
    let t = TestDb::new().await;
    let store = DbSessionStore::new(t.db.clone());
    let mut record = Record {
        id: Id::default(),
        data: [("account_id".to_string(), serde_json::json!(7))]
            .into_iter()
            .collect(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::minutes(30),
    };
    store.create(&mut record).await.unwrap();
    let loaded = store
        .load(&record.id)
        .await
        .unwrap()
        .expect("stored session loads");
    assert_eq!(loaded.data.get("account_id"), Some(&serde_json::json!(7)));

    // An expired record is neither loaded nor kept by the sweep.
    let mut old = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() - time::Duration::minutes(1),
    };
    store.create(&mut old).await.unwrap();
    assert!(store.load(&old.id).await.unwrap().is_none());
    store.delete_expired().await.unwrap();
    let left: i64 = with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM session")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(left, 1);

    // Ending an account's sessions removes them on the server.
    assert_eq!(store.delete_for_account(7).await.unwrap(), 1);
    assert!(store.load(&record.id).await.unwrap().is_none());
}

/// Records each run of a job, and which server ran it, in a table so duplicates show.
struct RecordRun(&'static str);

#[async_trait]
impl JobHandler for RecordRun {
    async fn run(&self, db: &Db, job: &Job) -> anyhow::Result<()> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        with_pool!(db, p => sqlx::query("INSERT INTO test_job_run (job_id, worker) VALUES ($1, $2)")
            .bind(job.id).bind(self.0).execute(p).await.map(|_| ()))?;
        Ok(())
    }
}

async fn create_run_table(db: &Db) {
    with_pool!(db, p => sqlx::query("CREATE TABLE test_job_run (job_id BIGINT NOT NULL, worker TEXT NOT NULL)")
        .execute(p).await.map(|_| ()))
    .unwrap();
}

async fn drain(worker: Worker) {
    while worker.run_once().await.expect("worker step") {}
}

#[tokio::test]
async fn two_workers_run_each_job_exactly_once() {
    let t = TestDb::new().await;
    create_run_table(&t.db).await;
    // A second pool on the same database stands in for a second server.
    let other = Db::connect(&t.url, &zc_db::DbOptions::default())
        .await
        .unwrap();
    let mut ids = BTreeSet::new();
    for i in 0..40 {
        ids.insert(
            jobs::enqueue(&t.db, "record", serde_json::json!({ "i": i }), 3)
                .await
                .unwrap(),
        );
    }
    let a = Worker::new(t.db.clone(), "server-a").handle("record", Arc::new(RecordRun("a")));
    let b = Worker::new(other.clone(), "server-b").handle("record", Arc::new(RecordRun("b")));
    tokio::join!(drain(a), drain(b));

    let runs: Vec<i64> = with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT job_id FROM test_job_run ORDER BY job_id").fetch_all(p).await)
    .unwrap();
    assert_eq!(runs.len(), 40, "every job ran once, none twice");
    let workers: Vec<String> = with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT DISTINCT worker FROM test_job_run ORDER BY worker").fetch_all(p).await)
    .unwrap();
    assert_eq!(workers, ["a", "b"], "both servers took jobs");
    assert_eq!(runs.iter().copied().collect::<BTreeSet<_>>(), ids);
    for id in ids {
        assert_eq!(jobs::status_of(&t.db, id).await.unwrap().unwrap().0, "done");
    }
    other.close().await;
}

/// One job in the queue, claimed by "server-a"; its id and the claim.
async fn one_job_taken_by_server_a(t: &TestDb) -> (i64, zc_db::jobs::Job) {
    create_run_table(&t.db).await;
    let id = jobs::enqueue(&t.db, "record", serde_json::json!({}), 3)
        .await
        .unwrap();
    let taken = jobs::claim(&t.db, "server-a").await.unwrap().unwrap();
    assert_eq!(taken.id, id);
    (id, taken)
}

#[tokio::test]
async fn a_dead_workers_job_is_taken_over_once() {
    let t = TestDb::new().await;
    // Server A takes the job and dies before finishing it.
    let (id, _) = one_job_taken_by_server_a(&t).await;
    // Its lease runs out; two other servers look for stale jobs at the same moment.
    let lease = Duration::from_secs(60);
    t.db.clock().advance(chrono::Duration::seconds(61));
    let other = Db::connect(&t.url, &t.another_server()).await.unwrap();
    let (a, b) = tokio::join!(
        jobs::requeue_stale(&t.db, lease),
        jobs::requeue_stale(&other, lease)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "released once");
    let b = Worker::new(t.db.clone(), "server-b").handle("record", Arc::new(RecordRun("b")));
    let c = Worker::new(other.clone(), "server-c").handle("record", Arc::new(RecordRun("c")));
    tokio::join!(drain(b), drain(c));
    let runs: Vec<i64> = with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT job_id FROM test_job_run").fetch_all(p).await)
    .unwrap();
    assert_eq!(runs, [id], "run once, by one of the two");
    assert_eq!(
        jobs::status_of(&t.db, id).await.unwrap().unwrap(),
        ("done".to_string(), 2)
    );
    other.close().await;
}

#[tokio::test]
async fn a_slow_workers_late_completion_keeps_the_job_from_running_again() {
    let t = TestDb::new().await;
    // Server A takes the job and is slow: its lease runs out and the job is released.
    let (id, taken) = one_job_taken_by_server_a(&t).await;
    t.db.clock().advance(chrono::Duration::seconds(61));
    assert_eq!(
        jobs::requeue_stale(&t.db, Duration::from_secs(60))
            .await
            .unwrap(),
        1
    );
    // A finishes after all, before anyone else took the job: it is done, and stays done.
    jobs::complete(&t.db, &taken).await.unwrap();
    let b = Worker::new(t.db.clone(), "server-b").handle("record", Arc::new(RecordRun("b")));
    drain(b).await;
    let runs: i64 = with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT COUNT(*) FROM test_job_run").fetch_one(p).await)
    .unwrap();
    assert_eq!(runs, 0, "nobody runs a finished job again");
    assert_eq!(
        jobs::status_of(&t.db, id).await.unwrap().unwrap(),
        ("done".to_string(), 1)
    );
}

/// Tells the test it started, then waits to be released before recording its run.
struct HeldRun {
    started: Arc<tokio::sync::Notify>,
    release: Arc<tokio::sync::Notify>,
}

#[async_trait]
impl JobHandler for HeldRun {
    async fn run(&self, db: &Db, job: &Job) -> anyhow::Result<()> {
        self.started.notify_one();
        self.release.notified().await;
        with_pool!(db, p => sqlx::query("INSERT INTO test_job_run (job_id, worker) VALUES ($1, 'held')")
            .bind(job.id).execute(p).await.map(|_| ()))?;
        Ok(())
    }
}

#[tokio::test]
async fn a_job_in_progress_is_finished_when_the_worker_is_told_to_stop() {
    let t = TestDb::new().await;
    create_run_table(&t.db).await;
    let first = jobs::enqueue(&t.db, "held", serde_json::json!({}), 3)
        .await
        .unwrap();
    let second = jobs::enqueue(&t.db, "held", serde_json::json!({}), 3)
        .await
        .unwrap();
    let (started, release) = (
        Arc::new(tokio::sync::Notify::new()),
        Arc::new(tokio::sync::Notify::new()),
    );
    let worker = Worker::new(t.db.clone(), "w").handle(
        "held",
        Arc::new(HeldRun {
            started: started.clone(),
            release: release.clone(),
        }),
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    started.notified().await;
    stop.send(true).unwrap();
    // Told to stop mid-job, the worker is still finishing it.
    tokio::task::yield_now().await;
    assert!(!running.is_finished(), "the job in progress holds the stop");
    release.notify_one();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .expect("the worker returns once its job is done")
        .unwrap();
    assert_eq!(
        jobs::status_of(&t.db, first).await.unwrap(),
        Some(("done".into(), 1)),
        "finished and recorded, not left for another server"
    );
    assert_eq!(
        jobs::status_of(&t.db, second).await.unwrap(),
        Some(("queued".into(), 0)),
        "nothing new was started after the stop"
    );
    let runs: Vec<i64> = with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT job_id FROM test_job_run").fetch_all(p).await)
    .unwrap();
    assert_eq!(runs, [first]);
}

/// Fails until its third attempt.
struct FlakyTwice;

#[async_trait]
impl JobHandler for FlakyTwice {
    async fn run(&self, _db: &Db, job: &Job) -> anyhow::Result<()> {
        anyhow::ensure!(
            job.attempts >= 3,
            "gateway unavailable (attempt {})",
            job.attempts
        );
        Ok(())
    }
}

#[tokio::test]
async fn failed_jobs_retry_with_backoff_then_park_as_failed() {
    let t = TestDb::new().await;
    let retried = jobs::enqueue(&t.db, "flaky", serde_json::json!({}), 5)
        .await
        .unwrap();
    let doomed = jobs::enqueue(&t.db, "flaky", serde_json::json!({}), 2)
        .await
        .unwrap();
    let worker = Worker::new(t.db.clone(), "w").handle("flaky", Arc::new(FlakyTwice));

    // Each failure pushes run_at into the future; make the retry due now to keep the test fast.
    for _ in 0..6 {
        worker.run_once().await.unwrap();
        with_pool!(&t.db, p => sqlx::query("UPDATE job SET run_at = $1 WHERE status = 'queued'")
            .bind(Utc::now()).execute(p).await.map(|_| ()))
        .unwrap();
    }
    assert_eq!(
        jobs::status_of(&t.db, retried).await.unwrap(),
        Some(("done".into(), 3))
    );
    assert_eq!(
        jobs::status_of(&t.db, doomed).await.unwrap(),
        Some(("failed".into(), 2))
    );
    let err: Option<String> = with_pool!(&t.db, p => sqlx::query_scalar(
        "SELECT last_error FROM job WHERE id = $1").bind(doomed).fetch_one(p).await)
    .unwrap();
    assert!(err.unwrap().contains("gateway unavailable"));
}

#[tokio::test]
async fn a_retry_is_not_run_before_its_backoff_elapses() {
    let t = TestDb::new().await;
    let id = jobs::enqueue(&t.db, "flaky", serde_json::json!({}), 5)
        .await
        .unwrap();
    let worker = Worker::new(t.db.clone(), "w").handle("flaky", Arc::new(FlakyTwice));
    assert!(worker.run_once().await.unwrap(), "first attempt runs");
    assert!(
        !worker.run_once().await.unwrap(),
        "the retry waits for its backoff"
    );
    assert_eq!(
        jobs::status_of(&t.db, id).await.unwrap(),
        Some(("queued".into(), 1))
    );
}

#[tokio::test]
async fn concurrent_write_transactions_all_succeed() {
    let t = TestDb::new().await;
    let mut tasks = Vec::new();
    for i in 0..64 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            // Read then write in one transaction: the pattern that fails on SQLite when the
            // transaction starts deferred.
            let mut tx = db.begin_write().await?;
            let n: i64 = zc_db::with_tx!(&mut tx, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM notice").fetch_one(&mut **c).await)?;
            zc_db::with_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO notice (title, body, published_at) VALUES ($1, $2, $3)")
                .bind(format!("第{i}条")).bind(format!("之前已有{n}条")).bind(Utc::now())
                .execute(&mut **c).await.map(|_| ()))?;
            tx.commit().await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        task.await.unwrap().expect("write transaction succeeds");
        ok += 1;
    }
    assert_eq!(ok, 64);
    let n: i64 = with_pool!(&t.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM notice")
        .fetch_one(p).await)
    .unwrap();
    assert_eq!(n, 64);
}

/// The kind of value a declared column type holds, in terms both engines share: SQLite
/// has no boolean, JSON, date or timestamp storage of its own (sqlx writes dates and
/// times as ISO 8601 text), so those compare as what it stores them as.
fn type_class(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") || t.contains("bool") {
        "integer"
    } else if t.contains("real")
        || t.contains("floa")
        || t.contains("doub")
        || t.contains("numeric")
    {
        "real"
    } else if t.contains("blob") || t.contains("bytea") {
        "bytes"
    } else {
        "text"
    }
}

/// Every column as `(table, column, type class, NOT NULL)`.
async fn columns(db: &Db) -> BTreeSet<(String, String, &'static str, bool)> {
    let rows: Vec<(String, String, String, bool)> = match db {
        Db::Sqlite(p, ..) => sqlx::query_as(
            "SELECT m.name, c.name, c.type, c.\"notnull\" OR c.pk > 0 FROM sqlite_master m \
             JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p, ..) => sqlx::query_as(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO' \
             FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    rows.into_iter()
        .map(|(t, c, ty, not_null)| (t, c, type_class(&ty), not_null))
        .collect()
}

/// Every index but the primary keys, as `(table, columns, UNIQUE)`; names differ between
/// the engines (a UNIQUE constraint's index is named by each), what it covers must not.
async fn indexes(db: &Db) -> BTreeSet<(String, String, bool)> {
    let rows: Vec<(String, Option<String>, bool)> = match db {
        Db::Sqlite(p, ..) => sqlx::query_as(
            "SELECT m.name, (SELECT group_concat(ii.name, ',' ORDER BY ii.seqno) \
                             FROM pragma_index_info(il.name) ii), il.\"unique\" = 1 \
             FROM sqlite_master m JOIN pragma_index_list(m.name) il \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
               AND m.name <> '_sqlx_migrations' AND il.origin <> 'pk'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Postgres(p, ..) => sqlx::query_as(
            "SELECT t.relname::text, \
                    (SELECT string_agg(a.attname, ',' ORDER BY k.ord) \
                     FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), \
                    ix.indisunique \
             FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> '_sqlx_migrations'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    rows.into_iter()
        .map(|(t, c, u)| (t, c.unwrap_or_default(), u))
        .collect()
}

#[tokio::test]
async fn both_backends_have_the_same_columns_types_nullability_and_indexes() {
    let Some(pg_url) = zc_db::test_support::postgres_url_or_ci() else {
        zc_db::test_support::skip_or_fail_under_ci(
            "schema parity needs PostgreSQL (set TEST_DATABASE_URL)",
        );
        return;
    };
    let sqlite = TestDb::sqlite().await;
    let pg = TestDb::postgres(&pg_url).await;
    let (a, b) = (columns(&sqlite.db).await, columns(&pg.db).await);
    assert!(a.len() > 40, "the schema has its tables");
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "columns (table, column, type, NOT NULL) only in SQLite: {only_sqlite:?}; \
         only in PostgreSQL: {only_pg:?}"
    );
    let (a, b) = (indexes(&sqlite.db).await, indexes(&pg.db).await);
    assert!(
        a.iter().any(|(_, _, unique)| *unique),
        "unique constraints are compared"
    );
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_pg: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "indexes (table, columns, UNIQUE) only in SQLite: {only_sqlite:?}; \
         only in PostgreSQL: {only_pg:?}"
    );
}

#[tokio::test]
async fn captchas_are_single_use_and_swept_when_expired() {
    let t = TestDb::new().await;
    let later = Utc::now() + chrono::Duration::minutes(5);
    let earlier = Utc::now() - chrono::Duration::minutes(1);
    zc_db::captcha::insert(&t.db, "live", "AB12", b"png", later)
        .await
        .unwrap();
    zc_db::captcha::insert(&t.db, "old", "CD34", b"png", earlier)
        .await
        .unwrap();
    assert_eq!(
        zc_db::captcha::png(&t.db, "old").await.unwrap(),
        None,
        "an expired image is not served"
    );
    assert_eq!(zc_db::captcha::sweep(&t.db).await.unwrap(), 1);
    assert_eq!(
        zc_db::captcha::take(&t.db, "live")
            .await
            .unwrap()
            .as_deref(),
        Some("AB12")
    );
    assert_eq!(
        zc_db::captcha::take(&t.db, "live").await.unwrap(),
        None,
        "checked once only"
    );
}
