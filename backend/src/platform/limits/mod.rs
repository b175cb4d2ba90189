//! Rate limits: fixed windows counted per rule and key. The embedded limiter keeps its
//! counters in this process's memory; a shared (Redis) limiter implements the same trait.

mod memory;
mod redis;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use memory::MemoryLimiter;
pub use redis::RedisLimiter;

/// How many events a key may cause in a window.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub limit: u32,
    pub window: Duration,
}

/// Whether an event may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Limited { retry_after: Duration },
}

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait RateLimiter: Send + Sync + 'static {
    /// Counts one event for `key` and answers whether it is within the rule.
    fn hit<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, Decision>;
    /// Answers whether the rule's budget is already spent, counting nothing.
    fn check<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, Decision>;
    /// Forgets every counted event for `key` (a proven owner cleared the account).
    fn reset<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, ()>;
}
