//! What every handler can reach.

use std::sync::Arc;

use crate::accounts::{PasswordHasher, TokenKeys};
use crate::config::Config;
use crate::platform::db::Db;
use crate::platform::jobs::JobQueue;
use crate::platform::limits::{MemoryLimiter, RateLimiter, RedisLimiter};
use crate::platform::mail::Mailer;
use crate::vault::Vault;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub jobs: JobQueue,
    pub limiter: Arc<dyn RateLimiter>,
    pub tokens: Arc<TokenKeys>,
    pub passwords: PasswordHasher,
    pub vault: Vault,
    pub mailer: Arc<dyn Mailer>,
}

impl AppState {
    /// Limits in Redis or memory, jobs in the database, the vault's store as configured.
    pub fn new(config: Config, db: Db, vault: Vault, mailer: Arc<dyn Mailer>) -> Self {
        let tokens = TokenKeys::new(&config.secret_key_bases, &config.api_url);
        let hashing = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        Self {
            jobs: JobQueue::new(db.clone()),
            limiter: limiter(&config),
            tokens: Arc::new(tokens),
            passwords: PasswordHasher::new(hashing),
            vault,
            mailer,
            config: Arc::new(config),
            db,
        }
    }
}

/// Shared counters in Redis when `REDIS_URL` is set, else this process's memory.
fn limiter(config: &Config) -> Arc<dyn RateLimiter> {
    match &config.redis {
        Some(redis) => match RedisLimiter::new(redis) {
            Ok(limiter) => Arc::new(limiter),
            Err(e) => {
                tracing::error!(error = %e, "REDIS_URL is not usable: rate limits stay in memory");
                Arc::new(MemoryLimiter::new())
            }
        },
        None => Arc::new(MemoryLimiter::new()),
    }
}
