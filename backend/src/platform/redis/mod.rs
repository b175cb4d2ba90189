//! One Redis connection per process, shared by the rate limiter, the cache and job
//! dispatch, with one idea of whether Redis is reachable.
//!
//! Redis is never a liveness dependency: every call is bounded (250 ms to connect, 250 ms
//! to answer), and after a failure callers skip Redis entirely for two seconds instead of
//! each waiting out a timeout; then it is tried again. The first failure and the recovery
//! are logged once each (`redis unavailable` / `redis answers again`) and `/up` reports
//! the state, so an outage shows in logs and on the health check without failing it.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig, MultiplexedConnection};
use redis::{AsyncConnectionConfig, Client, RedisResult};

use crate::config::RedisConfig;

/// No caller waits longer than this for one Redis answer.
pub const CALL_TIMEOUT: Duration = Duration::from_millis(250);
/// After a failure, calls are not attempted for this long.
const RETRY_AFTER_MS: i64 = 2000;

/// A cheaply cloned handle: clones share the connection and the health state.
#[derive(Clone)]
pub struct Redis {
    client: Client,
    connection: ConnectionManager,
    prefix: Arc<str>,
    health: Arc<Health>,
}

#[derive(Default)]
struct Health {
    degraded: AtomicBool,
    /// While degraded: when Redis may be tried again (monotonic ms).
    retry_at: AtomicI64,
}

impl Redis {
    /// Connects lazily: a Redis that is down at start-up does not stop the service.
    pub fn new(config: &RedisConfig) -> anyhow::Result<Self> {
        let client = Client::open(config.url.expose())?;
        let settings = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CALL_TIMEOUT))
            .set_response_timeout(Some(CALL_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        Ok(Self {
            connection: ConnectionManager::new_lazy_with_config(client.clone(), settings)?,
            client,
            prefix: config.prefix.as_str().into(),
            health: Arc::default(),
        })
    }

    /// `{REDIS_PREFIX}:{name}`: every key this service writes.
    pub fn key(&self, name: impl std::fmt::Display) -> String {
        format!("{}:{name}", self.prefix)
    }

    /// Whether the last call reached Redis.
    pub fn is_up(&self) -> bool {
        !self.health.degraded.load(Ordering::Relaxed)
    }

    /// Runs `call` on the shared connection, bounded in time. `None` when Redis failed
    /// now or failed less than two seconds ago: the caller takes its fallback path.
    pub async fn call<T, F, Fut>(&self, call: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        if !self.is_up() && monotonic_ms() < self.health.retry_at.load(Ordering::Relaxed) {
            return None;
        }
        self.call_now(call).await
    }

    /// As [`Redis::call`], but tried even within two seconds of a failure: for writes that
    /// must not be skipped while a working Redis can take them (an invalidation). The
    /// first command after Redis restarted meets the dropped connection and fails; the
    /// connection is made again for the next one.
    pub async fn call_now<T, F, Fut>(&self, call: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        match tokio::time::timeout(CALL_TIMEOUT * 2, call(self.connection.clone())).await {
            Ok(Ok(answer)) => {
                self.mark_up();
                Some(answer)
            }
            Ok(Err(error)) => {
                self.mark_down(&error.to_string());
                None
            }
            Err(_) => {
                self.mark_down("timed out");
                None
            }
        }
    }

    /// A connection of its own, for blocking commands (BRPOP) that must not hold up the
    /// shared one. Answers may take up to `wait` plus the usual bound.
    pub async fn dedicated(&self, wait: Duration) -> Option<MultiplexedConnection> {
        let settings = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CALL_TIMEOUT))
            .set_response_timeout(Some(wait + CALL_TIMEOUT));
        match self
            .client
            .get_multiplexed_async_connection_with_config(&settings)
            .await
        {
            Ok(connection) => Some(connection),
            Err(error) => {
                self.mark_down(&error.to_string());
                None
            }
        }
    }

    pub fn mark_up(&self) {
        if self.health.degraded.swap(false, Ordering::Relaxed) {
            tracing::info!(
                "redis answers again: cache in use, rate limits shared, jobs dispatched through redis"
            );
        }
    }

    pub fn mark_down(&self, why: &str) {
        self.health
            .retry_at
            .store(monotonic_ms() + RETRY_AFTER_MS, Ordering::Relaxed);
        if !self.health.degraded.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                error = why,
                "redis unavailable: cache bypassed, rate limits per replica, jobs polled from the database"
            );
        }
    }
}

/// Milliseconds on a monotonic clock private to this process: when to ask Redis again
/// is a matter of elapsed time, not of the date.
fn monotonic_ms() -> i64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed().as_millis() as i64
}
