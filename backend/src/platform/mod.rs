//! Adapters to the outside world. Each has an embedded and a production implementation,
//! chosen from configuration at start-up; domain code never knows which one it talks to.
//!
//! The platform knows no capability: it is what capabilities are built on.

pub mod aws;
pub mod cache;
pub mod clock;
pub mod crypto;
pub mod db;
pub mod events;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod memory;
pub mod metrics;
pub mod redis;
pub mod schedule;
pub mod storage;
pub mod time;
pub mod work;

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use cache::Cache;
use cache::generations::Generations;
use clock::Clock;
use db::Db;
use events::Events;
use jobs::admin::{PurgeDeadJobs, PurgeDeadJobsHandler};
use jobs::dispatch::Dispatch;
use jobs::{JobQueue, JobRegistry};
use limits::{MemoryLimiter, RateLimiter, RedisLimiter};
use mail::{Mailer, SendLetter, SendLetterHandler};
use memory::MemoryBudget;
use redis::Redis;
use schedule::Schedule;
use storage::ObjectStore;
use work::Work;

/// Everything a capability may be wired with: the adapters of this process, connected.
#[derive(Clone)]
pub struct Platform {
    pub config: Arc<Config>,
    pub clock: Clock,
    pub db: Db,
    /// Set when `REDIS_URL` is; its health shows on `/up`.
    pub redis: Option<Redis>,
    pub cache: Cache,
    pub jobs: JobQueue,
    pub events: Events,
    pub limiter: Arc<dyn RateLimiter>,
    pub storage: Arc<dyn ObjectStore>,
    pub mailer: Arc<dyn Mailer>,
    /// What jobs holding large buffers (decoded images) may use together: half the
    /// process's memory limit, the rest left to requests, caches and the runtime.
    pub memory: MemoryBudget,
}

impl Platform {
    /// Connects the adapters the configuration names around `db`. With `REDIS_URL`:
    /// shared limits, the cache and job dispatch through Redis; without: limits in
    /// memory, jobs polled from the database, and a cache only on SQLite (in memory,
    /// retired through a file beside the database that every process on it maps).
    pub async fn connect(config: Config, db: Db, clock: Clock) -> anyhow::Result<Self> {
        let storage = storage::connect(&config.storage, &config.secret_key_bases.current, clock.clone())?;
        let mailer = mail::connect(&config)?;
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
        let jobs = JobQueue::new(db.clone(), clock.clone()).with_lease(config.job_lease);
        let jobs = match &redis {
            Some(redis) => jobs.with_dispatch(Dispatch::new(redis.clone())),
            None => jobs,
        };
        let cache = match (&redis, config.database_url.sqlite_file()) {
            (None, Some(database)) => match Generations::beside(&database) {
                Ok(generations) => Cache::local(generations),
                Err(e) => {
                    tracing::warn!(error = %e, "the cache's generations cannot be mapped: running without a cache");
                    Cache::new(None)
                }
            },
            _ => Cache::new(redis.clone()),
        };
        Ok(Self {
            cache,
            redis,
            jobs,
            events: Events::new(),
            limiter,
            storage,
            mailer,
            memory: MemoryBudget::new(config.memory.bytes / 2),
            config: Arc::new(config),
            clock,
            db,
        })
    }

    /// The platform's own jobs: dead jobs purged, generic letters sent.
    pub fn jobs(&self) -> JobRegistry {
        JobRegistry::new()
            .register::<PurgeDeadJobs, _>(PurgeDeadJobsHandler {
                db: self.db.clone(),
                clock: self.clock.clone(),
            })
            .register::<SendLetter, _>(SendLetterHandler {
                mailer: self.mailer.clone(),
                from: self.config.mail_from.clone(),
            })
    }

    /// The platform's own periodic tasks.
    pub fn schedule(&self) -> Schedule {
        Schedule::new().every(
            "jobs.purge_dead",
            Duration::from_secs(24 * 3600),
            PurgeDeadJobs {},
        )
    }

    /// What a capability's changes go through (see [`work`]).
    pub fn work(&self) -> Work {
        Work::new(
            self.db.clone(),
            self.clock.clone(),
            self.jobs.clone(),
            self.events.clone(),
            self.cache.clone(),
        )
    }
}
