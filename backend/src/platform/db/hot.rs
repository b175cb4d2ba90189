//! Connections for the hot path's reads — the session check of every signed-in request
//! and the profile — kept outside sqlx's pool.
//!
//! sqlx's pool pings a connection when it hands it out and again when it takes it
//! back: three round trips to PostgreSQL (three hand-offs to SQLite's thread) for a
//! query of one. Here a connection goes back to the idle list unpinged, but only after
//! its query completed: one whose query failed or was abandoned mid-way (the client
//! went away) is closed, never reused. A connection idle for longer than
//! [`PING_IDLE_AFTER`] is pinged before it serves, and an I/O error closes every idle
//! connection (the server most likely restarted), so after an outage at most one
//! request per connection in flight meets a dead one.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, ConnectOptions, Connection};
use tokio::sync::{Semaphore, SemaphorePermit};

use super::prepare;
use crate::config::Backend;

/// A connection idle longer than this is pinged before it serves again.
const PING_IDLE_AFTER: Duration = Duration::from_secs(30);

pub struct HotConnections {
    idle: Mutex<Vec<(AnyConnection, Instant)>>,
    permits: Semaphore,
    options: AnyConnectOptions,
    backend: Backend,
    acquire_timeout: Duration,
}

/// One connection for one read; pass the read's result to [`HotConnection::finish`].
pub struct HotConnection<'a> {
    conn: Option<AnyConnection>,
    owner: &'a HotConnections,
    _permit: SemaphorePermit<'a>,
}

impl HotConnections {
    pub fn new(options: AnyConnectOptions, backend: Backend, size: usize, acquire_timeout: Duration) -> Self {
        Self {
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Semaphore::new(size.max(1)),
            options,
            backend,
            acquire_timeout,
        }
    }

    /// A connection: an idle one, else a new one; fails like the pool when none is free
    /// within the acquire timeout.
    pub async fn acquire(&self) -> sqlx::Result<HotConnection<'_>> {
        let permit = tokio::time::timeout(self.acquire_timeout, self.permits.acquire())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.lock().pop();
        let conn = match idle {
            Some((mut conn, since)) if since.elapsed() > PING_IDLE_AFTER => match conn.ping().await {
                Ok(()) => conn,
                Err(_) => self.connect().await?,
            },
            Some((conn, _)) => conn,
            None => self.connect().await?,
        };
        Ok(HotConnection {
            conn: Some(conn),
            owner: self,
            _permit: permit,
        })
    }

    async fn connect(&self) -> sqlx::Result<AnyConnection> {
        let mut conn = tokio::time::timeout(self.acquire_timeout, self.options.connect())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)??;
        prepare(&mut conn, self.backend).await?;
        Ok(conn)
    }

    /// Refuses further reads and closes the idle connections.
    pub fn close(&self) {
        self.permits.close();
        self.forget_idle();
    }

    /// Closes every idle connection (after an I/O error).
    fn forget_idle(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(AnyConnection, Instant)>> {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl std::fmt::Debug for HotConnections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HotConnections")
            .field("idle", &self.lock().len())
            .field("free", &self.permits.available_permits())
            .finish()
    }
}

impl HotConnection<'_> {
    pub fn conn(&mut self) -> &mut AnyConnection {
        self.conn
            .as_mut()
            .expect("a hot connection is held until finished")
    }

    /// The read's result; the connection goes back for the next read only if it
    /// succeeded. An I/O error closes the idle connections too.
    pub fn finish<T>(mut self, result: sqlx::Result<T>) -> sqlx::Result<T> {
        match &result {
            Ok(_) => {
                if let Some(conn) = self.conn.take() {
                    self.owner.lock().push((conn, Instant::now()));
                }
            }
            Err(sqlx::Error::Io(_) | sqlx::Error::Protocol(_)) => self.owner.forget_idle(),
            Err(_) => {}
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::config::DatabaseUrl;
    use crate::platform::db::Db;

    fn idle(db: &Db) -> usize {
        db.hot.lock().len()
    }

    #[tokio::test]
    async fn only_a_connection_whose_read_succeeded_serves_again() {
        let dir = std::env::temp_dir().join(format!("softly-hot-{}", uuid::Uuid::now_v7().simple()));
        let url = DatabaseUrl::parse(None, &dir).unwrap();
        let db = Db::connect(&url, 4, Duration::from_secs(5)).await.unwrap();

        let mut hot = db.hot().await.unwrap();
        let read = sqlx::query("SELECT 1").execute(hot.conn()).await.map(|_| ());
        hot.finish(read).unwrap();
        assert_eq!(idle(&db), 1, "a completed read hands its connection back");

        let mut hot = db.hot().await.unwrap();
        let failed = sqlx::query("SELECT * FROM no_such_table")
            .execute(hot.conn())
            .await
            .map(|_| ());
        assert!(hot.finish(failed).is_err());
        assert_eq!(idle(&db), 0, "a failed read's connection is closed");

        let abandoned = db.hot().await.unwrap();
        drop(abandoned);
        assert_eq!(idle(&db), 0, "an abandoned read's connection is closed");

        db.close().await;
        assert!(matches!(db.hot().await, Err(sqlx::Error::PoolClosed)));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
