//! The vault's periodic clean-up: announced uploads that were never completed go with
//! whatever landed for them, and object deletions that gave up are tried again.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::context::Vault;
use super::deletion::{self, DeleteObjects};
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
        let rows = sqlx::query(
            "SELECT id, object_key FROM uploads WHERE expires_at < $1 ORDER BY expires_at LIMIT $2",
        )
        .bind(work.now_ms())
        .bind(BATCH)
        .fetch_all(work.conn())
        .await?;
        let mut keys = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id")?;
            sqlx::query("DELETE FROM uploads WHERE id = $1")
                .bind(&id)
                .execute(work.conn())
                .await?;
            keys.push(row.try_get::<String, _>("object_key")?);
        }
        let purged = keys.len();
        deletion::enqueue(&mut work, keys).await?;
        work.commit().await?;
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
