use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;
use sha2::{Digest, Sha256};

use super::{BoxFuture, Decision, MemoryLimiter, RateLimiter, Rule};
use crate::platform::redis::Redis;

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

/// Counters shared by every replica in Redis: fixed windows, each counted and checked in
/// one script, so concurrent attempts on different replicas cannot pass the limit
/// together. While Redis does not answer (see [`Redis::call`]), the limiter counts in
/// this process's memory, so each replica then counts alone; it returns to Redis by
/// itself once Redis answers.
pub struct RedisLimiter {
    redis: Redis,
    fallback: MemoryLimiter,
}

impl RedisLimiter {
    pub fn new(redis: Redis) -> Self {
        Self {
            redis,
            fallback: MemoryLimiter::new(),
        }
    }

    /// Keys carry a hash of the counted value (an email address, an IP), not the value.
    fn key(&self, rule: &Rule, key: &str) -> String {
        let digest = hex::encode(&Sha256::digest(key.as_bytes())[..16]);
        self.redis.key(format_args!("limit:{}:{digest}", rule.name))
    }

    async fn run(&self, script: &Script, rule: &Rule, key: &str) -> Option<(i64, i64)> {
        let mut invocation = script.key(self.key(rule, key));
        invocation.arg(rule.limit).arg(rule.window.as_millis() as u64);
        self.redis
            .call(|mut redis| async move { invocation.invoke_async::<(i64, i64)>(&mut redis).await })
            .await
    }

    /// Whether the last call reached Redis.
    pub fn is_shared(&self) -> bool {
        self.redis.is_up()
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

    fn reset<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            // Both: the memory window counted while Redis was away, if it was.
            self.fallback.reset(rule, key).await;
            let counter = self.key(rule, key);
            let _ = self
                .redis
                .call(|mut redis| async move {
                    redis::cmd("DEL")
                        .arg(counter)
                        .query_async::<i64>(&mut redis)
                        .await
                })
                .await;
        })
    }
}
