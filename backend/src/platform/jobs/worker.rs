use std::any::Any;
use std::collections::HashSet;
use std::convert::Infallible;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument;

use super::{ClaimedJob, JobQueue, JobRegistry};
use crate::platform::metrics::metrics;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Running,
    /// Claim nothing new; finish what is running.
    Draining,
    /// The deadline passed: hand running jobs back to the queue now.
    Aborting,
}

/// Running workers; [`WorkerPool::shutdown`] stops them.
pub struct WorkerPool {
    tasks: JoinSet<()>,
    phase: watch::Sender<Phase>,
}

/// Starts `count` workers that claim and run jobs until shutdown.
pub fn spawn_workers(queue: JobQueue, registry: JobRegistry, count: usize, poll: Duration) -> WorkerPool {
    let (phase, watcher) = watch::channel(Phase::Running);
    let mut tasks = JoinSet::new();
    let process = uuid::Uuid::now_v7().simple().to_string();
    let idle = Arc::new(watch::Sender::new(0));
    if let Some(dispatch) = queue.dispatch() {
        let mut phase = watcher.clone();
        let stop = async move {
            let _ = phase.wait_for(|p| *p != Phase::Running).await;
        };
        tasks.spawn(
            dispatch
                .clone()
                .listen(queue.wakeup().clone(), idle.subscribe(), stop),
        );
    }
    for n in 0..count {
        let worker = Worker {
            id: format!("{}-{n}", &process[20..]),
            queue: queue.clone(),
            registry: registry.clone(),
            poll,
            phase: watcher.clone(),
            idle: idle.clone(),
        };
        tasks.spawn(worker.run());
    }
    WorkerPool { tasks, phase }
}

impl WorkerPool {
    /// Stops claiming; lets running jobs finish within `grace`, then hands the rest back
    /// to the queue so another worker takes them.
    pub async fn shutdown(mut self, grace: Duration) {
        let _ = self.phase.send(Phase::Draining);
        let drain = async { while self.tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(grace, drain).await.is_err() {
            tracing::warn!("jobs still running at the shutdown deadline are handed back");
            let _ = self.phase.send(Phase::Aborting);
            let handed_back = async { while self.tasks.join_next().await.is_some() {} };
            if tokio::time::timeout(Duration::from_secs(3), handed_back)
                .await
                .is_err()
            {
                self.tasks.abort_all();
            }
        }
    }
}

/// The most jobs a worker claims at once.
const MAX_BATCH: usize = 64;
/// A batch that ran within this time lets the next one double; a slower one halves it.
/// Slow jobs (documents, captures) are thus claimed one at a time, so a busy worker does
/// not sit on jobs another could run, while a burst of quick ones (reminders at 09:00)
/// costs two statements per batch instead of two per job.
const QUICK_BATCH: Duration = Duration::from_millis(50);
/// The longest a finished job of a batch waits to be deleted with the others.
const COMPLETE_WITHIN: Duration = Duration::from_millis(20);

struct Worker {
    id: String,
    queue: JobQueue,
    registry: JobRegistry,
    poll: Duration,
    phase: watch::Receiver<Phase>,
    /// How many of this pool's workers are idle: Redis signals are taken only for them.
    idle: Arc<watch::Sender<usize>>,
}

/// What became of one job of a batch.
enum Outcome {
    Done,
    Failed,
    /// The shutdown deadline passed while it ran.
    Aborted,
}

impl Worker {
    async fn run(mut self) {
        let mut batch = 1;
        while self.running() {
            match self.queue.claim_batch(&self.id, batch).await {
                Ok(jobs) if jobs.is_empty() => self.idle().await,
                Ok(jobs) => {
                    let started = Instant::now();
                    let full = jobs.len() == batch;
                    self.execute_batch(jobs).await;
                    batch = if started.elapsed() < QUICK_BATCH {
                        if full { (batch * 2).min(MAX_BATCH) } else { batch }
                    } else {
                        (batch / 2).max(1)
                    };
                }
                Err(error) => {
                    tracing::warn!(worker = %self.id, error = format!("{error:#}"), "claiming jobs failed");
                    self.idle().await;
                }
            }
        }
    }

    fn running(&self) -> bool {
        *self.phase.borrow() == Phase::Running
    }

    async fn idle(&mut self) {
        self.idle.send_modify(|idle| *idle += 1);
        tokio::select! {
            _ = self.queue.wakeup().notified() => {}
            _ = tokio::time::sleep(self.poll) => {}
            _ = self.phase.changed() => {}
        }
        self.idle.send_modify(|idle| *idle -= 1);
    }

    /// Runs the claimed jobs one after another; the successes are deleted together, at
    /// the end or as soon as the oldest waiting one has waited [`COMPLETE_WITHIN`] (a crash
    /// or freeze before that runs them again: delivery is at least once, and the window
    /// of what may run twice stays that short however large the batch). The
    /// leases are renewed at a third of their length for as long as the batch runs —
    /// before a job starts, when a renewal is due, so a worker that froze does not run
    /// jobs another worker has taken over meanwhile. Once shutdown begins, the jobs not
    /// yet started are handed back.
    async fn execute_batch(&mut self, jobs: Vec<ClaimedJob>) {
        let leases = Mutex::new(Leases {
            renewed: Instant::now(),
            held: jobs.iter().map(|job| job.id.clone()).collect(),
        });
        let mut done = Vec::with_capacity(jobs.len());
        let mut waiting_since = Instant::now();
        let mut unstarted = jobs.into_iter();
        while let Some(job) = unstarted.next() {
            if !self.still_held(&job, &leases).await {
                continue;
            }
            match self.execute(&job, &leases).await {
                Outcome::Done => {
                    if done.is_empty() {
                        waiting_since = Instant::now();
                    }
                    done.push(job);
                    if waiting_since.elapsed() >= COMPLETE_WITHIN {
                        self.record_done(&done).await;
                        done.clear();
                    }
                }
                Outcome::Failed => {}
                Outcome::Aborted => {
                    let back: Vec<_> = std::iter::once(job).chain(unstarted.by_ref()).collect();
                    self.hand_back(&back).await;
                    break;
                }
            }
            if !self.running() {
                let back: Vec<_> = unstarted.by_ref().collect();
                self.hand_back(&back).await;
            }
        }
        self.record_done(&done).await;
    }

    async fn record_done(&self, done: &[ClaimedJob]) {
        if let Err(error) = self.queue.complete_all(done, &self.id).await {
            // The leases will lapse and another worker will run them again: at least once.
            tracing::error!(
                jobs = done.len(),
                error = format!("{error:#}"),
                "recording finished jobs failed"
            );
        }
    }

    async fn hand_back(&self, jobs: &[ClaimedJob]) {
        if let Err(error) = self.queue.release_all(jobs, &self.id).await {
            tracing::error!(
                jobs = jobs.len(),
                error = format!("{error:#}"),
                "handing jobs back failed"
            );
        }
    }

    /// Whether `job`'s lease is still this worker's, by the last renewal (made here when
    /// one is due, or by the heartbeat of an earlier job of the batch). A lease that
    /// lapsed, or may have, is left to whoever holds the job now.
    async fn still_held(&self, job: &ClaimedJob, leases: &Mutex<Leases>) -> bool {
        let since = lock(leases).renewed.elapsed();
        if since >= self.queue.lease() / 3 {
            match self.queue.renew_held(&self.id).await {
                Ok(held) => lock(leases).record(held),
                Err(error) => {
                    tracing::warn!(job_id = %job.id, error = format!("{error:#}"), "renewing leases failed");
                    if since >= self.queue.lease() {
                        return false;
                    }
                }
            }
        }
        let kept = lock(leases).held.contains(&job.id);
        if !kept {
            tracing::warn!(job_id = %job.id, kind = %job.kind, "lease lost before the job started: left to the worker that took it over");
        }
        kept
    }

    /// Renews the leases of the jobs this worker holds at a third of their length for as
    /// long as a job runs, so a long job is not taken over while its worker is alive. A
    /// worker that froze stops renewing; its leases lapse and another worker takes the
    /// jobs over — which the renewal after it thaws reports, so the batch's remaining
    /// jobs that were taken over are not run here too.
    async fn heartbeat(&self, job: &ClaimedJob, leases: &Mutex<Leases>) -> Infallible {
        let every = self.queue.lease() / 3;
        let mut next = lock(leases).renewed + every;
        loop {
            tokio::time::sleep_until(next.into()).await;
            match self.queue.renew_held(&self.id).await {
                Ok(held) => {
                    if !held.contains(&job.id) {
                        tracing::warn!(
                            job_id = %job.id, kind = %job.kind,
                            "lease lost: another worker has taken this job over (its handler must be idempotent)"
                        );
                    }
                    lock(leases).record(held);
                }
                Err(error) => {
                    tracing::warn!(job_id = %job.id, error = format!("{error:#}"), "renewing a lease failed")
                }
            }
            next = Instant::now() + every;
        }
    }

    async fn execute(&self, job: &ClaimedJob, leases: &Mutex<Leases>) -> Outcome {
        // A child of the work that enqueued the job, when traces are exported.
        let span = crate::telemetry::job(&job.kind, &job.id, job.attempts, job.trace_context.as_deref());
        let outcome = self.execute_in_span(job, leases).instrument(span.clone()).await;
        let said = match outcome {
            Outcome::Done => "succeeded",
            Outcome::Failed if job.is_last_attempt() => "dead",
            Outcome::Failed => "failed",
            Outcome::Aborted => "aborted",
        };
        crate::telemetry::job_ended(&span, said);
        outcome
    }

    async fn execute_in_span(&self, job: &ClaimedJob, leases: &Mutex<Leases>) -> Outcome {
        let started = Instant::now();
        let metrics = metrics();
        metrics.job_events(&job.kind, "started", 1);
        let mut phase = self.phase.clone();
        // A handler that panics fails its attempt like one that returns an error; the
        // worker lives on.
        let run = AssertUnwindSafe(self.registry.run(&job.kind, job.id.clone(), job.payload.clone()))
            .catch_unwind()
            .map(|caught| caught.unwrap_or_else(|panic| Err(panicked(panic))));
        let aborted = async move {
            let _ = phase.wait_for(|p| *p == Phase::Aborting).await;
        };
        let outcome = tokio::select! {
            outcome = run => outcome,
            never = self.heartbeat(job, leases) => match never {},
            () = aborted => return Outcome::Aborted,
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match outcome {
            Ok(()) => {
                metrics.job_events(&job.kind, "succeeded", 1);
                tracing::info!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, elapsed_ms, "job done");
                Outcome::Done
            }
            Err(error) => {
                metrics.job_events(&job.kind, "failed", 1);
                let error = format!("{error:#}");
                tracing::warn!(
                    job_id = %job.id, kind = %job.kind, attempt = job.attempts,
                    max_attempts = job.max_attempts, error, "job failed"
                );
                match self.queue.fail(job, &self.id, &error).await {
                    Ok(()) if job.is_last_attempt() => metrics.job_events(&job.kind, "dead", 1),
                    Ok(()) => {}
                    // The lease will lapse and another worker will retry: at least once.
                    Err(recording) => {
                        tracing::error!(job_id = %job.id, error = format!("{recording:#}"), "recording a failed job failed")
                    }
                }
                Outcome::Failed
            }
        }
    }
}

/// What a worker last learned of its batch's leases.
struct Leases {
    /// When they were last renewed (or claimed).
    renewed: Instant,
    /// The jobs the worker held then: a job missing here was taken over.
    held: HashSet<String>,
}

impl Leases {
    fn record(&mut self, held: Vec<String>) {
        self.renewed = Instant::now();
        self.held = held.into_iter().collect();
    }
}

/// A batch's leases (a poisoned lock still holds what was last learned).
fn lock(leases: &Mutex<Leases>) -> MutexGuard<'_, Leases> {
    leases.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The error recorded for a handler that panicked, with the panic's message.
fn panicked(panic: Box<dyn Any + Send>) -> anyhow::Error {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    anyhow::anyhow!("the handler panicked: {message}")
}
