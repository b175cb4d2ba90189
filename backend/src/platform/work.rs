//! One unit of work per change: the transaction, and what must happen once it commits.
//!
//! A change writes its rows, enqueues its jobs, publishes its events and names the
//! users whose cached views it makes stale, all through a [`UnitOfWork`]. Jobs and event
//! deliveries are rows of the same transaction, so they exist exactly when the change
//! does. [`UnitOfWork::commit`] then performs the after-commit steps itself — retire
//! the named users' cache entries on every replica, wake job workers (here and, through
//! Redis, elsewhere) — so no handler can forget one. Dropping a unit of work without
//! committing rolls everything back, jobs and events included, and tells nobody.

use sqlx::{Any, AnyConnection, Transaction};

use super::cache::Cache;
use super::clock::Clock;
use super::db::Db;
use super::events::{Event, Events};
use super::jobs::{self, Job, JobQueue};

/// What a unit of work needs; cheap to clone into each capability's context.
#[derive(Clone)]
pub struct Work {
    db: Db,
    clock: Clock,
    jobs: JobQueue,
    events: Events,
    cache: Cache,
}

impl Work {
    pub fn new(db: Db, clock: Clock, jobs: JobQueue, events: Events, cache: Cache) -> Self {
        Self {
            db,
            clock,
            jobs,
            events,
            cache,
        }
    }

    /// Begins a change.
    pub async fn begin(&self) -> Result<UnitOfWork, sqlx::Error> {
        Ok(UnitOfWork {
            tx: self.db.begin().await?,
            now: self.clock.now_ms(),
            work: self.clone(),
            queued: false,
            enqueued: Vec::new(),
            users_changed: Vec::new(),
        })
    }
}

/// A change in progress; see the module documentation.
pub struct UnitOfWork {
    tx: Transaction<'static, Any>,
    now: i64,
    work: Work,
    queued: bool,
    /// Jobs enqueued (event deliveries too) by kind, counted in the metrics once the
    /// change commits.
    enqueued: Vec<(&'static str, u64)>,
    users_changed: Vec<String>,
}

impl UnitOfWork {
    /// The instant of this change, read once from the clock when it began.
    pub fn now_ms(&self) -> i64 {
        self.now
    }

    /// The transaction, for the capability's own queries.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Enqueues `job` in this change; workers are woken after the commit.
    pub async fn enqueue<J: Job>(&mut self, job: &J) -> anyhow::Result<String> {
        let id = jobs::enqueue(&mut self.tx, job, self.now).await?;
        self.queued = true;
        self.enqueued.push((J::KIND, 1));
        Ok(id)
    }

    /// Enqueues every job of `jobs` in this change, in multi-row inserts.
    pub async fn enqueue_many<J: Job>(&mut self, jobs: &[J]) -> anyhow::Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        jobs::enqueue_many(&mut self.tx, jobs, self.now).await?;
        self.queued = true;
        self.enqueued.push((J::KIND, jobs.len() as u64));
        Ok(())
    }

    /// Publishes `event` in this change: delivered to every subscriber after the commit,
    /// never if the change rolls back. Answers the event id.
    pub async fn publish<E: Event>(&mut self, event: &E) -> anyhow::Result<String> {
        let (id, deliveries) = self.work.events.publish(&mut self.tx, event, self.now).await?;
        self.enqueued.extend(deliveries.iter().map(|kind| (*kind, 1)));
        self.queued = true;
        Ok(id)
    }

    /// Wakes the workers after the commit: this change made jobs due by other means
    /// than [`UnitOfWork::enqueue`] (requeued dead ones, say).
    pub fn wake_workers(&mut self) {
        self.queued = true;
    }

    /// Retires `user_id`'s cached views (session, profile) once this change commits.
    pub fn user_changed(&mut self, user_id: &str) {
        if !self.users_changed.iter().any(|u| u == user_id) {
            self.users_changed.push(user_id.to_string());
        }
    }

    /// Commits, then retires the changed users' cache entries on every replica and wakes
    /// the workers, before the caller answers.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let Self {
            tx,
            work,
            queued,
            enqueued,
            users_changed,
            ..
        } = self;
        tx.commit().await?;
        let metrics = crate::platform::metrics::metrics();
        for (kind, count) in enqueued {
            metrics.job_events(kind, "enqueued", count);
        }
        for user_id in &users_changed {
            work.cache.user_changed(user_id).await;
        }
        if queued {
            work.jobs.wake();
        }
        Ok(())
    }
}
