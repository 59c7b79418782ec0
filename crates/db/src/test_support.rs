//! Fresh databases for tests: a temporary SQLite file by default, or a new PostgreSQL
//! database next to `TEST_DATABASE_URL` when that variable is set. Each test gets its own
//! database, so tests run in parallel and never see each other's rows.

use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::{Backend, Db, DbOptions};

/// A migrated database that is removed when dropped.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

/// The PostgreSQL URL from `TEST_DATABASE_URL`, if set and non-empty.
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// Says that a test did not run and why, where the person running the tests sees it:
/// written to the process's stderr itself, past the test harness's capture, which hides
/// `eprintln!` of passing tests.
pub fn skip_notice(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\nSKIPPED: {why}");
}

/// Says that a test did not run because something is missing; under CI (`CI` set), where
/// everything is installed, that is a failure instead.
pub fn skip_or_fail_under_ci(why: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run this test, but: {why}"
    );
    skip_notice(why);
}

/// PostgreSQL for a test that needs it whichever backend the run is on:
/// `TEST_DATABASE_URL`, or under CI the local server CI starts.
pub fn postgres_url_or_ci() -> Option<String> {
    postgres_url().or_else(|| {
        // The port .ci/setup configured (CI_PG_PORT), 5432 by default.
        std::env::var_os("CI").map(|_| {
            let port = std::env::var("CI_PG_PORT").unwrap_or_else(|_| "5432".into());
            format!("postgres://postgres@127.0.0.1:{port}/postgres")
        })
    })
}

/// Which backend this test run uses.
pub fn backend() -> Backend {
    if postgres_url().is_some() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Default pool options with a random audit key, as a real installation has, and a
/// clock the test can move (it runs at real pace until moved).
fn test_options() -> DbOptions {
    DbOptions {
        audit_key: crate::AuditKey::new(rand::random()),
        clock: zc_domain::Clock::starting_at(chrono::Utc::now()),
        ..DbOptions::default()
    }
}

impl TestDb {
    /// Creates and migrates a fresh database on the backend chosen by the environment.
    pub async fn new() -> TestDb {
        match postgres_url() {
            Some(url) => Self::postgres(&url).await,
            None => Self::sqlite().await,
        }
    }

    /// Options for a second pool on the same database (another server in the story),
    /// sharing this one's clock.
    pub fn another_server(&self) -> DbOptions {
        DbOptions {
            clock: self.db.clock().clone(),
            ..DbOptions::default()
        }
    }

    /// A fresh SQLite file in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let db = Db::connect(&url, &test_options())
            .await
            .expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        TestDb {
            db,
            url,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// A fresh database on the PostgreSQL server named by `admin_url`.
    pub async fn postgres(admin_url: &str) -> TestDb {
        let name = format!("zc_test_{:016x}", rand::random::<u64>());
        let mut admin = PgConnection::connect(admin_url)
            .await
            .expect("connect TEST_DATABASE_URL");
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = replace_db_name(admin_url, &name);
        let opts = DbOptions {
            max_connections: 8,
            ..test_options()
        };
        let db = Db::connect(&url, &opts)
            .await
            .expect("open postgres test database");
        db.migrate().await.expect("migrate postgres");
        TestDb {
            db,
            url,
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_string(),
                name,
            },
        }
    }
}

/// Swaps the database name in a PostgreSQL URL, keeping any query string.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime, so the cleanup gets a runtime of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(mut c) = PgConnection::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::query(AssertSqlSafe(sql)).execute(&mut c).await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replace_db_name;

    #[test]
    fn database_name_is_replaced_in_postgres_urls() {
        assert_eq!(
            replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "zc_x"),
            "postgres://postgres@127.0.0.1:5432/zc_x"
        );
        assert_eq!(
            replace_db_name("postgres://u:p@h/db?sslmode=disable", "t"),
            "postgres://u:p@h/t?sslmode=disable"
        );
        assert_eq!(
            replace_db_name("postgres://h:5432", "t"),
            "postgres://h:5432/t"
        );
    }
}
