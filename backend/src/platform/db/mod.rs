//! The data layer: one `sqlx::AnyPool` that speaks SQLite (embedded) or PostgreSQL
//! (production), chosen from `DATABASE_URL` at start-up.
//!
//! Queries are written once in the SQL both engines share: `$1` placeholders, `TEXT`
//! ids, `BIGINT` millisecond timestamps, `RETURNING`. Where the engines must differ
//! (row locking), [`Db::backend`] says which one is on the other end.

mod hot;
mod migrations;

use std::sync::{Arc, Once};
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Executor, Transaction};

pub use hot::{HotConnection, HotConnections};
pub use migrations::{Migration, PLATFORM_MIGRATIONS, migrate};

use crate::config::{Backend, DatabaseUrl};

/// A pool of connections and the engine behind it.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    /// For the hot path's reads (`Db::hot`): half as many again as the pool.
    hot: Arc<HotConnections>,
    backend: Backend,
}

impl Db {
    /// Opens the pool; for SQLite creates the file's folder and sets WAL, foreign keys
    /// and a busy timeout on every connection. A query that cannot get a connection
    /// within `acquire_timeout` fails (the API answers 503) instead of queueing on.
    pub async fn connect(
        url: &DatabaseUrl,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> anyhow::Result<Self> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);

        let backend = url.backend();
        if backend == Backend::Sqlite {
            create_sqlite_folder(url)?;
        }
        let options: AnyConnectOptions = url.expose().parse().context("while parsing DATABASE_URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(acquire_timeout)
            .after_connect(move |conn, _meta| Box::pin(prepare(conn, backend)))
            .connect_with(options.clone())
            .await
            .context("while connecting to the database")?;
        let hot_size = (max_connections as usize / 2).max(2);
        let hot = Arc::new(HotConnections::new(options, backend, hot_size, acquire_timeout));
        Ok(Self { pool, hot, backend })
    }

    /// A connection for one of the hot path's reads, outside the pool ([`hot`]):
    /// pass the read's result to [`HotConnection::finish`].
    pub async fn hot(&self) -> sqlx::Result<HotConnection<'_>> {
        let started = std::time::Instant::now();
        let conn = self.hot.acquire().await;
        crate::platform::metrics::metrics().acquired("hot", started.elapsed());
        conn
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`): a transaction that reads before it writes then waits its turn on the
    /// busy timeout, where a deferred one fails with "database is locked" when another
    /// writer commits first.
    pub async fn begin(&self) -> sqlx::Result<Transaction<'static, Any>> {
        let started = std::time::Instant::now();
        let begun = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        };
        crate::platform::metrics::metrics().acquired("transaction", started.elapsed());
        begun
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// `FOR UPDATE SKIP LOCKED` where the engine has row locks; SQLite serialises
    /// writers instead, so it needs nothing.
    pub fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// `FOR UPDATE` where the engine has row locks: a change that reads rows to rewrite
    /// them holds them until it commits. SQLite's write transaction already holds the
    /// whole database ([`Db::begin`]).
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => "FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// Whether the database answers a trivial query within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        matches!(
            tokio::time::timeout(timeout, sqlx::query("SELECT 1").execute(&self.pool)).await,
            Ok(Ok(_))
        )
    }

    pub async fn close(&self) {
        self.hot.close();
        self.pool.close().await;
    }
}

/// What every new connection is set up with: on SQLite WAL, foreign keys, a busy
/// timeout and NORMAL synchronisation.
async fn prepare(conn: &mut AnyConnection, backend: Backend) -> sqlx::Result<()> {
    if backend == Backend::Sqlite {
        conn.execute(
            "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
             PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
        )
        .await?;
    }
    Ok(())
}

fn create_sqlite_folder(url: &DatabaseUrl) -> anyhow::Result<()> {
    if let Some(parent) = url
        .sqlite_file()
        .as_deref()
        .and_then(std::path::Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("while creating the database folder {}", parent.display()))?;
    }
    Ok(())
}
