//! Periodic tasks that run once per period across every replica, on SQLite and
//! PostgreSQL alike.
//!
//! Each task has a row in `schedules` with the instant it is next due. On every tick,
//! each replica tries to move that instant forward with one conditional `UPDATE … WHERE
//! next_run_at <= now`; the database lets exactly one of them succeed, and that replica
//! enqueues the task's job in the same transaction. The work itself is an ordinary job:
//! durable, retried with backoff, idempotent — so a replica that dies right after
//! claiming a period loses nothing.

mod store;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyConnection;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::db::Db;
use super::jobs::{self, Job, JobQueue};

type Enqueue = Arc<
    dyn for<'c> Fn(
            &'c mut AnyConnection,
            i64,
        ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'c>>
        + Send
        + Sync,
>;

#[derive(Clone)]
struct Entry {
    name: &'static str,
    every: Duration,
    enqueue: Enqueue,
}

/// The periodic tasks of this binary.
#[derive(Clone, Default)]
pub struct Schedule {
    entries: Vec<Entry>,
}

impl Schedule {
    pub fn new() -> Self {
        Self::default()
    }

    /// Both schedules' tasks; a task name in both is an error.
    pub fn merge(mut self, other: Schedule) -> anyhow::Result<Self> {
        for entry in other.entries {
            anyhow::ensure!(
                self.entries.iter().all(|e| e.name != entry.name),
                "two periodic tasks are named {:?}",
                entry.name
            );
            self.entries.push(entry);
        }
        Ok(self)
    }

    /// Enqueues `job` once every `every`, across all replicas. `name` is the stable key
    /// of its row in `schedules`.
    pub fn every<J: Job + Clone + Sync>(mut self, name: &'static str, every: Duration, job: J) -> Self {
        let enqueue: Enqueue = Arc::new(move |conn, now| {
            let job = job.clone();
            Box::pin(async move {
                jobs::enqueue(conn, &job, now).await?;
                Ok(())
            })
        });
        self.entries.push(Entry { name, every, enqueue });
        self
    }
}

/// A running scheduler; stop it with [`Scheduler::stop`].
pub struct Scheduler {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Scheduler {
    /// Checks every task each `tick` until stopped.
    pub fn spawn(db: Db, queue: JobQueue, schedule: Schedule, tick: Duration) -> Self {
        let (stop, mut stopped) = watch::channel(false);
        let replica = uuid::Uuid::now_v7().simple().to_string();
        let task = tokio::spawn(async move {
            loop {
                for entry in &schedule.entries {
                    match store::claim_and_enqueue(&db, entry, &replica, queue.clock().now_ms()).await {
                        Ok(true) => {
                            tracing::info!(task = entry.name, "periodic task enqueued");
                            queue.wake();
                        }
                        Ok(false) => {}
                        Err(e) => tracing::warn!(
                            task = entry.name,
                            error = format!("{e:#}"),
                            "scheduler tick failed"
                        ),
                    }
                }
                tokio::select! {
                    _ = tokio::time::sleep(tick) => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        Self { stop, task }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}
