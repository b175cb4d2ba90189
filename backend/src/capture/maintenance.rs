//! Recordings are kept only until transcribed; a capture that failed before that keeps its
//! recording so it can be retried — for a week. A daily task deletes the recordings of
//! captures that failed longer ago (a retry then asks to record again).

use serde::{Deserialize, Serialize};

use super::context::Captures;
use super::store::captures;
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::time::DAY_MS;
use crate::vault::DeleteObjects;

/// How long a failed capture's recording is kept for a retry.
pub const KEEP_FAILED_RECORDINGS_MS: i64 = 7 * DAY_MS;
/// Recordings deleted per run, at most (the task runs daily; a larger backlog takes more days).
const PER_RUN: i64 = 1000;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PurgeStaleRecordings {}

impl Job for PurgeStaleRecordings {
    const KIND: &'static str = "capture_purge_stale_recordings";
}

pub struct PurgeStaleRecordingsHandler(pub Captures);

impl JobHandler<PurgeStaleRecordings> for PurgeStaleRecordingsHandler {
    async fn run(&self, _job_id: &str, _job: PurgeStaleRecordings) -> anyhow::Result<()> {
        let mut work = self.0.work.begin().await?;
        let now = work.now_ms();
        let keys = captures::forget_stale_recordings(work.conn(), now - KEEP_FAILED_RECORDINGS_MS, PER_RUN, now).await?;
        let count = keys.len();
        if !keys.is_empty() {
            work.enqueue(&DeleteObjects { keys }).await?;
        }
        work.commit().await?;
        if count > 0 {
            tracing::info!(recordings = count, "recordings of long-failed captures deleted");
        }
        Ok(())
    }
}
