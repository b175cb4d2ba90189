use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::AssertSqlSafe;
use sqlx::{AnyConnection, Row};
use tokio::sync::Notify;

use super::Job;
use super::dispatch::Dispatch;
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::time::SECOND_MS;

/// Inserts `job`, due at `now`, through `conn`: the transaction of the change that
/// causes it. Changes go through a [`crate::platform::work::UnitOfWork`], which wakes the
/// workers after the commit; this is the step underneath.
pub async fn enqueue<J: Job>(conn: &mut AnyConnection, job: &J, now: i64) -> anyhow::Result<String> {
    let payload = serde_json::to_string(job).context("while serialising a job")?;
    insert(conn, J::KIND, &payload, J::MAX_ATTEMPTS, now).await
}

/// Inserts `jobs`, all due at `now`, through `conn` in statements of at most
/// [`ROWS_PER_INSERT`] rows: what a sweep that enqueues thousands at once needs, instead
/// of a round trip per job.
pub async fn enqueue_many<J: Job>(conn: &mut AnyConnection, jobs: &[J], now: i64) -> anyhow::Result<()> {
    for chunk in jobs.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at) VALUES ",
        );
        for i in 0..chunk.len() {
            let (id, payload) = (4 + 2 * i, 5 + 2 * i);
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${id}, $1, ${payload}, 'queued', 0, $2, $3, $3, $3)"));
        }
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(J::KIND)
            .bind(J::MAX_ATTEMPTS)
            .bind(now);
        for job in chunk {
            let payload = serde_json::to_string(job).context("while serialising a job")?;
            query = query.bind(uuid::Uuid::now_v7().to_string()).bind(payload);
        }
        query
            .execute(&mut *conn)
            .await
            .with_context(|| format!("while enqueuing {} {} jobs", chunk.len(), J::KIND))?;
    }
    Ok(())
}

/// How many jobs wait, how many are dead, and how long the oldest due one has waited.
#[derive(Debug, Clone, Copy)]
pub struct Depth {
    pub queued: i64,
    pub dead: i64,
    pub oldest_due_ms: i64,
}

/// Rows in one multi-row `INSERT` of [`enqueue_many`] (two parameters each, far below
/// either engine's limit).
pub const ROWS_PER_INSERT: usize = 500;

/// Inserts a job of `kind` whose payload is already serialised (event deliveries), with
/// the trace context of the work enqueueing it.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &str,
    max_attempts: i64,
    now: i64,
) -> anyhow::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at, trace_context)
         VALUES ($1, $2, $3, 'queued', 0, $4, $5, $5, $5, $6)",
    )
    .bind(&id)
    .bind(kind)
    .bind(payload)
    .bind(max_attempts)
    .bind(now)
    .bind(crate::telemetry::current_trace_context())
    .execute(conn)
    .await
    .with_context(|| format!("while enqueuing a {kind} job"))?;
    Ok(id)
}

/// A job a worker holds the lease of.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
    /// The `traceparent` of the work that enqueued it, when traces are exported.
    pub trace_context: Option<String>,
}

impl ClaimedJob {
    /// Whether a failure of this attempt makes the job dead.
    pub fn is_last_attempt(&self) -> bool {
        self.attempts >= self.max_attempts
    }
}

/// The jobs table seen from workers.
#[derive(Clone)]
pub struct JobQueue {
    db: Db,
    clock: Clock,
    wakeup: Arc<Notify>,
    lease: Duration,
    dispatch: Option<Dispatch>,
}

impl JobQueue {
    pub fn new(db: Db, clock: Clock) -> Self {
        Self {
            db,
            clock,
            wakeup: Arc::new(Notify::new()),
            lease: Duration::from_secs(60),
            dispatch: None,
        }
    }

    /// Leases last `lease` (60 s by default); workers renew them at a third of that.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The queue's state at `now` (ms), for metrics: one statement.
    pub async fn depth(&self, now: i64) -> anyhow::Result<Depth> {
        let (queued, dead, oldest_due): (i64, i64, Option<i64>) = sqlx::query_as(
            "SELECT
                 CAST(COALESCE(SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), 0) AS BIGINT),
                 CAST(COALESCE(SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END), 0) AS BIGINT),
                 CAST(MIN(CASE WHEN status = 'queued' AND run_at <= $1 THEN run_at END) AS BIGINT)
             FROM jobs",
        )
        .bind(now)
        .fetch_one(self.db.pool())
        .await
        .context("while reading the job queue's depth")?;
        Ok(Depth {
            queued,
            dead,
            oldest_due_ms: oldest_due.map_or(0, |at| (now - at).max(0)),
        })
    }

    /// Dispatches through Redis too: committed jobs wake workers of every process.
    pub fn with_dispatch(mut self, dispatch: Dispatch) -> Self {
        self.dispatch = Some(dispatch);
        self
    }

    /// Tells idle workers — this process's, and through Redis every other's — that a job
    /// was committed, so they need not wait for the next poll. Call it after the commit.
    pub fn wake(&self) {
        self.wakeup.notify_waiters();
        if let Some(dispatch) = &self.dispatch {
            dispatch.ring();
        }
    }

    /// The clock that dates claims, leases and retries.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub(super) fn dispatch(&self) -> Option<&Dispatch> {
        self.dispatch.as_ref()
    }

    pub(super) fn wakeup(&self) -> &Arc<Notify> {
        &self.wakeup
    }

    /// Takes the lease of the oldest due job: a queued one whose time has come, or a
    /// running one whose worker let its lease lapse (it died or froze).
    pub async fn claim(&self, worker_id: &str) -> anyhow::Result<Option<ClaimedJob>> {
        Ok(self.claim_batch(worker_id, 1).await?.pop())
    }

    /// Takes the leases of up to `limit` of the oldest due jobs in one statement, oldest
    /// first (see [`JobQueue::claim`]).
    pub async fn claim_batch(&self, worker_id: &str, limit: usize) -> anyhow::Result<Vec<ClaimedJob>> {
        let now = self.clock.now_ms();
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1,
                    locked_until = $2, updated_at = $3
             WHERE id IN (
                 SELECT id FROM jobs
                 WHERE (status = 'queued' AND run_at <= $3)
                    OR (status = 'running' AND locked_until < $3)
                 ORDER BY run_at
                 LIMIT $4 {}
             )
             RETURNING id, kind, payload, attempts, max_attempts, run_at, trace_context",
            self.db.skip_locked()
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(worker_id)
            .bind(now + self.lease.as_millis() as i64)
            .bind(now)
            .bind(limit.max(1) as i64)
            .fetch_all(self.db.pool())
            .await
            .context("while claiming jobs")?;
        let mut claimed = rows
            .iter()
            .map(|row| {
                Ok::<_, sqlx::Error>((
                    row.try_get::<i64, _>("run_at")?,
                    ClaimedJob {
                        id: row.try_get("id")?,
                        kind: row.try_get("kind")?,
                        payload: row.try_get("payload")?,
                        attempts: row.try_get("attempts")?,
                        max_attempts: row.try_get("max_attempts")?,
                        trace_context: row.try_get("trace_context")?,
                    },
                ))
            })
            .collect::<Result<Vec<_>, _>>()
            .context("while reading claimed jobs")?;
        // RETURNING keeps no order: run them oldest first, as they were chosen.
        claimed.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        Ok(claimed.into_iter().map(|(_, job)| job).collect())
    }

    /// Extends the leases of every job `worker_id` holds; the ids of those it still holds.
    pub async fn renew_held(&self, worker_id: &str) -> anyhow::Result<Vec<String>> {
        let now = self.clock.now_ms();
        let held = sqlx::query_scalar(
            "UPDATE jobs SET locked_until = $1, updated_at = $2
             WHERE locked_by = $3 AND status = 'running'
             RETURNING id",
        )
        .bind(now + self.lease.as_millis() as i64)
        .bind(now)
        .bind(worker_id)
        .fetch_all(self.db.pool())
        .await
        .context("while renewing leases")?;
        Ok(held)
    }

    /// The job succeeded: it is deleted.
    pub async fn complete(&self, job: &ClaimedJob, worker_id: &str) -> anyhow::Result<()> {
        self.complete_all(std::slice::from_ref(job), worker_id).await
    }

    /// The jobs succeeded: those `worker_id` still holds are deleted, in one statement.
    pub async fn complete_all(&self, jobs: &[ClaimedJob], worker_id: &str) -> anyhow::Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "DELETE FROM jobs WHERE locked_by = $1 AND id IN ({})",
            placeholders(2, jobs.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(worker_id);
        for job in jobs {
            query = query.bind(&job.id);
        }
        query
            .execute(self.db.pool())
            .await
            .context("while completing jobs")?;
        Ok(())
    }

    /// The job failed: retried after a backoff, or marked dead after its last attempt.
    pub async fn fail(&self, job: &ClaimedJob, worker_id: &str, error: &str) -> anyhow::Result<()> {
        let now = self.clock.now_ms();
        let dead = job.is_last_attempt();
        let error: String = error.chars().take(2000).collect();
        sqlx::query(
            "UPDATE jobs SET status = $1, run_at = $2, locked_by = NULL, locked_until = NULL,
                    last_error = $3, updated_at = $4
             WHERE id = $5 AND locked_by = $6",
        )
        .bind(if dead { "dead" } else { "queued" })
        .bind(now + backoff_ms(job.attempts))
        .bind(error)
        .bind(now)
        .bind(&job.id)
        .bind(worker_id)
        .execute(self.db.pool())
        .await
        .context("while recording a failed job")?;
        Ok(())
    }

    /// Hands an unfinished job back (shutdown): its attempt does not count.
    pub async fn release(&self, job: &ClaimedJob, worker_id: &str) -> anyhow::Result<()> {
        self.release_all(std::slice::from_ref(job), worker_id).await
    }

    /// Hands unfinished or unstarted jobs back in one statement: their attempts do not
    /// count.
    pub async fn release_all(&self, jobs: &[ClaimedJob], worker_id: &str) -> anyhow::Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE jobs SET status = 'queued', attempts = attempts - 1, locked_by = NULL,
                    locked_until = NULL, updated_at = $1
             WHERE locked_by = $2 AND id IN ({})",
            placeholders(3, jobs.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(self.clock.now_ms())
            .bind(worker_id);
        for job in jobs {
            query = query.bind(&job.id);
        }
        query
            .execute(self.db.pool())
            .await
            .context("while releasing jobs")?;
        Ok(())
    }
}

/// `$first, $first+1, …`: `count` numbered placeholders.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// 2^attempts seconds, capped at an hour, plus up to a quarter of jitter.
fn backoff_ms(attempts: i64) -> i64 {
    let base = (SECOND_MS << attempts.clamp(0, 12)).min(3600 * SECOND_MS);
    let mut byte = [0u8; 1];
    let _ = getrandom::fill(&mut byte);
    base + base * i64::from(byte[0]) / 1024
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff_ms(1) >= 2000 && backoff_ms(1) < 2500);
        assert!(backoff_ms(5) >= 32_000);
        assert!(backoff_ms(40) <= 3600 * 1000 * 5 / 4);
    }
}
