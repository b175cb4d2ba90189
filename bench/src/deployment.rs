//! The production shape on this machine (see `softly-testbed`): replicas behind
//! HAProxy, workers, PostgreSQL, and Redis or not. Measures, in one run:
//! - `GET /v1/me` through HAProxy with 3 replicas and with 1 (the others in
//!   maintenance), with Redis (a warm cache: no database query) and without (the
//!   database path: session and user read from PostgreSQL);
//! - background jobs (processing an uploaded document) dispatched through Redis versus
//!   found by polling the database (`JOB_POLL_INTERVAL_MS` = 1000): a burst drained by
//!   workers released onto a backlog (jobs/s), and a steady trickle of uploads
//!   (enqueue-to-done latency).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use softly_testbed::{Cluster, Options, access_token, pdf};
use tokio::task::JoinSet;

use crate::load::{self, Report};

pub struct Figures {
    pub label: &'static str,
    pub me_three: Report,
    pub me_one: Report,
    pub burst_jobs_per_second: f64,
    pub trickle_p50_ms: f64,
    pub trickle_p99_ms: f64,
}

pub async fn measure(
    binary: &str,
    redis: bool,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Figures> {
    let cluster = Cluster::start(Options {
        binary: PathBuf::from(binary),
        replicas: 3,
        workers: 2,
        threads_per_worker: 2,
        redis,
        env: vec![("RUST_LOG".into(), "warn".into())],
    })
    .await?;
    let (_, pair) = cluster.new_user("bench").await?;
    let token = access_token(&pair)?;
    let base = cluster.proxy.url();

    let me_three = load::run(&base, "/v1/me", Some(&token), connections, duration).await?;
    for replica in &cluster.replicas[1..] {
        cluster.proxy.set_state(&replica.name, "maint").await?;
    }
    let me_one = load::run(&base, "/v1/me", Some(&token), connections, duration).await;
    for replica in &cluster.replicas[1..] {
        cluster.proxy.set_state(&replica.name, "ready").await?;
    }
    let me_one = me_one?;

    let burst_jobs_per_second = burst(&cluster).await?;
    let (trickle_p50_ms, trickle_p99_ms) = trickle(&cluster).await?;
    Ok(Figures {
        label: if redis { "redis" } else { "database only" },
        me_three,
        me_one,
        burst_jobs_per_second,
        trickle_p50_ms,
        trickle_p99_ms,
    })
}

const BURST: usize = 300;
const TRICKLE: usize = 100;

/// Uploads `count` documents, `parallel` at a time, pausing `pace` between rounds; the
/// user's id.
async fn upload(
    cluster: &Cluster,
    token: &str,
    count: usize,
    parallel: usize,
    pace: Duration,
) -> anyhow::Result<String> {
    let mut first = None;
    for round in 0..count.div_ceil(parallel) {
        let mut uploads = JoinSet::new();
        for n in 0..parallel.min(count - round * parallel) {
            let api = cluster.api.clone();
            let token = token.to_string();
            let n = (round * parallel + n) as u64;
            uploads.spawn(async move { api.upload(&token, &format!("bench-{n}.pdf"), pdf(n)).await });
        }
        while let Some(outcome) = uploads.join_next().await {
            let outcome = outcome?;
            anyhow::ensure!(outcome.ok(), "an upload answered {:?}", outcome.status);
            if first.is_none() {
                first = outcome.body["document"]["id"].as_str().map(str::to_string);
            }
        }
        tokio::time::sleep(pace).await;
    }
    let document = first.context("no document was uploaded")?;
    cluster
        .postgres
        .query(&format!("SELECT user_id FROM documents WHERE id = '{document}'"))
        .await
}

/// Waits (at most two minutes) until none of the user's documents is processing.
async fn settled(cluster: &Cluster, user: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    let sql = format!("SELECT COUNT(*) FROM documents WHERE user_id = '{user}' AND status = 'processing'");
    while cluster.postgres.count(&sql).await? > 0 {
        anyhow::ensure!(
            Instant::now() < deadline,
            "documents still processing after two minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Workers frozen while `BURST` uploads land, then released: jobs per second from the
/// release to the last document settled.
async fn burst(cluster: &Cluster) -> anyhow::Result<f64> {
    let (_, pair) = cluster.new_user("burst").await?;
    let token = access_token(&pair)?;
    for worker in &cluster.workers {
        worker.signal("STOP")?;
    }
    let user = upload(cluster, &token, BURST, 16, Duration::ZERO).await;
    let released = Instant::now();
    for worker in &cluster.workers {
        worker.signal("CONT")?;
    }
    let user = user?;
    settled(cluster, &user).await?;
    Ok(BURST as f64 / released.elapsed().as_secs_f64())
}

/// `TRICKLE` uploads at about 20 a second with the workers idle between them: p50 and
/// p99 of the time from a document's commit to its processing job's result.
async fn trickle(cluster: &Cluster) -> anyhow::Result<(f64, f64)> {
    let (_, pair) = cluster.new_user("trickle").await?;
    let token = access_token(&pair)?;
    let user = upload(cluster, &token, TRICKLE, 1, Duration::from_millis(50)).await?;
    settled(cluster, &user).await?;
    let at = |q: f64| {
        format!(
            "SELECT percentile_cont({q}) WITHIN GROUP (ORDER BY updated_at - created_at) FROM documents WHERE user_id = '{user}'"
        )
    };
    let p50: f64 = cluster.postgres.query(&at(0.5)).await?.parse()?;
    let p99: f64 = cluster.postgres.query(&at(0.99)).await?.parse()?;
    Ok((p50, p99))
}
