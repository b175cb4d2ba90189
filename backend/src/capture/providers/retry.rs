//! Trying a call again: a few attempts, waits growing from `base`, or as long as the
//! provider's `retry-after` says — unless that is longer than we will wait, when the
//! capture fails now with a reason to try later.

use std::future::Future;
use std::time::Duration;

use super::CallError;

/// How often and how patiently a call is tried.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub attempts: u32,
    pub base: Duration,
    /// The longest single wait.
    pub max_wait: Duration,
}

impl Backoff {
    pub const PROVIDERS: Self = Self {
        attempts: 3,
        base: Duration::from_millis(500),
        max_wait: Duration::from_secs(20),
    };
}

/// Calls `call` until it succeeds, fails for good, or `backoff.attempts` are spent.
pub async fn with_retries<T, F, Fut>(backoff: Backoff, mut call: F) -> Result<T, CallError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CallError>>,
{
    let mut attempt = 1;
    loop {
        let error = match call().await {
            Ok(answer) => return Ok(answer),
            Err(permanent @ CallError::Permanent { .. }) => return Err(permanent),
            Err(error) => error,
        };
        let CallError::Transient { reason, retry_after } = &error else {
            unreachable!("permanent errors returned above")
        };
        if attempt >= backoff.attempts {
            return Err(CallError::Permanent {
                reason: format!("{reason}; tried {attempt} times"),
            });
        }
        let wait = retry_after.unwrap_or(backoff.base * 2u32.pow(attempt - 1));
        if wait > backoff.max_wait {
            return Err(CallError::Permanent {
                reason: format!("{reason}; it asked to wait {} s", wait.as_secs()),
            });
        }
        tracing::warn!(attempt, wait_ms = wait.as_millis() as u64, reason = %reason, "provider call failed; retrying");
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    const QUICK: Backoff = Backoff {
        attempts: 3,
        base: Duration::from_millis(1),
        max_wait: Duration::from_secs(1),
    };

    fn transient(after: Option<u64>) -> CallError {
        CallError::Transient {
            reason: "busy".into(),
            retry_after: after.map(Duration::from_millis),
        }
    }

    #[tokio::test]
    async fn retries_transient_failures_then_gives_up() {
        let calls = AtomicU32::new(0);
        let ok = with_retries(QUICK, || async {
            (calls.fetch_add(1, Ordering::SeqCst) == 0).then_some(()).map_or(Ok(2), |_| Err(transient(Some(1))))
        })
        .await;
        assert_eq!((ok, calls.load(Ordering::SeqCst)), (Ok(2), 2));

        let calls = AtomicU32::new(0);
        let failed: Result<(), _> = with_retries(QUICK, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(transient(None))
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert!(matches!(failed, Err(CallError::Permanent { reason }) if reason.contains("tried 3 times")));
    }

    #[tokio::test]
    async fn never_retries_a_permanent_failure_nor_waits_longer_than_allowed() {
        let calls = AtomicU32::new(0);
        let _: Result<(), _> = with_retries(QUICK, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(CallError::Permanent { reason: "401".into() })
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let calls = AtomicU32::new(0);
        let failed: Result<(), _> = with_retries(QUICK, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(transient(Some(60_000)))
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(matches!(failed, Err(CallError::Permanent { reason }) if reason.contains("wait 60 s")));
    }
}
