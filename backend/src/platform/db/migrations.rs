//! Schema migrations, written once in portable SQL and applied in order at start-up.
//!
//! Replicas starting together on PostgreSQL serialise on an advisory lock; each
//! migration runs in its own transaction with its bookkeeping row.

use anyhow::Context;
use sqlx::{Acquire, Executor, Row};

use super::Db;
use crate::config::Backend;
use crate::platform::time::now_ms;

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "accounts",
        sql: include_str!("../../../migrations/0001_accounts.sql"),
    },
    Migration {
        version: 2,
        name: "jobs",
        sql: include_str!("../../../migrations/0002_jobs.sql"),
    },
    Migration {
        version: 3,
        name: "vault",
        sql: include_str!("../../../migrations/0003_vault.sql"),
    },
    Migration {
        version: 4,
        name: "schedules",
        sql: include_str!("../../../migrations/0004_schedules.sql"),
    },
];

/// An arbitrary constant naming Softly's migration lock.
const ADVISORY_LOCK_KEY: i64 = 0x50f7_1e00;

/// Applies every pending migration; returns how many ran.
pub async fn migrate(db: &Db) -> anyhow::Result<usize> {
    let mut conn = db
        .pool()
        .acquire()
        .await
        .context("while acquiring a connection to migrate")?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(ADVISORY_LOCK_KEY)
            .execute(&mut *conn)
            .await
            .context("while taking the migration lock")?;
    }
    let result = apply_pending(&mut conn).await;
    if db.backend() == Backend::Postgres {
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(ADVISORY_LOCK_KEY)
            .execute(&mut *conn)
            .await;
    }
    result
}

async fn apply_pending(conn: &mut sqlx::AnyConnection) -> anyhow::Result<usize> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .await
    .context("while creating schema_migrations")?;
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.get::<i64, _>(0))
        .collect();
    let mut ran = 0;
    for migration in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(migration.sql)
            .execute(&mut *tx)
            .await
            .with_context(|| {
                format!(
                    "while applying migration {} ({})",
                    migration.version, migration.name
                )
            })?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(migration.version)
            .bind(migration.name)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied migration"
        );
        ran += 1;
    }
    Ok(ran)
}
