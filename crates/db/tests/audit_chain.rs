//! The audit log's chain, run on SQLite and — with `TEST_DATABASE_URL` — on PostgreSQL:
//! edits, deletions and rewrites are caught (with or without the key, against the anchors),
//! concurrent events keep one chain, and on PostgreSQL the application's role can only
//! append.

use chrono::Utc;
use zc_db::{Db, test_support::TestDb, with_pool};

/// Writes one `test.event` with `detail`.
async fn record_test_event(db: &Db, detail: &str) {
    zc_db::audit::record(
        db,
        &zc_db::audit::AuditEvent {
            action: "test.event",
            object: "x",
            result: "ok",
            detail,
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_audit_chain_detects_edits_and_deletions() {
    use zc_db::audit::{self, ChainCheck};
    let t = TestDb::new().await;
    for i in 0..5 {
        let detail = format!("第{i}次");
        record_test_event(&t.db, &detail).await;
    }
    assert_eq!(
        audit::verify_chain(&t.db, &[]).await.unwrap(),
        ChainCheck::Intact { rows: 5 }
    );
    let ids: Vec<i64> =
        with_pool!(&t.db, p => sqlx::query_scalar("SELECT id FROM audit_event ORDER BY id")
        .fetch_all(p).await)
        .unwrap();

    with_pool!(&t.db, p => sqlx::query("UPDATE audit_event SET detail = '改过' WHERE id = $1")
        .bind(ids[2]).execute(p).await.map(|_| ()))
    .unwrap();
    assert_eq!(
        audit::verify_chain(&t.db, &[]).await.unwrap(),
        ChainCheck::Broken {
            id: ids[2],
            reason: "记录内容被修改"
        }
    );

    with_pool!(&t.db, p => sqlx::query("DELETE FROM audit_event WHERE id = $1")
        .bind(ids[2]).execute(p).await.map(|_| ()))
    .unwrap();
    assert_eq!(
        audit::verify_chain(&t.db, &[]).await.unwrap(),
        ChainCheck::Broken {
            id: ids[3],
            reason: "前一条记录被删除或修改"
        }
    );

    let t2 = TestDb::new().await;
    for _ in 0..3 {
        record_test_event(&t2.db, "d").await;
    }
    with_pool!(&t2.db, p => sqlx::query("DELETE FROM audit_event WHERE id = (SELECT MAX(id) FROM audit_event)")
        .execute(p).await.map(|_| ())).unwrap();
    assert_eq!(
        audit::verify_chain(&t2.db, &[]).await.unwrap(),
        ChainCheck::Truncated
    );
}

#[tokio::test]
async fn a_chain_rewritten_without_the_key_or_from_the_start_is_caught() {
    use zc_db::audit::{self, Anchor, AuditFields, ChainCheck, chain_hash, chain_mac};
    let t = TestDb::new().await;
    for d in ["一", "二", "三"] {
        record_test_event(&t.db, d).await;
    }
    let anchor = audit::head(&t.db).await.unwrap().unwrap();
    assert_eq!(
        audit::verify_chain(&t.db, std::slice::from_ref(&anchor))
            .await
            .unwrap(),
        ChainCheck::Intact { rows: 3 }
    );
    let rows: Vec<(i64, chrono::DateTime<Utc>, String)> = with_pool!(&t.db, p => sqlx::query_as(
        "SELECT id, at, detail FROM audit_event ORDER BY id").fetch_all(p).await)
    .unwrap();
    // Someone with write access rewrites every row: first keyed with a guessed key, then
    // as plain SHA-256 rows (as if from before the key), fixing links and head each time.
    for keyed in [true, false] {
        let guessed = zc_db::AuditKey::new([7; 32]);
        let mut prev = String::new();
        for (id, at, detail) in &rows {
            let detail = if *id == rows[1].0 {
                "改过"
            } else {
                detail.as_str()
            };
            let fields = AuditFields {
                actor_id: None,
                actor_role: None,
                action: "test.event",
                object: "x",
                result: "ok",
                detail,
                ip: None,
            };
            let hash = if keyed {
                chain_mac(&guessed, &prev, *at, &fields)
            } else {
                chain_hash(&prev, *at, &fields)
            };
            with_pool!(&t.db, p => sqlx::query(
                "UPDATE audit_event SET detail = $1, prev_hash = $2, hash = $3, keyed = $4 WHERE id = $5")
                .bind(detail).bind(&prev).bind(&hash).bind(keyed).bind(id).execute(p).await.map(|_| ()))
            .unwrap();
            prev = hash;
        }
        with_pool!(&t.db, p => sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&prev).execute(p).await.map(|_| ()))
        .unwrap();
        let found = audit::verify_chain(&t.db, std::slice::from_ref(&anchor))
            .await
            .unwrap();
        if keyed {
            assert_eq!(
                found,
                ChainCheck::Broken {
                    id: rows[0].0,
                    reason: "记录内容被修改"
                },
                "a guessed key does not make a valid chain"
            );
        } else {
            assert_eq!(
                found,
                ChainCheck::Broken {
                    id: rows[2].0,
                    reason: "与库外锚点记录的链值不符（日志被整体重写）"
                },
                "an unkeyed rewrite differs from what was anchored"
            );
        }
    }
    // Cut short past an anchor: the anchor names an event that is gone.
    let far = Anchor {
        id: anchor.id + 1,
        hash: "0".repeat(64),
    };
    let t2 = TestDb::new().await;
    record_test_event(&t2.db, "d").await;
    assert_eq!(
        audit::verify_chain(&t2.db, &[far]).await.unwrap(),
        ChainCheck::Truncated
    );
}

#[tokio::test]
async fn concurrent_audit_events_keep_one_chain() {
    use zc_db::audit::{self, AuditEvent, ChainCheck};
    let t = TestDb::new().await;
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            audit::record(
                &db,
                &AuditEvent {
                    action: "test.concurrent",
                    object: "x",
                    result: "ok",
                    detail: "d",
                    ..Default::default()
                },
            )
            .await
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        audit::verify_chain(&t.db, &[]).await.unwrap(),
        ChainCheck::Intact { rows: 32 }
    );
}

/// The application's PostgreSQL role as README "Audit log protection" grants it: on the
/// audit table INSERT and SELECT only, so the running platform cannot rewrite its own log.
#[tokio::test]
async fn on_postgresql_the_app_role_can_only_append_to_the_audit_log() {
    let t = TestDb::new().await;
    let Db::Postgres(pool, ..) = &t.db else {
        zc_db::test_support::skip_notice("on SQLite: roles are a PostgreSQL feature");
        return;
    };
    zc_db::audit::record(
        &t.db,
        &zc_db::audit::AuditEvent {
            action: "test.event",
            object: "x",
            result: "ok",
            detail: "d",
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let role = format!("zc_app_{:08x}", rand::random::<u32>());
    let mut c = pool.acquire().await.unwrap();
    for sql in [
        format!("CREATE ROLE {role} NOLOGIN"),
        format!("GRANT SELECT, INSERT ON audit_event TO {role}"),
        format!("GRANT SELECT, UPDATE ON audit_head TO {role}"),
        format!("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}"),
        format!("SET ROLE {role}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *c)
            .await
            .unwrap();
    }
    for forbidden in [
        "UPDATE audit_event SET detail = '改过'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
    ] {
        let e = sqlx::query(forbidden).execute(&mut *c).await.unwrap_err();
        assert!(
            e.to_string().contains("permission denied"),
            "{forbidden}: {e}"
        );
    }
    let appended = sqlx::query(
        "INSERT INTO audit_event (at, action, object, result, detail, prev_hash, hash, keyed) \
         VALUES (now(), 'test.append', 'x', 'ok', 'd', '', 'h', TRUE)",
    )
    .execute(&mut *c)
    .await;
    assert!(appended.is_ok(), "{appended:?}");
    sqlx::query("RESET ROLE").execute(&mut *c).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP OWNED BY {role}")))
        .execute(&mut *c)
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP ROLE {role}")))
        .execute(&mut *c)
        .await
        .unwrap();
}
