//! Schema migrations, written once in portable SQL and applied in order at start-up.
//!
//! Each owner keeps its own: the platform its tables here ([`PLATFORM_MIGRATIONS`]),
//! each capability its tables in its folder. Versions are one sequence across owners
//! (a migration may rely on every lower version), checked unique at start-up; they
//! only ever add (expand, then contract in a later release), so the previous image can
//! still run against a migrated database during a rolling deploy.
//!
//! Replicas starting together on PostgreSQL serialise on an advisory lock; each
//! migration runs in its own transaction with its bookkeeping row.

use anyhow::Context;
use sqlx::{Acquire, Executor, Row};

use super::Db;
use crate::config::Backend;
use crate::platform::clock::Clock;

/// One step of the schema.
#[derive(Debug)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The platform's own tables: jobs (and event deliveries, and the trace each continues),
/// periodic tasks.
pub const PLATFORM_MIGRATIONS: &[Migration] = &[
    Migration {
        version: 2,
        name: "jobs",
        sql: include_str!("sql/0002_jobs.sql"),
    },
    Migration {
        version: 4,
        name: "schedules",
        sql: include_str!("sql/0004_schedules.sql"),
    },
    Migration {
        version: 11,
        name: "job trace context",
        sql: include_str!("sql/0011_job_trace_context.sql"),
    },
];

/// Every owner's migrations in version order; two with one version are an error.
fn in_order<'m>(owners: &[&'m [Migration]]) -> anyhow::Result<Vec<&'m Migration>> {
    let mut all: Vec<&Migration> = owners.iter().flat_map(|m| m.iter()).collect();
    all.sort_by_key(|m| m.version);
    if let Some(pair) = all.windows(2).find(|pair| pair[0].version == pair[1].version) {
        anyhow::bail!(
            "migrations {:?} and {:?} share version {}",
            pair[0].name,
            pair[1].name,
            pair[0].version
        );
    }
    Ok(all)
}

/// An arbitrary constant naming Softly's migration lock.
const ADVISORY_LOCK_KEY: i64 = 0x50f7_1e00;

/// Applies every pending migration of `owners`; returns how many ran.
pub async fn migrate(db: &Db, owners: &[&[Migration]]) -> anyhow::Result<usize> {
    let migrations = in_order(owners)?;
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
    let result = apply_pending(&mut conn, &migrations).await;
    if db.backend() == Backend::Postgres {
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(ADVISORY_LOCK_KEY)
            .execute(&mut *conn)
            .await;
    }
    result
}

async fn apply_pending(conn: &mut sqlx::AnyConnection, migrations: &[&Migration]) -> anyhow::Result<usize> {
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .await
    .context("while creating schema_migrations")?;
    let applied = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>(0))
        .collect::<sqlx::Result<Vec<i64>>>()?;
    let mut ran = 0;
    for migration in migrations.iter().filter(|m| !applied.contains(&m.version)) {
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
            .bind(Clock::system().now_ms())
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

#[cfg(test)]
mod tests {
    use super::*;

    const A: &[Migration] = &[Migration {
        version: 3,
        name: "a",
        sql: "",
    }];
    const B: &[Migration] = &[
        Migration {
            version: 1,
            name: "b1",
            sql: "",
        },
        Migration {
            version: 5,
            name: "b5",
            sql: "",
        },
    ];

    #[test]
    fn migrations_of_every_owner_run_in_version_order() {
        let names: Vec<_> = in_order(&[A, B]).unwrap().iter().map(|m| m.name).collect();
        assert_eq!(names, ["b1", "a", "b5"]);
    }

    #[test]
    fn two_migrations_with_one_version_are_refused() {
        const C: &[Migration] = &[Migration {
            version: 3,
            name: "c",
            sql: "",
        }];
        let error = in_order(&[A, C]).unwrap_err().to_string();
        assert!(error.contains("share version 3"), "{error}");
    }
}
