//! The cache's generations on one machine without Redis: counters in a file beside the
//! SQLite database, mapped into the memory of every process that opens it — the way
//! SQLite's own WAL index (`-shm`) coordinates the processes sharing a database, which
//! must all be on one machine for the same reason.
//!
//! A scope's counter is one of [`SLOTS`] 64-bit atomics, chosen by a fixed hash of its
//! name (FNV-1a, the same in every process). Two scopes that share a slot retire each
//! other's entries now and then: a wasted read, never a stale one.

use std::fs::OpenOptions;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;

/// Counters in the file: 512 KiB.
pub const SLOTS: usize = 1 << 16;
const BYTES: usize = SLOTS * std::mem::size_of::<AtomicU64>();

pub struct Generations {
    /// `SLOTS` counters, shared with every process that mapped the same file.
    counters: *const AtomicU64,
}

// The mapping is only read and written through atomics, from any thread, and lives
// until `drop`.
unsafe impl Send for Generations {}
unsafe impl Sync for Generations {}

impl Generations {
    /// Maps the counters of the database `database` (the file `<database>-cache`,
    /// created zeroed when missing).
    pub fn beside(database: &Path) -> anyhow::Result<Self> {
        let mut name = database.file_name().unwrap_or_default().to_os_string();
        name.push("-cache");
        let path = database.with_file_name(name);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("while opening {}", path.display()))?;
        if file.metadata()?.len() < BYTES as u64 {
            file.set_len(BYTES as u64)?;
        }
        // SAFETY: a shared read-write mapping of a file at least `BYTES` long; the fd may
        // be closed once mapped. Pages of a file are page-aligned, so every counter is
        // aligned for `AtomicU64`.
        let mapped = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                BYTES,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                file.as_raw_fd(),
                0,
            )
        };
        if mapped == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error())
                .with_context(|| format!("while mapping {}", path.display()));
        }
        Ok(Self {
            counters: mapped.cast::<AtomicU64>(),
        })
    }

    /// The scope's generation now.
    pub fn current(&self, scope: &str) -> u64 {
        self.slot(scope).load(Ordering::Acquire)
    }

    /// Retires every entry of the scope, in every process on this database.
    pub fn bump(&self, scope: &str) {
        self.slot(scope).fetch_add(1, Ordering::AcqRel);
    }

    fn slot(&self, scope: &str) -> &AtomicU64 {
        let index = fnv1a(scope.as_bytes()) as usize % SLOTS;
        // SAFETY: `index < SLOTS` and the mapping holds `SLOTS` counters until drop.
        unsafe { &*self.counters.add(index) }
    }
}

impl Drop for Generations {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `beside`, unmapped once.
        unsafe {
            libc::munmap(self.counters as *mut libc::c_void, BYTES);
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_mappings_of_one_file_see_each_others_bumps() {
        let dir = std::env::temp_dir().join(format!("softly-generations-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let database = dir.join("softly.db");
        let (first, second) = (
            Generations::beside(&database).unwrap(),
            Generations::beside(&database).unwrap(),
        );
        assert_eq!(first.current("user:a"), 0);
        first.bump("user:a");
        first.bump("user:a");
        assert_eq!(second.current("user:a"), 2);
        assert_eq!(
            second.current("user:b"),
            0,
            "another scope (another slot) is untouched"
        );
        drop(first);
        let again = Generations::beside(&database).unwrap();
        assert_eq!(again.current("user:a"), 2, "the counters outlive a process");
        assert!(dir.join("softly.db-cache").exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
