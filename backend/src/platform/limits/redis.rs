use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Script};
use sha2::{Digest, Sha256};

use super::{BoxFuture, Decision, MemoryLimiter, RateLimiter, Rule};
use crate::config::RedisConfig;
use crate::platform::time::now_ms;

/// No request waits longer than this for Redis before falling back.
const CALL_TIMEOUT: Duration = Duration::from_millis(250);
/// After a failure, requests go straight to memory for this long before Redis is tried again.
const RETRY_AFTER_MS: i64 = 2000;

/// Counts within the limit, or answers how long the window still runs.
static HIT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local count = tonumber(redis.call('GET', KEYS[1]) or '0')
        if count >= tonumber(ARGV[1]) then
            return {0, redis.call('PTTL', KEYS[1])}
        end
        count = redis.call('INCR', KEYS[1])
        if count == 1 then
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return {1, redis.call('PTTL', KEYS[1])}
        ",
    )
});

static CHECK: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local count = tonumber(redis.call('GET', KEYS[1]) or '0')
        return {count, redis.call('PTTL', KEYS[1])}
        ",
    )
});

static FORGIVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
            redis.call('DECR', KEYS[1])
        end
        return 1
        ",
    )
});

/// Counters shared by every replica in Redis: fixed windows, each counted and checked in
/// one script, so concurrent attempts on different replicas cannot pass the limit
/// together. When Redis does not answer within 250 ms, the limiter falls back to this
/// process's memory (each replica then counts alone) and says so once in the log; for
/// the next two seconds requests do not wait on Redis at all, then it is tried again, and
/// the limiter returns to it by itself once it answers.
pub struct RedisLimiter {
    redis: ConnectionManager,
    prefix: String,
    fallback: MemoryLimiter,
    degraded: AtomicBool,
    /// While degraded: when Redis may be tried again (epoch ms).
    retry_at: AtomicI64,
}

impl RedisLimiter {
    /// Connects lazily: a Redis that is down at start-up does not stop the service.
    pub fn new(config: &RedisConfig) -> anyhow::Result<Self> {
        let client = Client::open(config.url.expose())?;
        let settings = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CALL_TIMEOUT))
            .set_response_timeout(Some(CALL_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        Ok(Self {
            redis: ConnectionManager::new_lazy_with_config(client, settings)?,
            prefix: config.prefix.clone(),
            fallback: MemoryLimiter::new(),
            degraded: AtomicBool::new(false),
            retry_at: AtomicI64::new(0),
        })
    }

    /// Keys carry a hash of the counted value (an email address, an IP), not the value.
    fn key(&self, rule: &Rule, key: &str) -> String {
        let digest = hex::encode(&Sha256::digest(key.as_bytes())[..16]);
        format!("{}:limit:{}:{digest}", self.prefix, rule.name)
    }

    async fn run(&self, script: &Script, rule: &Rule, key: &str) -> Option<(i64, i64)> {
        if self.degraded.load(Ordering::Relaxed) && now_ms() < self.retry_at.load(Ordering::Relaxed) {
            return None;
        }
        let mut redis = self.redis.clone();
        let mut invocation = script.key(self.key(rule, key));
        invocation.arg(rule.limit).arg(rule.window.as_millis() as u64);
        let outcome = tokio::time::timeout(
            CALL_TIMEOUT * 2,
            invocation.invoke_async::<(i64, i64)>(&mut redis),
        )
        .await;
        match outcome {
            Ok(Ok(answer)) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("redis answers again: rate limits are shared across replicas");
                }
                Some(answer)
            }
            Ok(Err(e)) => self.degrade(&e.to_string()),
            Err(_) => self.degrade("timed out"),
        }
    }

    fn degrade<T>(&self, why: &str) -> Option<T> {
        self.retry_at.store(now_ms() + RETRY_AFTER_MS, Ordering::Relaxed);
        if !self.degraded.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                error = why,
                "redis unavailable: rate limits fall back to this replica's memory"
            );
        }
        None
    }

    /// Whether the last call reached Redis.
    pub fn is_shared(&self) -> bool {
        !self.degraded.load(Ordering::Relaxed)
    }
}

fn limited(pttl_ms: i64) -> Decision {
    Decision::Limited {
        retry_after: Duration::from_millis(pttl_ms.max(1000) as u64),
    }
}

impl RateLimiter for RedisLimiter {
    fn hit<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, Decision> {
        Box::pin(async move {
            match self.run(&HIT, rule, key).await {
                Some((1, _)) => Decision::Allowed,
                Some((_, pttl)) => limited(pttl),
                None => self.fallback.hit(rule, key).await,
            }
        })
    }

    fn check<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, Decision> {
        Box::pin(async move {
            match self.run(&CHECK, rule, key).await {
                Some((count, pttl)) if count >= i64::from(rule.limit) => limited(pttl),
                Some(_) => Decision::Allowed,
                None => self.fallback.check(rule, key).await,
            }
        })
    }

    fn forgive<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if !self.is_shared() {
                return self.fallback.forgive(rule, key).await;
            }
            let mut redis = self.redis.clone();
            let forgiven = tokio::time::timeout(
                CALL_TIMEOUT * 2,
                FORGIVE.key(self.key(rule, key)).invoke_async::<i64>(&mut redis),
            )
            .await;
            if !matches!(forgiven, Ok(Ok(_))) {
                self.fallback.forgive(rule, key).await;
            }
        })
    }
}
