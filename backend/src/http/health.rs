use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::platform::Platform;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the status is 200.
    pub status: &'static str,
    /// `up` or `down` when `REDIS_URL` is set (absent otherwise). Redis is not a liveness
    /// dependency: while it is down the API serves without it and this stays 200.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<&'static str>,
}

/// How long a database check answers for: `/up` pings at most once in this window, however
/// many requests it gets (a load balancer per replica, and anything else that asks).
const FRESH_FOR: Duration = Duration::from_secs(1);
/// The longest a ping may take. With [`FRESH_FOR`], a database that stops answering is
/// reported within 2 s: the last good answer is at most 1 s old, and the next check gives
/// up after 1 s (requests arriving meanwhile wait for it rather than reuse a stale answer).
const PING_TIMEOUT: Duration = Duration::from_secs(1);

/// The database's last known state, shared by every `/up` request of the process
/// (cloned per request: one reference count).
#[derive(Clone)]
pub struct Liveness {
    inner: Arc<Checked>,
}

struct Checked {
    platform: Platform,
    started: Instant,
    /// When the last check finished, in ms since `started`; 0: never.
    at_ms: AtomicU64,
    up: AtomicBool,
    /// One check at a time; others wait for its answer.
    checking: tokio::sync::Mutex<()>,
}

impl Liveness {
    pub fn new(platform: Platform) -> Self {
        Self {
            inner: Arc::new(Checked {
                platform,
                started: Instant::now(),
                at_ms: AtomicU64::new(0),
                up: AtomicBool::new(false),
                checking: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The last answer while fresh; else a new one (one ping for all who ask meanwhile).
    async fn database_up(&self) -> bool {
        if let Some(up) = self.fresh() {
            return up;
        }
        let _checking = self.inner.checking.lock().await;
        if let Some(up) = self.fresh() {
            return up;
        }
        let up = self.inner.platform.db.ping(PING_TIMEOUT).await;
        self.inner.up.store(up, Ordering::Release);
        let now = self.inner.started.elapsed().as_millis() as u64;
        self.inner.at_ms.store(now.max(1), Ordering::Release);
        up
    }

    fn fresh(&self) -> Option<bool> {
        let at = self.inner.at_ms.load(Ordering::Acquire);
        let now = self.inner.started.elapsed().as_millis() as u64;
        (at != 0 && now.saturating_sub(at) < FRESH_FOR.as_millis() as u64)
            .then(|| self.inner.up.load(Ordering::Acquire))
    }
}

/// Liveness for the load balancer: 200 only when the database answers (checked at most
/// once a second, a down database reported within 2 s); Redis's state is reported, not
/// required.
#[utoipa::path(get, path = "/up", tag = "platform",
    responses(
        (status = 200, description = "Serving, database reachable", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn up(State(state): State<Liveness>) -> Result<axum::Json<Health>, ApiError> {
    if state.database_up().await {
        let redis = state
            .inner
            .platform
            .redis
            .as_ref()
            .map(|redis| if redis.is_up() { "up" } else { "down" });
        Ok(axum::Json(Health { status: "ok", redis }))
    } else {
        Err(ApiError::unavailable(codes::DATABASE_UNAVAILABLE))
    }
}
