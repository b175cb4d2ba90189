//! The vault's periodic clean-up: announced uploads that were never completed go with
//! whatever landed for them, and object deletions that gave up are tried again.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::deletion::{self, DeleteObjects};
use crate::platform::db::Db;
use crate::platform::jobs::{Job, JobHandler, JobQueue, admin};
use crate::platform::time::now_ms;

/// Expired uploads handled per run; the next run takes the rest.
const BATCH: i64 = 500;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PurgeExpiredUploads {}

impl Job for PurgeExpiredUploads {
    const KIND: &'static str = "vault_purge_expired_uploads";
}

pub struct PurgeExpiredUploadsHandler {
    pub db: Db,
    pub jobs: JobQueue,
}

impl JobHandler<PurgeExpiredUploads> for PurgeExpiredUploadsHandler {
    async fn run(&self, _job_id: &str, _job: PurgeExpiredUploads) -> anyhow::Result<()> {
        let mut tx = self.db.pool().begin().await?;
        let rows = sqlx::query(
            "SELECT id, object_key FROM uploads WHERE expires_at < $1 ORDER BY expires_at LIMIT $2",
        )
        .bind(now_ms())
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let mut keys = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.get("id");
            sqlx::query("DELETE FROM uploads WHERE id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            keys.push(row.get::<String, _>("object_key"));
        }
        let purged = keys.len();
        deletion::enqueue(&mut tx, keys).await?;
        tx.commit().await?;
        if purged > 0 {
            self.jobs.wake();
        }
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
    pub db: Db,
    pub jobs: JobQueue,
}

impl JobHandler<RetryStuckDeletions> for RetryStuckDeletionsHandler {
    async fn run(&self, _job_id: &str, _job: RetryStuckDeletions) -> anyhow::Result<()> {
        let retried = admin::retry_dead_of_kind(&self.db, DeleteObjects::KIND).await?;
        if retried > 0 {
            tracing::warn!(retried, "object deletions that had given up are retried");
            self.jobs.wake();
        }
        Ok(())
    }
}
