//! The time every capability reads: `now` comes from a [`Clock`], never from the system
//! directly, so tests move time forward instead of sleeping or ageing rows by hand.
//!
//! The binary runs on [`Clock::system`]. Tests build an application on
//! [`Clock::adjustable`], which starts at the system's time, keeps flowing with it (leases,
//! backoff and timeouts behave as usual) and jumps forward when its [`ClockHandle`] says so.
//! Only the holder of the handle can move it; production code never has one.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Milliseconds since the Unix epoch, as the database stores instants.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// How far this clock is ahead of the system's; `None` for the system clock.
    offset_ms: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Self { offset_ms: None }
    }

    /// A clock at the system's time that its handle can move forward (tests).
    pub fn adjustable() -> (Self, ClockHandle) {
        let offset = Arc::new(AtomicI64::new(0));
        (
            Self {
                offset_ms: Some(offset.clone()),
            },
            ClockHandle { offset },
        )
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        let offset = self
            .offset_ms
            .as_ref()
            .map_or(0, |offset| offset.load(Ordering::Relaxed));
        jiff::Timestamp::now().as_millisecond() + offset
    }

    /// Now, in whole seconds since the Unix epoch.
    pub fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

/// Moves an adjustable [`Clock`] (and every clone of it) forward.
#[derive(Clone, Debug)]
pub struct ClockHandle {
    offset: Arc<AtomicI64>,
}

impl ClockHandle {
    /// Jumps the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset.fetch_add(by, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustable_clock_moves_every_clone_forward() {
        let (clock, handle) = Clock::adjustable();
        let copy = clock.clone();
        let before = copy.now_ms();
        handle.advance(Duration::from_secs(3 * 24 * 3600));
        let after = copy.now_ms();
        assert!(after - before >= 3 * 24 * 3600 * 1000);
        assert!(after - before < 3 * 24 * 3600 * 1000 + 60_000);
        assert!(Clock::system().now_ms() < clock.now_ms());
    }
}
