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
//!
//! Each process also keeps what it read in memory, stamped like the Redis entry. A
//! remembered entry is served only once this request has seen, in Redis, that its
//! scope's generation and the epoch are still the ones it was stamped with: a warm
//! lookup is one round trip that fetches two short counters, not the entry, and a
//! second lookup in the same scope within one request (the session, then the profile)
//! is confirmed by the first ([`Confirmed`]) and costs none. An invalidation therefore
//! still stops every replica's next request at once.
//!
//! Without Redis, on SQLite, the generations live in a file beside the database that
//! every process on it maps into memory ([`generations`]): entries are kept in memory
//! only, and a lookup costs no round trip at all. On PostgreSQL without Redis there is
//! no cache (replicas on other machines could not see each other's invalidations).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use redis::Script;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::platform::redis::Redis;

pub mod generations;

use generations::Generations;

/// How long an entry may live without being invalidated.
const ENTRY_TTL: Duration = Duration::from_secs(60);
/// Generations outlive every entry that could carry them.
const GENERATION_TTL: Duration = Duration::from_secs(24 * 3600);
/// How often a missed invalidation is retried in the background.
const FLUSH_RETRY: Duration = Duration::from_millis(500);
/// The epoch of a cache without Redis: its generations cannot miss an invalidation.
const LOCAL_EPOCH: &str = "local";
/// How many entries a process remembers; past it, it forgets them all and starts again.
const REMEMBERED_ENTRIES: usize = 4096;

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

/// A scope's generation and the epoch as this request saw them in Redis: what a later
/// lookup in the same scope and request compares its remembered entry with.
#[derive(Clone, Debug)]
pub struct Confirmed {
    scope: String,
    stamp: String,
}

/// The generation and epoch a reader saw before it read the database.
pub struct Ticket {
    key: String,
    scope: String,
    generation: String,
    epoch: String,
}

/// What an entry records of the state it was read in: `{epoch}.{generation}`.
fn stamp_of(epoch: &str, generation: &str) -> String {
    format!("{epoch}.{generation}")
}

/// An entry this process read, as stored in Redis: its stamp and its JSON.
struct Remembered {
    stamp: String,
    json: Arc<str>,
    /// Entries live in memory no longer than in Redis.
    at: Instant,
}

/// The cache of one process; a no-op without Redis.
#[derive(Clone)]
pub struct Cache {
    redis: Option<Redis>,
    /// Without Redis, on SQLite: the generations every process on the database shares.
    local: Option<Arc<Generations>>,
    /// An invalidation did not reach Redis: bypass until the epoch moves.
    owes_flush: Arc<AtomicBool>,
    /// What this process read, by entry key; served only once confirmed.
    remembered: Arc<Mutex<HashMap<String, Remembered>>>,
}

impl Cache {
    pub fn new(redis: Option<Redis>) -> Self {
        Self {
            redis,
            local: None,
            owes_flush: Arc::default(),
            remembered: Arc::default(),
        }
    }

    /// A cache in this process's memory whose entries are retired through `generations`
    /// (shared by every process on the same SQLite database).
    pub fn local(generations: Generations) -> Self {
        Self {
            local: Some(Arc::new(generations)),
            ..Self::new(None)
        }
    }

    /// Whether anything is cached.
    pub fn is_on(&self) -> bool {
        self.redis.is_some() || self.local.is_some()
    }

    /// The entry `key` of `scope`: one round trip.
    pub async fn get<T: DeserializeOwned>(&self, key: &str, scope: &str) -> Lookup<T> {
        self.get_confirming(key, scope).await.0
    }

    /// As [`Cache::get`], with what this lookup saw of the scope when it was a hit: a
    /// later lookup in the same scope and request may pass it to [`Cache::get_json`].
    pub async fn get_confirming<T: DeserializeOwned>(
        &self,
        key: &str,
        scope: &str,
    ) -> (Lookup<T>, Option<Confirmed>) {
        match self.lookup(key, scope, None).await {
            (Lookup::Hit(json), confirmed) => match serde_json::from_str(&json) {
                Ok(value) => (Lookup::Hit(value), confirmed),
                // An entry that no longer decodes (its shape changed): read it again.
                Err(_) => (self.ticket(key, confirmed), None),
            },
            (Lookup::Miss(ticket), _) => (Lookup::Miss(ticket), None),
            (Lookup::Bypass, _) => (Lookup::Bypass, None),
        }
    }

    /// The entry's JSON as stored: no round trip when an entry remembered here carries
    /// the stamp `confirmed` saw, else one.
    pub async fn get_json(&self, key: &str, scope: &str, confirmed: Option<&Confirmed>) -> Lookup<Arc<str>> {
        self.lookup(key, scope, confirmed).await.0
    }

    async fn lookup(
        &self,
        key: &str,
        scope: &str,
        confirmed: Option<&Confirmed>,
    ) -> (Lookup<Arc<str>>, Option<Confirmed>) {
        let found = self.find(key, scope, confirmed).await;
        let result = match &found.0 {
            Lookup::Hit(_) => "hit",
            Lookup::Miss(_) => "miss",
            Lookup::Bypass => "bypass",
        };
        crate::platform::metrics::metrics().lookup(result);
        found
    }

    async fn find(
        &self,
        key: &str,
        scope: &str,
        confirmed: Option<&Confirmed>,
    ) -> (Lookup<Arc<str>>, Option<Confirmed>) {
        if let Some(local) = &self.local {
            return self.lookup_local(local, key, scope);
        }
        let Some(redis) = &self.redis else {
            return (Lookup::Bypass, None);
        };
        if !self.settle_flush(redis).await {
            return (Lookup::Bypass, None);
        }
        let remembered = self.remembered(key);
        if let (Some(confirmed), Some((stamp, json))) = (confirmed, &remembered)
            && confirmed.scope == scope
            && confirmed.stamp == *stamp
        {
            return (Lookup::Hit(json.clone()), Some(confirmed.clone()));
        }
        let counters = [generation_key(redis, scope), redis.key("cache-epoch")];
        if let Some((stamp, json)) = remembered {
            // Usually the entry is still current: fetch the two counters only.
            let Some((generation, epoch, _)) = self.counters(redis, &counters, None).await else {
                return (Lookup::Bypass, None);
            };
            if stamp_of(&epoch, &generation) == stamp {
                let confirmed = Confirmed {
                    scope: scope.to_owned(),
                    stamp,
                };
                return (Lookup::Hit(json), Some(confirmed));
            }
        }
        let entry_key = redis.key(format_args!("cache:{key}"));
        let Some((generation, epoch, entry)) = self.counters(redis, &counters, Some(entry_key)).await else {
            return (Lookup::Bypass, None);
        };
        let current = stamp_of(&epoch, &generation);
        if let Some(entry) = entry
            && let Some((entry_stamp, json)) = entry.split_once('\n')
            && entry_stamp == current
        {
            let json: Arc<str> = Arc::from(json);
            self.remember(key, &current, json.clone());
            let confirmed = Confirmed {
                scope: scope.to_owned(),
                stamp: current,
            };
            return (Lookup::Hit(json), Some(confirmed));
        }
        let ticket = Ticket {
            key: key.to_owned(),
            scope: scope.to_owned(),
            generation,
            epoch,
        };
        (Lookup::Miss(ticket), None)
    }

    /// A lookup without Redis: the scope's generation is a load from shared memory.
    fn lookup_local(
        &self,
        local: &Generations,
        key: &str,
        scope: &str,
    ) -> (Lookup<Arc<str>>, Option<Confirmed>) {
        let generation = local.current(scope).to_string();
        let current = stamp_of(LOCAL_EPOCH, &generation);
        if let Some((stamp, json)) = self.remembered(key)
            && stamp == current
        {
            let confirmed = Confirmed {
                scope: scope.to_owned(),
                stamp,
            };
            return (Lookup::Hit(json), Some(confirmed));
        }
        let ticket = Ticket {
            key: key.to_owned(),
            scope: scope.to_owned(),
            generation,
            epoch: LOCAL_EPOCH.to_owned(),
        };
        (Lookup::Miss(ticket), None)
    }

    /// The scope's generation, the epoch and, when `entry_key` is given, the entry: one
    /// round trip (`None`: Redis did not answer).
    async fn counters(
        &self,
        redis: &Redis,
        counters: &[String; 2],
        entry_key: Option<String>,
    ) -> Option<(String, String, Option<String>)> {
        let keys: Vec<String> = entry_key.into_iter().chain(counters.iter().cloned()).collect();
        let mut values = redis
            .call(|mut redis| async move {
                redis::cmd("MGET")
                    .arg(&keys)
                    .query_async::<Vec<Option<String>>>(&mut redis)
                    .await
            })
            .await?;
        let epoch = values.pop().flatten().unwrap_or_else(|| "0".into());
        let generation = values.pop().flatten().unwrap_or_else(|| "0".into());
        Some((generation, epoch, values.pop().flatten()))
    }

    /// A ticket to store `key` again in the state `confirmed` saw.
    fn ticket<T>(&self, key: &str, confirmed: Option<Confirmed>) -> Lookup<T> {
        let Some(confirmed) = confirmed else {
            return Lookup::Bypass;
        };
        let (epoch, generation) = confirmed.stamp.split_once('.').unwrap_or(("0", "0"));
        Lookup::Miss(Ticket {
            key: key.to_owned(),
            scope: confirmed.scope,
            generation: generation.to_owned(),
            epoch: epoch.to_owned(),
        })
    }

    fn remembered(&self, key: &str) -> Option<(String, Arc<str>)> {
        let remembered = self
            .remembered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        remembered
            .get(key)
            .filter(|entry| entry.at.elapsed() < ENTRY_TTL)
            .map(|entry| (entry.stamp.clone(), entry.json.clone()))
    }

    fn remember(&self, key: &str, stamp: &str, json: Arc<str>) {
        let mut remembered = self
            .remembered
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if remembered.len() >= REMEMBERED_ENTRIES && !remembered.contains_key(key) {
            remembered.clear();
        }
        remembered.insert(
            key.to_owned(),
            Remembered {
                stamp: stamp.to_owned(),
                json,
                at: Instant::now(),
            },
        );
    }

    /// Stores what the reader read, unless its scope was invalidated meanwhile.
    pub async fn put<T: Serialize>(&self, ticket: Ticket, value: &T) {
        let Ok(json) = serde_json::to_string(value) else {
            return;
        };
        let stamp = stamp_of(&ticket.epoch, &ticket.generation);
        if let Some(local) = &self.local {
            // Stamped with the generation seen before the read: retired at once if an
            // invalidation came in between.
            if local.current(&ticket.scope).to_string() == ticket.generation {
                self.remember(&ticket.key, &stamp, Arc::from(json));
            }
            return;
        }
        let Some(redis) = &self.redis else { return };
        let mut invocation = PUT_IF_CURRENT.key(redis.key(format_args!("cache:{}", ticket.key)));
        invocation
            .key(generation_key(redis, &ticket.scope))
            .key(redis.key("cache-epoch"))
            .arg(&ticket.generation)
            .arg(&ticket.epoch)
            .arg(format!("{stamp}\n{json}"))
            .arg(ENTRY_TTL.as_millis() as u64);
        let stored = redis
            .call(|mut redis| async move { invocation.invoke_async::<i64>(&mut redis).await })
            .await;
        if stored == Some(1) {
            self.remember(&ticket.key, &stamp, Arc::from(json));
        }
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
        if let Some(local) = &self.local {
            local.bump(scope);
            return;
        }
        let Some(redis) = &self.redis else { return };
        let key = generation_key(redis, scope);
        let bump = |key: String| {
            redis.call_now(|mut redis| async move {
                redis::pipe()
                    .atomic()
                    .incr(&key, 1)
                    .ignore()
                    .pexpire(&key, GENERATION_TTL.as_millis() as i64)
                    .ignore()
                    .query_async::<()>(&mut redis)
                    .await
            })
        };
        // Tried twice, whatever Redis did a moment ago: once Redis restarts, the first
        // command meets the dropped connection, and another replica already back on Redis
        // would serve what this change retired for as long as the generation stood still.
        let done = match bump(key.clone()).await {
            Some(done) => Some(done),
            None => bump(key).await,
        };
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
