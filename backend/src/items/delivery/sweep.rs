//! Handing due reminders to delivery, in batches.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::send::{DigestEntry, SendDigest, SendReminder};
use crate::items::store::reminders;
use crate::platform::db::Db;
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::work::Work;

/// Reminders taken per transaction.
pub const BATCH: i64 = 500;
/// Batches per sweep at most; a longer backlog is left to the next sweep.
const MAX_BATCHES: usize = 1000;

/// Hand every due reminder to delivery: the periodic task.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepReminders {}

impl Job for SweepReminders {
    const KIND: &'static str = "items.sweep_reminders";
}

pub struct SweepRemindersHandler {
    pub db: Db,
    pub work: Work,
}

impl JobHandler<SweepReminders> for SweepRemindersHandler {
    async fn run(&self, _job_id: &str, _job: SweepReminders) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        let handed = sweep(&self.db, &self.work).await?;
        if handed > 0 {
            tracing::info!(
                reminders = handed,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "due reminders handed to delivery"
            );
        }
        Ok(())
    }
}

/// Hands every reminder due now to delivery, in batches of [`BATCH`] (at most
/// [`MAX_BATCHES`] of them: a longer backlog is left to the next sweep); answers how
/// many were handed over.
pub async fn sweep(db: &Db, work: &Work) -> anyhow::Result<usize> {
    let mut handed = 0;
    for _ in 0..MAX_BATCHES {
        let taken = batch(db, work).await?;
        handed += taken;
        if taken < BATCH as usize {
            break;
        }
    }
    Ok(handed)
}

/// One batch in one transaction; answers how many reminders it handed over.
async fn batch(db: &Db, work: &Work) -> anyhow::Result<usize> {
    let mut work = work.begin().await?;
    let now = work.now_ms();
    let due = reminders::take_due(work.conn(), now, BATCH, db.skip_locked()).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut single = Vec::new();
    let mut digests: BTreeMap<String, Vec<DigestEntry>> = BTreeMap::new();
    for reminder in &due {
        if reminder.digest {
            digests
                .entry(reminder.user_id.clone())
                .or_default()
                .push(DigestEntry::of(reminder));
        } else {
            single.push(SendReminder::of(reminder));
        }
    }
    let digests: Vec<SendDigest> = digests
        .into_iter()
        .map(|(user_id, entries)| SendDigest { user_id, entries })
        .collect();
    work.enqueue_many(&single).await?;
    work.enqueue_many(&digests).await?;
    work.commit().await?;
    Ok(due.len())
}
