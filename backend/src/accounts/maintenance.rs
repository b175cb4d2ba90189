//! The periodic clean-up of the accounts capability: sessions that ended and email
//! links that can no longer be used go, a day after they stopped mattering.

use serde::{Deserialize, Serialize};

use super::store::sessions::IDLE_LIFETIME_MS;
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::time::DAY_MS;

/// How long an ended session or a spent or expired link is kept before it is deleted.
pub const KEEP_ENDED_MS: i64 = DAY_MS;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PurgeEndedSessions {}

impl Job for PurgeEndedSessions {
    const KIND: &'static str = "accounts_purge_ended";
}

pub struct PurgeEndedSessionsHandler {
    pub db: Db,
    pub clock: Clock,
}

impl JobHandler<PurgeEndedSessions> for PurgeEndedSessionsHandler {
    async fn run(&self, _job_id: &str, _job: PurgeEndedSessions) -> anyhow::Result<()> {
        let cutoff = self.clock.now_ms() - KEEP_ENDED_MS;
        // Refresh tokens go with their session (ON DELETE CASCADE).
        let sessions = sqlx::query(
            "DELETE FROM sessions
             WHERE revoked_at < $1 OR expires_at < $1 OR last_used_at < $2",
        )
        .bind(cutoff)
        .bind(cutoff - IDLE_LIFETIME_MS)
        .execute(self.db.pool())
        .await?
        .rows_affected();
        let links = sqlx::query("DELETE FROM email_tokens WHERE expires_at < $1 OR used_at < $1")
            .bind(cutoff)
            .execute(self.db.pool())
            .await?
            .rows_affected();
        tracing::info!(sessions, links, "ended sessions and spent links purged");
        Ok(())
    }
}
