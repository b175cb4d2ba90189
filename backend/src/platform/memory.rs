//! A budget of memory that work holding large buffers reserves before it allocates them
//! (an image being decoded): a reservation waits while others hold the budget, and one
//! larger than the whole budget is refused at once. The budget is a share of the
//! process's memory limit (`MEMORY_LIMIT_MIB`), so however many such jobs are queued,
//! together they stay under it.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

const MIB: u64 = 1024 * 1024;

#[derive(Clone, Debug)]
pub struct MemoryBudget {
    permits: Arc<Semaphore>,
    total_mib: u32,
}

/// Memory held until dropped.
#[derive(Debug)]
pub struct Reservation {
    _permits: OwnedSemaphorePermit,
}

/// Asked for more than the whole budget.
#[derive(Debug, thiserror::Error)]
#[error("{wanted_mib} MiB is more than the {total_mib} MiB budget")]
pub struct OverBudget {
    pub wanted_mib: u64,
    pub total_mib: u64,
}

impl MemoryBudget {
    /// A budget of `bytes` (whole MiB; at least one).
    pub fn new(bytes: u64) -> Self {
        let total_mib = (bytes / MIB).clamp(1, u64::from(u32::MAX >> 3)) as u32;
        Self {
            permits: Arc::new(Semaphore::new(total_mib as usize)),
            total_mib,
        }
    }

    /// Waits until `bytes` (rounded up to MiB) are free, and holds them.
    pub async fn reserve(&self, bytes: u64) -> Result<Reservation, OverBudget> {
        let wanted_mib = bytes.div_ceil(MIB).max(1);
        if wanted_mib > u64::from(self.total_mib) {
            return Err(OverBudget {
                wanted_mib,
                total_mib: u64::from(self.total_mib),
            });
        }
        let permits = self
            .permits
            .clone()
            .acquire_many_owned(wanted_mib as u32)
            .await
            .expect("the budget's semaphore is never closed");
        Ok(Reservation { _permits: permits })
    }
}

/// Makes the allocator give large blocks straight back to the system. glibc serves a
/// block over its mmap threshold with its own mapping, unmapped when freed — but its
/// threshold rises to the size of every such block freed, after which argon2's 19 MiB
/// and decoded images come from arenas that keep them. A fixed 1 MiB threshold stops
/// that (measured: after 320 sign-ins, 35 MiB against 244 MiB). Call once at start.
pub fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before other threads.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Hands the allocator's free pages back to the system (glibc keeps freed small blocks
/// in its arenas: after a burst of connections, tens of MiB). Cheap when there is
/// little to give; callers still do it rarely.
pub fn give_back_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn reservations_wait_for_room_and_more_than_the_whole_is_refused() {
        let budget = MemoryBudget::new(100 * MIB);
        let first = budget.reserve(60 * MIB).await.unwrap();
        let second = budget.reserve(60 * MIB);
        tokio::pin!(second);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), &mut second)
                .await
                .is_err(),
            "waits while the first holds the room"
        );
        drop(first);
        let second = tokio::time::timeout(Duration::from_secs(5), second)
            .await
            .unwrap()
            .unwrap();
        assert!(budget.reserve(40 * MIB).await.is_ok(), "what is left is free");
        drop(second);
        let refused = budget.reserve(101 * MIB).await.unwrap_err();
        assert_eq!((refused.wanted_mib, refused.total_mib), (101, 100));
        assert!(
            budget.reserve(100 * MIB).await.is_ok(),
            "the whole budget is allowed"
        );
    }
}
