use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{BoxFuture, Decision, RateLimiter, Rule};

/// Counters in this process's memory: right for one embedded process; with several
/// replicas each counts alone, which is why production shares them in Redis.
#[derive(Debug, Default)]
pub struct MemoryLimiter {
    windows: Mutex<HashMap<(&'static str, String), Window>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    length: Duration,
    count: u32,
}

/// Above this many keys, expired windows are swept on the next hit.
const SWEEP_ABOVE: usize = 10_000;

impl MemoryLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    fn decide(window: &Window, rule: &Rule, now: Instant) -> Decision {
        if window.count < rule.limit {
            Decision::Allowed
        } else {
            let retry_after = (window.started + window.length).saturating_duration_since(now);
            Decision::Limited {
                retry_after: retry_after.max(Duration::from_secs(1)),
            }
        }
    }
}

impl RateLimiter for MemoryLimiter {
    fn hit<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, Decision> {
        let now = Instant::now();
        let mut windows = self.windows.lock().expect("limiter lock poisoned");
        if windows.len() > SWEEP_ABOVE {
            windows.retain(|_, w| now < w.started + w.length);
        }
        let window = windows
            .entry((rule.name, key.to_string()))
            .and_modify(|w| {
                if now >= w.started + w.length {
                    *w = Window {
                        started: now,
                        length: rule.window,
                        count: 0,
                    };
                }
            })
            .or_insert(Window {
                started: now,
                length: rule.window,
                count: 0,
            });
        let decision = Self::decide(window, rule, now);
        if decision == Decision::Allowed {
            window.count += 1;
        }
        Box::pin(std::future::ready(decision))
    }

    fn check<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, Decision> {
        let now = Instant::now();
        let windows = self.windows.lock().expect("limiter lock poisoned");
        let decision = match windows.get(&(rule.name, key.to_string())) {
            Some(window) if now < window.started + window.length => Self::decide(window, rule, now),
            _ => Decision::Allowed,
        };
        Box::pin(std::future::ready(decision))
    }

    fn reset<'a>(&'a self, rule: &'a Rule, key: &'a str) -> BoxFuture<'a, ()> {
        let mut windows = self.windows.lock().expect("limiter lock poisoned");
        windows.remove(&(rule.name, key.to_string()));
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule {
        name: "test",
        limit: 3,
        window: Duration::from_secs(60),
    };

    #[tokio::test]
    async fn a_reset_forgets_every_event_of_its_key_only() {
        let limiter = MemoryLimiter::new();
        for _ in 0..3 {
            limiter.hit(&RULE, "k").await;
            limiter.hit(&RULE, "other").await;
        }
        limiter.reset(&RULE, "k").await;
        assert_eq!(limiter.hit(&RULE, "k").await, Decision::Allowed);
        assert!(matches!(
            limiter.hit(&RULE, "other").await,
            Decision::Limited { .. }
        ));
    }

    #[tokio::test]
    async fn the_limit_th_event_passes_and_the_next_is_limited() {
        let limiter = MemoryLimiter::new();
        for _ in 0..3 {
            assert_eq!(limiter.hit(&RULE, "k").await, Decision::Allowed);
        }
        assert!(matches!(
            limiter.check(&RULE, "k").await,
            Decision::Limited { .. }
        ));
        assert!(matches!(limiter.hit(&RULE, "k").await, Decision::Limited { .. }));
        assert_eq!(limiter.hit(&RULE, "other").await, Decision::Allowed);
    }

    #[tokio::test]
    async fn a_window_resets_after_its_length() {
        let limiter = MemoryLimiter::new();
        let short = Rule {
            window: Duration::from_millis(30),
            ..RULE
        };
        for _ in 0..3 {
            limiter.hit(&short, "k").await;
        }
        assert!(matches!(
            limiter.check(&short, "k").await,
            Decision::Limited { .. }
        ));
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(limiter.hit(&short, "k").await, Decision::Allowed);
    }
}
