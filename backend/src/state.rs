//! What every handler can reach.

use std::sync::Arc;

use crate::accounts::{PasswordHasher, TokenKeys};
use crate::config::Config;
use crate::platform::cache::Cache;
use crate::platform::db::Db;
use crate::platform::jobs::JobQueue;
use crate::platform::jobs::dispatch::Dispatch;
use crate::platform::limits::{MemoryLimiter, RateLimiter, RedisLimiter};
use crate::platform::mail::Mailer;
use crate::platform::redis::Redis;
use crate::vault::Vault;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    /// Set when `REDIS_URL` is; its health shows on `/up`.
    pub redis: Option<Redis>,
    pub cache: Cache,
    pub jobs: JobQueue,
    pub limiter: Arc<dyn RateLimiter>,
    pub tokens: Arc<TokenKeys>,
    pub passwords: PasswordHasher,
    pub vault: Vault,
    pub mailer: Arc<dyn Mailer>,
}

impl AppState {
    /// With `REDIS_URL`: shared limits, the cache and job dispatch through Redis.
    /// Without: limits in memory, no cache, jobs polled from the database.
    pub fn new(config: Config, db: Db, vault: Vault, mailer: Arc<dyn Mailer>) -> Self {
        let tokens = TokenKeys::new(&config.secret_key_bases, &config.api_url);
        let hashing = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        let redis = config
            .redis
            .as_ref()
            .and_then(|settings| match Redis::new(settings) {
                Ok(redis) => Some(redis),
                Err(e) => {
                    tracing::error!(error = %e, "REDIS_URL is not usable: running without redis");
                    None
                }
            });
        let limiter: Arc<dyn RateLimiter> = match &redis {
            Some(redis) => Arc::new(RedisLimiter::new(redis.clone())),
            None => Arc::new(MemoryLimiter::new()),
        };
        let jobs = JobQueue::new(db.clone()).with_lease(config.job_lease);
        let jobs = match &redis {
            Some(redis) => jobs.with_dispatch(Dispatch::new(redis.clone())),
            None => jobs,
        };
        Self {
            cache: Cache::new(redis.clone()),
            redis,
            jobs,
            limiter,
            tokens: Arc::new(tokens),
            passwords: PasswordHasher::new(hashing),
            vault,
            mailer,
            config: Arc::new(config),
            db,
        }
    }
}
