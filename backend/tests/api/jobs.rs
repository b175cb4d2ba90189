//! The durable job queue, driven through the library on a real database.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use softly::config::RedisConfig;
use softly::platform::jobs::dispatch::Dispatch;
use softly::platform::jobs::{self, Job, JobHandler, JobQueue, JobRegistry, spawn_workers};
use softly::platform::redis::Redis;
use sqlx::Row;

use crate::helpers::{Backend, TestApp};

#[derive(Debug, Serialize, Deserialize)]
struct Echo {
    value: String,
}

impl Job for Echo {
    const KIND: &'static str = "test_echo";
    const MAX_ATTEMPTS: i64 = 2;
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<(String, String)>>>);

impl JobHandler<Echo> for Recorder {
    async fn run(&self, job_id: &str, job: Echo) -> anyhow::Result<()> {
        self.0.lock().unwrap().push((job_id.to_string(), job.value));
        Ok(())
    }
}

struct Slow;

impl JobHandler<Echo> for Slow {
    async fn run(&self, _: &str, _: Echo) -> anyhow::Result<()> {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
    }
}

/// Records what it runs, but panics on the value "panic", as a handler with a bug would.
#[derive(Clone, Default)]
struct PanicsOnPanic(Recorder);

impl JobHandler<Echo> for PanicsOnPanic {
    async fn run(&self, job_id: &str, job: Echo) -> anyhow::Result<()> {
        assert_ne!(job.value, "panic", "a bug in a handler");
        self.0.run(job_id, job).await
    }
}

/// An app whose own workers are off, so the test's workers alone take jobs.
async fn quiet_app(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, &[("JOB_WORKERS", "0")]).await
}

async fn enqueue_echo(app: &TestApp, value: &str, commit: bool) {
    let mut tx = app.db.pool().begin().await.unwrap();
    jobs::enqueue(&mut tx, &Echo { value: value.into() }, app.now_ms())
        .await
        .unwrap();
    if commit {
        tx.commit().await.unwrap();
    } else {
        tx.rollback().await.unwrap();
    }
}

async fn job_row(app: &TestApp) -> (String, i64, Option<String>, i64) {
    let row = sqlx::query("SELECT status, attempts, last_error, run_at FROM jobs")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    (
        row.get("status"),
        row.get("attempts"),
        row.get("last_error"),
        row.get("run_at"),
    )
}

async fn a_committed_job_runs_once_and_is_removed(backend: Backend) {
    let app = quiet_app(backend).await;
    let queue = JobQueue::new(app.db.clone(), app.wired.platform.clock.clone());
    let recorder = Recorder::default();
    let registry = JobRegistry::new().register::<Echo, _>(recorder.clone());
    let workers = spawn_workers(queue.clone(), registry, 2, Duration::from_millis(20));
    enqueue_echo(&app, "hello", true).await;
    queue.wake();
    for _ in 0..100 {
        if app.count("SELECT COUNT(*) FROM jobs").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    workers.shutdown(Duration::from_secs(1)).await;
    let seen = recorder.0.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].1, "hello");
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);
}

async fn a_job_of_a_rolled_back_change_never_exists(backend: Backend) {
    let app = quiet_app(backend).await;
    enqueue_echo(&app, "never", false).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);
}

async fn a_failing_job_is_retried_with_backoff_then_kept_dead(backend: Backend) {
    let app = quiet_app(backend).await;
    let queue = JobQueue::new(app.db.clone(), app.wired.platform.clock.clone());
    enqueue_echo(&app, "x", true).await;

    let job = queue.claim("w1").await.unwrap().expect("a due job is claimed");
    assert_eq!(job.attempts, 1);
    queue.fail(&job, "w1", "boom").await.unwrap();
    let (status, attempts, error, run_at) = job_row(&app).await;
    assert_eq!(
        (status.as_str(), attempts, error.as_deref()),
        ("queued", 1, Some("boom"))
    );
    assert!(run_at > app.now_ms() + 1500, "retried after a backoff");
    assert!(
        queue.claim("w1").await.unwrap().is_none(),
        "not before its backoff"
    );

    app.clock.advance(Duration::from_secs(3));
    let job = queue.claim("w1").await.unwrap().expect("due after its backoff");
    assert_eq!(job.attempts, 2);
    queue.fail(&job, "w1", "boom again").await.unwrap();
    let (status, attempts, _, _) = job_row(&app).await;
    assert_eq!((status.as_str(), attempts), ("dead", 2));
    app.clock.advance(Duration::from_secs(24 * 3600));
    assert!(queue.claim("w1").await.unwrap().is_none(), "dead jobs stay dead");
}

async fn a_lapsed_lease_is_taken_over_and_the_old_worker_cannot_finish_it(backend: Backend) {
    let app = quiet_app(backend).await;
    let queue = JobQueue::new(app.db.clone(), app.wired.platform.clock.clone());
    enqueue_echo(&app, "x", true).await;
    let first = queue.claim("frozen").await.unwrap().unwrap();
    assert!(
        queue.claim("other").await.unwrap().is_none(),
        "a leased job is not claimed twice"
    );

    app.clock.advance(queue.lease() + Duration::from_secs(1));
    let second = queue
        .claim("other")
        .await
        .unwrap()
        .expect("the lapsed lease is reclaimed");
    assert_eq!((second.id.as_str(), second.attempts), (first.id.as_str(), 2));
    queue.complete(&first, "frozen").await.unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs").await,
        1,
        "the stale worker changed nothing"
    );
    queue.complete(&second, "other").await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);
}

async fn shutdown_hands_a_running_job_back_to_the_queue(backend: Backend) {
    let app = quiet_app(backend).await;
    let queue = JobQueue::new(app.db.clone(), app.wired.platform.clock.clone());
    let registry = JobRegistry::new().register::<Echo, _>(Slow);
    enqueue_echo(&app, "slow", true).await;
    let workers = spawn_workers(queue, registry, 1, Duration::from_millis(20));
    for _ in 0..100 {
        if app
            .count("SELECT COUNT(*) FROM jobs WHERE status = 'running'")
            .await
            == 1
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    workers.shutdown(Duration::from_millis(200)).await;
    let (status, attempts, _, _) = job_row(&app).await;
    assert_eq!((status.as_str(), attempts), ("queued", 0));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs WHERE locked_by IS NULL")
            .await,
        1
    );
}

/// Counts its runs and takes `0` to finish.
#[derive(Clone, Default)]
struct Lengthy(Arc<Mutex<u32>>, Duration);

impl JobHandler<Echo> for Lengthy {
    async fn run(&self, _: &str, _: Echo) -> anyhow::Result<()> {
        *self.0.lock().unwrap() += 1;
        tokio::time::sleep(self.1).await;
        Ok(())
    }
}

async fn a_job_longer_than_its_lease_keeps_it_while_its_worker_lives(backend: Backend) {
    let app = quiet_app(backend).await;
    let lease = Duration::from_millis(300);
    let queue = JobQueue::new(app.db.clone(), app.wired.platform.clock.clone()).with_lease(lease);
    let runs = Lengthy(Arc::default(), lease * 5);
    enqueue_echo(&app, "long", true).await;
    // Two pools polling eagerly: without renewals the second would take the job over.
    let pools: Vec<_> = (0..2)
        .map(|_| {
            let registry = JobRegistry::new().register::<Echo, _>(runs.clone());
            spawn_workers(queue.clone(), registry, 1, Duration::from_millis(20))
        })
        .collect();
    for _ in 0..200 {
        if app.count("SELECT COUNT(*) FROM jobs").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for pool in pools {
        pool.shutdown(Duration::from_secs(1)).await;
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);
    assert_eq!(*runs.0.lock().unwrap(), 1, "the job ran once");

    // The lease is renewed only by its holder, and only while the job runs.
    enqueue_echo(&app, "held", true).await;
    let job = queue.claim("holder").await.unwrap().unwrap();
    assert_eq!(
        queue.renew_held("holder").await.unwrap(),
        std::slice::from_ref(&job.id)
    );
    assert!(queue.renew_held("someone else").await.unwrap().is_empty());
    queue.fail(&job, "holder", "boom").await.unwrap();
    assert!(queue.renew_held("holder").await.unwrap().is_empty());
}

/// Signals through a fresh Redis prefix of the test Redis.
fn dispatch() -> Dispatch {
    let url = crate::helpers::test_service("SOFTLY_TEST_REDIS_URL");
    let prefix = format!("test-{}", uuid::Uuid::now_v7().simple());
    let env = [("REDIS_URL", url), ("REDIS_PREFIX", prefix)];
    let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let config = RedisConfig::from_lookup(&lookup).unwrap().unwrap();
    Dispatch::new(Redis::new(&config).unwrap())
}

/// Lets freshly spawned workers settle, commits a job, rings, and waits up to 3 s for
/// `runs` to count a run.
async fn commit_and_wait_for_a_run(app: &TestApp, queue: &JobQueue, runs: &Lengthy) -> bool {
    tokio::time::sleep(Duration::from_millis(300)).await;
    enqueue_echo(app, "work", true).await;
    queue.wake();
    for _ in 0..150 {
        if *runs.0.lock().unwrap() == 1 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

async fn a_busy_process_leaves_redis_signals_to_an_idle_one(backend: Backend) {
    let dispatch = dispatch();
    let app = quiet_app(backend).await;
    // Two processes: each its own queue handle, one Redis list between them.
    let (queue, other) = (
        JobQueue::new(app.db.clone(), app.wired.platform.clock.clone()).with_dispatch(dispatch.clone()),
        JobQueue::new(app.db.clone(), app.wired.platform.clock.clone()).with_dispatch(dispatch),
    );
    // Workers that never poll in this test: only a signal can wake them.
    let never = Duration::from_secs(600);
    let (busy_runs, idle_runs) = (
        Lengthy(Arc::default(), Duration::from_secs(6)),
        Lengthy::default(),
    );
    let busy = spawn_workers(
        queue.clone(),
        JobRegistry::new().register::<Echo, _>(busy_runs.clone()),
        1,
        never,
    );
    assert!(
        commit_and_wait_for_a_run(&app, &queue, &busy_runs).await,
        "the first process took the long job"
    );
    // Long enough for the busy process's listener to be back at the list, if it would go.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = spawn_workers(
        other,
        JobRegistry::new().register::<Echo, _>(idle_runs.clone()),
        1,
        never,
    );
    assert!(
        commit_and_wait_for_a_run(&app, &queue, &idle_runs).await,
        "the idle process got the signal while the busy one was still at work"
    );
    idle.shutdown(Duration::from_secs(1)).await;
    busy.shutdown(Duration::from_millis(100)).await;
}

async fn a_panicking_handler_fails_its_attempt_and_the_worker_lives_on(backend: Backend) {
    let app = quiet_app(backend).await;
    let queue = JobQueue::new(app.db.clone(), app.wired.platform.clock.clone());
    let handler = PanicsOnPanic::default();
    let registry = JobRegistry::new().register::<Echo, _>(handler.clone());
    let workers = spawn_workers(queue.clone(), registry, 1, Duration::from_millis(20));
    enqueue_echo(&app, "panic", true).await;
    queue.wake();
    let mut failed = false;
    for _ in 0..100 {
        let (_, attempts, error, _) = job_row(&app).await;
        if let (1, Some(error)) = (attempts, error) {
            assert!(error.contains("the handler panicked: assertion"), "{error}");
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(failed, "the panic was recorded as a failed attempt");

    // The one worker is still there to run the next job.
    enqueue_echo(&app, "fine", true).await;
    queue.wake();
    for _ in 0..100 {
        if !handler.0.0.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    workers.shutdown(Duration::from_secs(1)).await;
    let seen: Vec<String> = handler
        .0
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, v)| v.clone())
        .collect();
    assert_eq!(seen, ["fine"]);
}

/// Records, as each job runs, how many jobs are leased at that moment; takes `2` to run.
#[derive(Clone)]
struct Holding {
    db: softly::platform::db::Db,
    held: Arc<Mutex<Vec<i64>>>,
    takes: Duration,
}

impl JobHandler<Echo> for Holding {
    async fn run(&self, _: &str, _: Echo) -> anyhow::Result<()> {
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE status = 'running'")
            .fetch_one(self.db.pool())
            .await?;
        self.held.lock().unwrap().push(held);
        tokio::time::sleep(self.takes).await;
        Ok(())
    }
}

/// Runs `jobs` jobs through one worker whose handler takes `takes` each; how many jobs
/// were leased as each ran.
async fn leased_while_running(app: &TestApp, jobs: usize, takes: Duration) -> Vec<i64> {
    let queue = JobQueue::new(app.db.clone(), app.wired.platform.clock.clone());
    let handler = Holding {
        db: app.db.clone(),
        held: Arc::default(),
        takes,
    };
    let values: Vec<Echo> = (0..jobs).map(|n| Echo { value: n.to_string() }).collect();
    let mut tx = app.db.pool().begin().await.unwrap();
    jobs::enqueue_many(&mut tx, &values, app.now_ms()).await.unwrap();
    tx.commit().await.unwrap();
    let registry = JobRegistry::new().register::<Echo, _>(handler.clone());
    let workers = spawn_workers(queue, registry, 1, Duration::from_millis(20));
    for _ in 0..500 {
        if app.count("SELECT COUNT(*) FROM jobs").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    workers.shutdown(Duration::from_secs(1)).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0, "every job ran");
    let held = handler.held.lock().unwrap().clone();
    assert_eq!(held.len(), jobs, "each job ran once");
    held
}

async fn quick_jobs_are_claimed_in_batches_and_slow_ones_one_at_a_time(backend: Backend) {
    let app = quiet_app(backend).await;
    // A burst of quick jobs: the worker's batches grow, so later jobs run while others
    // of their batch are leased too.
    let quick = leased_while_running(&app, 300, Duration::ZERO).await;
    assert_eq!(quick[0], 1, "the first claim takes one job");
    assert!(quick.iter().any(|held| *held > 8), "{quick:?}");
    assert!(quick.iter().all(|held| *held <= 64), "{quick:?}");
    // Slow jobs: one at a time, leaving the rest to any other worker.
    let slow = leased_while_running(&app, 4, Duration::from_millis(120)).await;
    assert_eq!(slow, [1, 1, 1, 1]);
}

/// Records what it runs; the first time it runs a job whose worker holds others
/// besides, it plays the part of a freeze: the leases lapse, another worker ("thief")
/// takes every job over, and the job runs on past a renewal.
#[derive(Clone)]
struct FreezesMidBatch {
    app_db: softly::platform::db::Db,
    clock: softly::platform::clock::ClockHandle,
    queue: JobQueue,
    /// The other worker's queue: its leases outlast the test.
    thief: JobQueue,
    ran: Arc<Mutex<Vec<String>>>,
    taken_over: Arc<Mutex<Vec<String>>>,
    /// How many jobs had run when the freeze came.
    froze_after: Arc<Mutex<Option<usize>>>,
}

impl JobHandler<Echo> for FreezesMidBatch {
    async fn run(&self, job_id: &str, _: Echo) -> anyhow::Result<()> {
        let ran = {
            let mut ran = self.ran.lock().unwrap();
            ran.push(job_id.to_string());
            ran.len()
        };
        if self.froze_after.lock().unwrap().is_some() {
            return Ok(());
        }
        let batch: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE status = 'running'
               AND locked_by = (SELECT locked_by FROM jobs WHERE id = $1)",
        )
        .bind(job_id)
        .fetch_one(self.app_db.pool())
        .await?;
        if batch < 3 {
            return Ok(());
        }
        *self.froze_after.lock().unwrap() = Some(ran);
        self.clock.advance(self.queue.lease() * 2);
        let stolen = self.thief.claim_batch("thief", 1000).await?;
        *self.taken_over.lock().unwrap() = stolen.into_iter().map(|job| job.id).collect();
        // Past the worker's next renewal, which finds the batch gone.
        tokio::time::sleep(self.queue.lease()).await;
        Ok(())
    }
}

async fn a_worker_that_lost_its_batch_mid_way_runs_none_of_the_rest(backend: Backend) {
    let app = quiet_app(backend).await;
    let queue = JobQueue::new(app.db.clone(), app.wired.platform.clock.clone())
        .with_lease(Duration::from_millis(300));
    let handler = FreezesMidBatch {
        app_db: app.db.clone(),
        clock: app.clock.clone(),
        queue: queue.clone(),
        thief: JobQueue::new(app.db.clone(), app.wired.platform.clock.clone())
            .with_lease(Duration::from_secs(600)),
        ran: Arc::default(),
        taken_over: Arc::default(),
        froze_after: Arc::default(),
    };
    let values: Vec<Echo> = (0..200).map(|n| Echo { value: n.to_string() }).collect();
    let mut tx = app.db.pool().begin().await.unwrap();
    jobs::enqueue_many(&mut tx, &values, app.now_ms()).await.unwrap();
    tx.commit().await.unwrap();
    let registry = JobRegistry::new().register::<Echo, _>(handler.clone());
    let workers = spawn_workers(queue.clone(), registry, 1, Duration::from_millis(20));
    for _ in 0..500 {
        if !handler.taken_over.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The frozen job runs on for a lease; then the worker would go on with its batch.
    tokio::time::sleep(queue.lease() * 3).await;
    workers.shutdown(Duration::from_secs(1)).await;
    let taken_over = handler.taken_over.lock().unwrap().clone();
    let ran = handler.ran.lock().unwrap().clone();
    let froze_after = handler
        .froze_after
        .lock()
        .unwrap()
        .expect("a worker held a batch of three or more");
    assert!(taken_over.len() >= 3, "the batch was taken over: {taken_over:?}");
    assert_eq!(
        ran.len(),
        froze_after,
        "after the freeze, the worker ran jobs another worker held: {:?}",
        &ran[froze_after..]
    );
}

crate::on_both_backends!(
    a_panicking_handler_fails_its_attempt_and_the_worker_lives_on,
    a_job_longer_than_its_lease_keeps_it_while_its_worker_lives,
    a_committed_job_runs_once_and_is_removed,
    a_job_of_a_rolled_back_change_never_exists,
    a_failing_job_is_retried_with_backoff_then_kept_dead,
    a_lapsed_lease_is_taken_over_and_the_old_worker_cannot_finish_it,
    shutdown_hands_a_running_job_back_to_the_queue,
    quick_jobs_are_claimed_in_batches_and_slow_ones_one_at_a_time,
    a_worker_that_lost_its_batch_mid_way_runs_none_of_the_rest,
);

crate::on_both_backends!(
    needs softly_test_redis "set SOFTLY_TEST_REDIS_URL (a Redis server) to run":
    a_busy_process_leaves_redis_signals_to_an_idle_one,
);
