//! A burst of trivial jobs: 10,000 enqueued at once (as the reminder sweep does at
//! 09:00), then drained by the deployment's workers — `JOB_WORKERS` (2) in each of one
//! and of three processes, each process with its own pool of connections, as ECS runs
//! them. Jobs per second from the workers' start to the empty table.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use softly::config::DatabaseUrl;
use softly::platform::clock::Clock;
use softly::platform::db::Db;
use softly::platform::jobs::{Job, JobHandler, JobQueue, JobRegistry, enqueue_many, spawn_workers};

use crate::items::Scratch;

pub const BURST: usize = 10_000;
/// `JOB_WORKERS`' default: each `softly serve` runs this many.
pub const WORKERS_PER_PROCESS: usize = 2;
/// The target on PostgreSQL, jobs per second.
pub const TARGET: f64 = 2000.0;
/// `DATABASE_MAX_CONNECTIONS`' default.
const CONNECTIONS_PER_PROCESS: u32 = 10;

#[derive(Serialize, Deserialize)]
struct Noop {
    n: usize,
}

impl Job for Noop {
    const KIND: &'static str = "bench.noop";
}

struct DoNothing;

impl JobHandler<Noop> for DoNothing {
    async fn run(&self, _job_id: &str, _job: Noop) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Jobs per second for [`BURST`] trivial jobs drained by `processes` processes' workers
/// (`server`: PostgreSQL; None: a SQLite file).
pub async fn burst(server: Option<&str>, processes: usize) -> anyhow::Result<f64> {
    let scratch = Scratch::create(server, "jobs").await?;
    let url = DatabaseUrl::parse(Some(&scratch.url), &scratch.dir)?;
    let measured = drain(&url, processes).await;
    scratch.drop_it().await;
    measured
}

async fn drain(url: &DatabaseUrl, processes: usize) -> anyhow::Result<f64> {
    let db = Db::connect(url, CONNECTIONS_PER_PROCESS, Duration::from_secs(30)).await?;
    softly::startup::migrate(&db).await?;
    let clock = Clock::system();
    let jobs: Vec<Noop> = (0..BURST).map(|n| Noop { n }).collect();
    let mut tx = db.pool().begin().await?;
    enqueue_many(&mut tx, &jobs, clock.now_ms()).await?;
    tx.commit().await?;

    let mut pools = Vec::new();
    for _ in 0..processes {
        let process_db = Db::connect(url, CONNECTIONS_PER_PROCESS, Duration::from_secs(30)).await?;
        pools.push(process_db);
    }
    let started = Instant::now();
    let workers: Vec<_> = pools
        .iter()
        .map(|process_db| {
            let queue = JobQueue::new(process_db.clone(), clock.clone());
            let registry = JobRegistry::new().register::<Noop, _>(DoNothing);
            spawn_workers(queue, registry, WORKERS_PER_PROCESS, Duration::from_millis(50))
        })
        .collect();
    let deadline = started + Duration::from_secs(120);
    let drained = loop {
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs")
            .fetch_one(db.pool())
            .await?;
        if left == 0 {
            break Ok(BURST as f64 / started.elapsed().as_secs_f64());
        }
        if Instant::now() > deadline {
            break Err(anyhow::anyhow!("{left} of {BURST} jobs left after two minutes"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    for pool in workers {
        pool.shutdown(Duration::from_secs(5)).await;
    }
    for process_db in pools {
        process_db.close().await;
    }
    db.close().await;
    drained
}
