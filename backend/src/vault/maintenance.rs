//! The vault's periodic clean-up: announced uploads that were never completed go with
//! whatever landed for them (and give their reservation back), and object deletions
//! that gave up are tried again.

use serde::{Deserialize, Serialize};

use super::context::Vault;
use super::deletion::DeleteObjects;
use super::reservation;
use super::store::uploads;
use crate::platform::jobs::{Job, JobHandler, admin};

/// Expired uploads handled per run; the next run takes the rest.
const BATCH: i64 = 500;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PurgeExpiredUploads {}

impl Job for PurgeExpiredUploads {
    const KIND: &'static str = "vault_purge_expired_uploads";
}

pub struct PurgeExpiredUploadsHandler {
    pub vault: Vault,
}

impl JobHandler<PurgeExpiredUploads> for PurgeExpiredUploadsHandler {
    async fn run(&self, _job_id: &str, _job: PurgeExpiredUploads) -> anyhow::Result<()> {
        let mut work = self.vault.work.begin().await?;
        let now = work.now_ms();
        let expired = uploads::expired(work.conn(), now, BATCH).await?;
        for upload in &expired {
            reservation::give_back(&mut work, upload).await?;
        }
        work.commit().await?;
        let purged = expired.len();
        tracing::info!(purged, "expired uploads purged");
        Ok(())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RetryStuckDeletions {}

impl Job for RetryStuckDeletions {
    const KIND: &'static str = "vault_retry_stuck_deletions";
}

pub struct RetryStuckDeletionsHandler {
    pub vault: Vault,
}

impl JobHandler<RetryStuckDeletions> for RetryStuckDeletionsHandler {
    async fn run(&self, _job_id: &str, _job: RetryStuckDeletions) -> anyhow::Result<()> {
        let mut work = self.vault.work.begin().await?;
        let now = work.now_ms();
        let retried = admin::retry_dead_of_kind(work.conn(), DeleteObjects::KIND, now).await?;
        if retried > 0 {
            work.wake_workers();
        }
        work.commit().await?;
        if retried > 0 {
            tracing::warn!(retried, "object deletions that had given up are retried");
        }
        Ok(())
    }
}
