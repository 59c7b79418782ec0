//! Migrations that allow rolling upgrades: the previous release keeps working against the
//! migrated schema (nothing it reads goes away), and it still starts when the database
//! holds a newer release's migrations. `scripts/upgrade_drill.sh` runs the previous
//! release's binary across this release's migrations.

use std::path::Path;

use zc_db::{test_support::TestDb, with_pool};

/// Migrations up to this number were written before the rule; later ones are additive.
const ADDITIVE_FROM: u32 = 35;

#[test]
fn migrations_from_now_on_only_add() {
    let forbidden = [
        "DROP TABLE",
        "DROP COLUMN",
        "RENAME",
        "ALTER COLUMN",
        "DROP VIEW",
        "DROP TRIGGER",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut checked = 0;
    let mut found = Vec::new();
    for backend in ["sqlite", "postgres"] {
        for entry in std::fs::read_dir(root.join(backend)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let number: u32 = name[..4].parse().unwrap();
            if number < ADDITIVE_FROM {
                continue;
            }
            checked += 1;
            // Comments may say anything; the statements may not drop or rename.
            let sql: String = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
                .to_uppercase();
            for word in forbidden {
                if sql.contains(word) {
                    found.push(format!("{backend}/{name}: {word}"));
                }
            }
        }
    }
    assert!(
        checked >= 2,
        "the newest migrations are checked ({checked})"
    );
    assert!(
        found.is_empty(),
        "a migration removes or renames what the previous release reads: {found:#?}"
    );
}

#[tokio::test]
async fn a_server_of_the_previous_release_starts_on_a_newer_schema() {
    let t = TestDb::new().await;
    // As if the next release had migrated this database already.
    with_pool!(&t.db, p => sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, \
         execution_time) VALUES (99990101000000, 'a newer release', CURRENT_TIMESTAMP, TRUE, \
         $1, 0)").bind(vec![0u8; 48]).execute(p).await.map(|r| r.rows_affected()))
    .unwrap();
    t.db.migrate()
        .await
        .expect("a newer migration in the database does not stop this release");
}
