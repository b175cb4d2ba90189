//! Reminder emails: a periodic sweep hands every reminder whose time has come to a
//! durable job, which sends its email once.
//!
//! The sweep (every [`SWEEP_EVERY`], once per period across replicas) takes due
//! reminders in batches with one indexed query each, and in the same transaction marks
//! them handed over and enqueues their jobs: one email job per reminder, or one digest
//! job per user for those who chose a daily digest. A reminder is handed over exactly
//! once per occurrence (the transaction, and `FOR UPDATE SKIP LOCKED` between
//! concurrent sweeps on PostgreSQL).
//!
//! The email job checks, when it runs, that the item is still open, out of the trash
//! and at the occurrence the reminder was for — a reminder of an item completed, deleted
//! or moved meanwhile does not go out — and that no email was recorded for the reminder
//! and occurrence. It sends with a Message-ID of the reminder and occurrence, then
//! records the send. A crash between the two sends once more, with the same Message-ID
//! (which the file mailer overwrites and mail clients show once); nothing acknowledged
//! is ever dropped, since the job is retried until it records.

mod letters;
mod send;
mod sweep;

use std::time::Duration;

pub use send::{Courier, SendDigest, SendDigestHandler, SendReminder, SendReminderHandler};
pub use sweep::{SweepReminders, SweepRemindersHandler, sweep};

/// How often the sweep runs: with the scheduler's tick, a reminder goes out within
/// about half a minute of its time.
pub const SWEEP_EVERY: Duration = Duration::from_secs(20);
