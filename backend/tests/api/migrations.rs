//! Upgrades: a database of the previous release, with data in it, migrated by this one.

use softly::platform::db::{self, PLATFORM_MIGRATIONS};
use softly::{accounts, startup, vault};
use sqlx::Row;

use crate::helpers::{Backend, empty_database};
use crate::on_both_backends;

async fn the_vaults_own_tables_keep_every_document_upload_and_usage(backend: Backend) {
    let (db, _dropped) = empty_database(backend).await;
    // The schema as the previous release left it: everything before version 5.
    let before = [
        &PLATFORM_MIGRATIONS[..2],
        accounts::CAPABILITY.migrations,
        &vault::CAPABILITY.migrations[..1],
    ];
    assert_eq!(db::migrate(&db, &before).await.unwrap(), 4);
    for sql in [
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at, storage_used_bytes, storage_quota_bytes)
         VALUES ('u1', 'a@example.com', 'A', 'x', 1, 1, 700, 5000), ('u2', 'b@example.com', 'B', 'x', 1, 1, 0, NULL)",
        "INSERT INTO documents (id, user_id, title, kind, expires_on, filename, content_type, byte_size, checksum_sha256,
                                status, object_key, created_at, updated_at)
         VALUES ('d1', 'u1', 'Passport', 'passport', '2031-05-01', 'p.pdf', 'application/pdf', 700, 'c', 'ready',
                 'documents/u1/d1/original', 1, 2)",
        "INSERT INTO uploads (id, user_id, object_key, filename, byte_size, checksum_sha256, content_type, expires_at, created_at)
         VALUES ('up1', 'u1', 'documents/u1/up1/original', 'q.pdf', 10, 'c', 'application/pdf', 9, 1)",
    ] {
        sqlx::query(sql).execute(db.pool()).await.unwrap();
    }

    // Version 5 (the vault's own tables), 6 (upload reservations), 7 (items), 8 and 9
    // (capture), 10 (plans), 11 (jobs' trace context).
    assert_eq!(startup::migrate(&db).await.unwrap(), 7);
    let usage: Vec<(String, i64, Option<i64>)> =
        sqlx::query_as("SELECT user_id, used_bytes, quota_bytes FROM vault_usage ORDER BY user_id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(
        usage,
        [("u1".to_string(), 700, Some(5000))],
        "users who kept nothing need no row"
    );
    let document =
        sqlx::query("SELECT title, kind, expires_on, byte_size, updated_at FROM documents WHERE id = 'd1'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(document.get::<String, _>("title"), "Passport");
    assert_eq!(document.get::<String, _>("kind"), "passport");
    assert_eq!(document.get::<String, _>("expires_on"), "2031-05-01");
    assert_eq!(
        (
            document.get::<i64, _>("byte_size"),
            document.get::<i64, _>("updated_at")
        ),
        (700, 2)
    );
    let uploads: Vec<(String, i64)> = sqlx::query_as("SELECT id, reserved_bytes FROM uploads")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(
        uploads,
        [("up1".to_string(), 0)],
        "an upload announced before reservations reserved nothing (its completion will)"
    );

    // The vault's rows no longer go with the user by cascade: the vault removes them,
    // objects first, when the accounts.user_deleted event reaches it.
    sqlx::query("DELETE FROM users WHERE id = 'u1'")
        .execute(db.pool())
        .await
        .unwrap();
    let documents: i64 = sqlx::query("SELECT COUNT(*) FROM documents")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(documents, 1);
    assert_eq!(startup::migrate(&db).await.unwrap(), 0, "nothing runs twice");
}

on_both_backends!(the_vaults_own_tables_keep_every_document_upload_and_usage);
