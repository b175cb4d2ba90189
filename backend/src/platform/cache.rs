//! A read-through cache in Redis whose entries are invalidated by scope.
//!
//! Every entry belongs to a scope (a user) and records the scope's generation and the
//! cache's epoch when it was read from the database. Invalidating a scope increments
//! its generation, which retires all its entries at once on every replica. A reader
//! takes the generation *before* it reads the database and stores its entry only if the
//! generation is still the same (one script), so a slow reader can never put back what
//! an invalidation just retired.
//!
//! When Redis does not answer the cache is bypassed: reads go to the database. An
//! invalidation that could not reach Redis is not forgotten: until it is made good this
//! process bypasses the cache, and as soon as Redis answers again it increments the
//! epoch, retiring every entry of every scope. Entries also expire after a minute.

use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::Script;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::platform::redis::Redis;

/// How long an entry may live without being invalidated.
const ENTRY_TTL: Duration = Duration::from_secs(60);
/// Generations outlive every entry that could carry them.
const GENERATION_TTL: Duration = Duration::from_secs(24 * 3600);
/// How often a missed invalidation is retried in the background.
const FLUSH_RETRY: Duration = Duration::from_millis(500);

/// Stores ARGV[3] under KEYS[1] only while the scope's generation (KEYS[2]) and the
/// epoch (KEYS[3]) are those the reader saw before reading the database.
static PUT_IF_CURRENT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
        local generation = redis.call('GET', KEYS[2]) or '0'
        local epoch = redis.call('GET', KEYS[3]) or '0'
        if generation == ARGV[1] and epoch == ARGV[2] then
            redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
            return 1
        end
        return 0
        ",
    )
});

/// A cache lookup: the value, or what a reader must remember to store one.
pub enum Lookup<T> {
    Hit(T),
    /// Not cached (or retired): read the database, then [`Cache::put`] with this ticket.
    Miss(Ticket),
    /// Redis is not usable now: read the database and store nothing.
    Bypass,
}

/// The generation and epoch a reader saw before it read the database.
pub struct Ticket {
    key: String,
    scope: String,
    generation: String,
    epoch: String,
}

/// What an entry records of the state it was read in: `{epoch}.{generation}`.
fn stamp(epoch: &str, generation: &str) -> String {
    format!("{epoch}.{generation}")
}

/// The cache of one process; a no-op without Redis.
#[derive(Clone)]
pub struct Cache {
    redis: Option<Redis>,
    /// An invalidation did not reach Redis: bypass until the epoch moves.
    owes_flush: Arc<AtomicBool>,
}

impl Cache {
    pub fn new(redis: Option<Redis>) -> Self {
        Self {
            redis,
            owes_flush: Arc::default(),
        }
    }

    /// One round trip: the entry, its scope's generation and the epoch.
    pub async fn get<T: DeserializeOwned>(&self, key: &str, scope: &str) -> Lookup<T> {
        let Some(redis) = &self.redis else {
            return Lookup::Bypass;
        };
        if !self.settle_flush(redis).await {
            return Lookup::Bypass;
        }
        let keys = [
            redis.key(format_args!("cache:{key}")),
            generation_key(redis, scope),
            redis.key("cache-epoch"),
        ];
        let Some(mut values) = redis
            .call(|mut redis| async move {
                redis::cmd("MGET")
                    .arg(&keys)
                    .query_async::<Vec<Option<String>>>(&mut redis)
                    .await
            })
            .await
        else {
            return Lookup::Bypass;
        };
        let epoch = values.pop().flatten().unwrap_or_else(|| "0".into());
        let generation = values.pop().flatten().unwrap_or_else(|| "0".into());
        if let Some(entry) = values.pop().flatten()
            && let Some((entry_stamp, json)) = entry.split_once('\n')
            && entry_stamp == stamp(&epoch, &generation)
            && let Ok(value) = serde_json::from_str(json)
        {
            return Lookup::Hit(value);
        }
        Lookup::Miss(Ticket {
            key: key.to_owned(),
            scope: scope.to_owned(),
            generation,
            epoch,
        })
    }

    /// Stores what the reader read, unless its scope was invalidated meanwhile.
    pub async fn put<T: Serialize>(&self, ticket: Ticket, value: &T) {
        let Some(redis) = &self.redis else { return };
        let Ok(json) = serde_json::to_string(value) else {
            return;
        };
        let mut invocation = PUT_IF_CURRENT.key(redis.key(format_args!("cache:{}", ticket.key)));
        invocation
            .key(generation_key(redis, &ticket.scope))
            .key(redis.key("cache-epoch"))
            .arg(&ticket.generation)
            .arg(&ticket.epoch)
            .arg(format!("{}\n{json}", stamp(&ticket.epoch, &ticket.generation)))
            .arg(ENTRY_TTL.as_millis() as u64);
        redis
            .call(|mut redis| async move { invocation.invoke_async::<i64>(&mut redis).await })
            .await;
    }

    /// The scope of everything cached about one user (their sessions and profile).
    pub fn user_scope(user_id: &str) -> String {
        format!("user:{user_id}")
    }

    /// Retires everything cached about `user_id` on every replica. Changes call it
    /// through [`super::work::UnitOfWork::user_changed`], after their commit.
    pub async fn user_changed(&self, user_id: &str) {
        self.invalidate(&Self::user_scope(user_id)).await;
    }

    /// Retires every entry of `scope` on every replica. Call it after the change commits.
    pub async fn invalidate(&self, scope: &str) {
        let Some(redis) = &self.redis else { return };
        let key = generation_key(redis, scope);
        let done = redis
            .call(|mut redis| async move {
                redis::pipe()
                    .atomic()
                    .incr(&key, 1)
                    .ignore()
                    .pexpire(&key, GENERATION_TTL.as_millis() as i64)
                    .ignore()
                    .query_async::<()>(&mut redis)
                    .await
            })
            .await;
        if done.is_some() || self.owes_flush.swap(true, Ordering::Relaxed) {
            return;
        }
        tracing::warn!(
            scope,
            "a cache invalidation did not reach redis: the cache is bypassed until the whole cache is retired"
        );
        // Other replicas may read the stale entries once Redis is back: retire them as
        // soon as it answers, even if this process reads nothing meanwhile. Past an
        // entry's lifetime there is nothing stale left to retire.
        let cache = self.clone();
        let redis = redis.clone();
        tokio::spawn(async move {
            let attempts = ENTRY_TTL.as_millis() / FLUSH_RETRY.as_millis();
            for _ in 0..attempts {
                if cache.settle_flush(&redis).await {
                    return;
                }
                tokio::time::sleep(FLUSH_RETRY).await;
            }
        });
    }

    /// Pays a pending flush; `false` while it cannot be paid.
    async fn settle_flush(&self, redis: &Redis) -> bool {
        if !self.owes_flush.load(Ordering::Relaxed) {
            return true;
        }
        let key = redis.key("cache-epoch");
        let flushed = redis
            .call(
                |mut redis| async move { redis::cmd("INCR").arg(&key).query_async::<i64>(&mut redis).await },
            )
            .await
            .is_some();
        if flushed {
            self.owes_flush.store(false, Ordering::Relaxed);
            tracing::info!("the whole cache was retired after a missed invalidation");
        }
        flushed
    }
}

fn generation_key(redis: &Redis, scope: &str) -> String {
    redis.key(format_args!("cache-generation:{scope}"))
}
