use std::any::Any;
use std::convert::Infallible;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::{ClaimedJob, JobQueue, JobRegistry};

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

struct Worker {
    id: String,
    queue: JobQueue,
    registry: JobRegistry,
    poll: Duration,
    phase: watch::Receiver<Phase>,
    /// How many of this pool's workers are idle: Redis signals are taken only for them.
    idle: Arc<watch::Sender<usize>>,
}

impl Worker {
    async fn run(mut self) {
        while self.running() {
            match self.queue.claim(&self.id).await {
                Ok(Some(job)) => self.execute(job).await,
                Ok(None) => self.idle().await,
                Err(error) => {
                    tracing::warn!(worker = %self.id, error = format!("{error:#}"), "claiming a job failed");
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

    /// Renews the job's lease at a third of its length for as long as it runs, so a
    /// long job is not taken over while its worker is alive. A worker that froze stops
    /// renewing; its lease lapses and another worker takes the job over.
    async fn heartbeat(&self, job: &ClaimedJob) -> Infallible {
        let every = self.queue.lease() / 3;
        loop {
            tokio::time::sleep(every).await;
            match self.queue.renew(job, &self.id).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    job_id = %job.id, kind = %job.kind,
                    "lease lost: another worker has taken this job over (its handler must be idempotent)"
                ),
                Err(error) => {
                    tracing::warn!(job_id = %job.id, error = format!("{error:#}"), "renewing a lease failed")
                }
            }
        }
    }

    async fn execute(&mut self, job: ClaimedJob) {
        let started = std::time::Instant::now();
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
            never = self.heartbeat(&job) => match never {},
            () = aborted => {
                if let Err(error) = self.queue.release(&job, &self.id).await {
                    tracing::error!(job_id = %job.id, error = format!("{error:#}"), "handing a job back failed");
                }
                return;
            }
        };
        let recorded = match &outcome {
            Ok(()) => self.queue.complete(&job, &self.id).await,
            Err(error) => self.queue.fail(&job, &self.id, &format!("{error:#}")).await,
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match outcome {
            Ok(()) => {
                tracing::info!(job_id = %job.id, kind = %job.kind, attempt = job.attempts, elapsed_ms, "job done")
            }
            Err(error) => tracing::warn!(
                job_id = %job.id, kind = %job.kind, attempt = job.attempts,
                max_attempts = job.max_attempts, error = format!("{error:#}"), "job failed"
            ),
        }
        if let Err(error) = recorded {
            // The lease will lapse and another worker will retry: at least once.
            tracing::error!(job_id = %job.id, error = format!("{error:#}"), "recording a job's outcome failed");
        }
    }
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
