//! What operators do with the queue (`softly jobs list|retry`), and the periodic purge of
//! long-dead jobs (their payloads may carry links that expired long ago).

use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Row};

use super::{Job, JobHandler};
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::time::{DAY_MS, rfc3339};

/// One job as `softly jobs list` shows it.
#[derive(Debug, Clone)]
pub struct JobSummary {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub last_error: Option<String>,
}

impl std::fmt::Display for JobSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}  {:<28} {:<8} {}/{}  {}  {}",
            self.id,
            self.kind,
            self.status,
            self.attempts,
            self.max_attempts,
            rfc3339(self.run_at),
            self.last_error.as_deref().unwrap_or("-").replace('\n', " ")
        )
    }
}

/// Up to `limit` jobs, dead ones only if asked, the oldest due first.
pub async fn list(db: &Db, dead_only: bool, limit: i64) -> anyhow::Result<Vec<JobSummary>> {
    let filter = if dead_only { "WHERE status = 'dead'" } else { "" };
    let sql = format!(
        "SELECT id, kind, status, attempts, max_attempts, run_at, last_error FROM jobs {filter}
         ORDER BY run_at LIMIT $1"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(db.pool())
        .await?;
    let jobs = rows
        .iter()
        .map(|row| {
            Ok(JobSummary {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                status: row.try_get("status")?,
                attempts: row.try_get("attempts")?,
                max_attempts: row.try_get("max_attempts")?,
                run_at: row.try_get("run_at")?,
                last_error: row.try_get("last_error")?,
            })
        })
        .collect::<sqlx::Result<_>>()?;
    Ok(jobs)
}

/// Puts a dead (or waiting) job back in the queue, due now, with a fresh retry budget.
/// Answers whether there was such a job; a running one is left to its worker.
pub async fn retry(db: &Db, id: &str, now: i64) -> anyhow::Result<bool> {
    let result = sqlx::query(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1, locked_by = NULL, locked_until = NULL,
                updated_at = $1
         WHERE id = $2 AND status IN ('dead', 'queued')",
    )
    .bind(now)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Requeues every dead job of `kind` (for kinds whose work must eventually happen).
pub async fn retry_dead_of_kind(conn: &mut sqlx::AnyConnection, kind: &str, now: i64) -> anyhow::Result<u64> {
    let result = sqlx::query(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1, updated_at = $1
         WHERE kind = $2 AND status = 'dead'",
    )
    .bind(now)
    .bind(kind)
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Dead jobs are kept this long for operators, then deleted.
pub const DEAD_JOB_RETENTION_MS: i64 = 30 * DAY_MS;

/// Deletes jobs dead for longer than [`DEAD_JOB_RETENTION_MS`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PurgeDeadJobs {}

impl Job for PurgeDeadJobs {
    const KIND: &'static str = "purge_dead_jobs";
}

pub struct PurgeDeadJobsHandler {
    pub db: Db,
    pub clock: Clock,
}

impl JobHandler<PurgeDeadJobs> for PurgeDeadJobsHandler {
    async fn run(&self, _job_id: &str, _job: PurgeDeadJobs) -> anyhow::Result<()> {
        let result = sqlx::query("DELETE FROM jobs WHERE status = 'dead' AND updated_at < $1")
            .bind(self.clock.now_ms() - DEAD_JOB_RETENTION_MS)
            .execute(self.db.pool())
            .await?;
        tracing::info!(deleted = result.rows_affected(), "dead jobs purged");
        Ok(())
    }
}
