//! Benchmarks the release `softly` binary as a client would see it, in one run:
//! time from process start to the first 200 on `/up`, then requests per second and
//! latency percentiles of `GET /up` and of `GET /v1/me` (JWT check, session lookup,
//! user query), and the server's peak resident memory; first, a 100 MiB document upload
//! (MB/s and peak memory) next to copying the same file on the same disk; then a user's
//! open items listed (5,000 of them), and the reminder sweep over a million items (see
//! `items.rs`).
//!
//! Then a capture from being taken to ready to review, against the fake providers;
//! and last `GET /v1/me` with traces exported vs not (`telemetry.rs`).
//!
//! `bench/run [--seconds N] [--connections N] [--database-url URL] [--sweep-only] [--capture-only] [--jobs-only] [--upload-only] [--compare] [--telemetry-only]`.
//! `--telemetry-only`: `GET /v1/me` with traces exported vs not (`telemetry.rs`).
//! `--compare` prints the hot path next to its references (a bare handler, single-row
//! selects) in one table, with each ratio's target (`compare.rs`). The load
//! generator shares the machine with the server: compare the two endpoints' ratios
//! within one run rather than absolute numbers across machines.

mod capture;
mod compare;
mod deployment;
mod items;
mod jobs;
mod lean;
mod load;
mod reference;
mod server;
mod telemetry;
mod upload;

use std::time::Duration;

use anyhow::Context;

struct Options {
    seconds: u64,
    connections: usize,
    database_url: Option<String>,
    /// Only the reminder sweep (quick to repeat while tuning it).
    sweep_only: bool,
    /// Only the capture latencies.
    capture_only: bool,
    /// Only the hot-path table against its references.
    compare: bool,
    /// Only the jobs burst.
    jobs_only: bool,
    /// Only the 100 MiB upload.
    upload_only: bool,
    /// Only `/v1/me` with traces exported vs not.
    telemetry_only: bool,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        seconds: 10,
        connections: 32,
        database_url: None,
        sweep_only: false,
        capture_only: false,
        compare: false,
        jobs_only: false,
        upload_only: false,
        telemetry_only: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => options.seconds = value()?.parse()?,
            "--connections" => options.connections = value()?.parse()?,
            "--database-url" => options.database_url = Some(value()?),
            "--sweep-only" => options.sweep_only = true,
            "--capture-only" => options.capture_only = true,
            "--compare" => options.compare = true,
            "--jobs-only" => options.jobs_only = true,
            "--upload-only" => options.upload_only = true,
            "--telemetry-only" => options.telemetry_only = true,
            "--serve-bare" => {
                reference::serve_bare(value()?.parse()?)?;
                std::process::exit(0);
            }
            other => anyhow::bail!("unknown option {other}; see the module documentation"),
        }
    }
    anyhow::ensure!((1..=300).contains(&options.seconds), "--seconds must be 1 to 300");
    anyhow::ensure!(
        (1..=512).contains(&options.connections),
        "--connections must be 1 to 512"
    );
    Ok(options)
}

fn main() -> anyhow::Result<()> {
    // The bare reference handler runs in a process of its own, with its own runtime.
    let options = options()?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench(options))
}

async fn bench(options: Options) -> anyhow::Result<()> {
    if options.sweep_only {
        return sweeps(&options).await;
    }
    if options.capture_only {
        return captures(&options).await;
    }
    if options.jobs_only {
        return compare::jobs_table(options.database_url.as_deref()).await;
    }
    if options.upload_only {
        let server = server::Server::start(options.database_url.as_deref()).await?;
        let token = server.signed_in_token().await?;
        uploads(&server, &token).await?;
        return server.stop().await;
    }
    if options.telemetry_only {
        let duration = Duration::from_secs(options.seconds);
        return telemetry::table(options.database_url.as_deref(), options.connections, duration).await;
    }
    if options.compare {
        let duration = Duration::from_secs(options.seconds);
        return compare::run(options.database_url.as_deref(), options.connections, duration).await;
    }
    let server = server::Server::start(options.database_url.as_deref()).await?;
    println!(
        "softly bench: {} connections, {} s per endpoint, database {}",
        options.connections,
        options.seconds,
        if options.database_url.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
    );
    println!(
        "time from process start to first 200 on /up: {:.1} ms",
        server.startup.as_secs_f64() * 1000.0
    );

    let token = server.signed_in_token().await?;
    uploads(&server, &token).await?;

    let duration = Duration::from_secs(options.seconds);
    let up = load::run(&server.base, "/up", None, options.connections, duration).await?;
    let me = load::run(
        &server.base,
        "/v1/me",
        Some(&token),
        options.connections,
        duration,
    )
    .await?;

    println!(
        "{:<8} {:>10} {:>9} {:>9} {:>9} {:>7}",
        "route", "req/s", "p50 ms", "p99 ms", "max ms", "errors"
    );
    for (route, report) in [("/up", &up), ("/v1/me", &me)] {
        println!(
            "{:<8} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>7}",
            route, report.rps, report.p50_ms, report.p99_ms, report.max_ms, report.errors
        );
    }
    println!("/v1/me throughput relative to /up: {:.2}", me.rps / up.rps);
    let (seeded, list) = items::list_open(&server.base, &token, options.connections, duration).await?;
    println!(
        "GET /v1/items?status=open, {} items (50 a page; created through the API in {:.1} s): {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
        items::ITEMS_PER_USER,
        seeded.as_secs_f64(),
        list.rps,
        list.p50_ms,
        list.p99_ms,
        list.errors
    );
    println!(
        "server peak RSS: {:.1} MiB",
        server.peak_rss_kib()? as f64 / 1024.0
    );
    server.stop().await?;
    captures(&options).await?;
    sweeps(&options).await?;
    deployments(&options, duration).await;
    telemetry::table(options.database_url.as_deref(), options.connections, duration).await
}

/// The 100 MiB upload next to a disk copy, and the server's memory around it.
async fn uploads(server: &server::Server, token: &str) -> anyhow::Result<()> {
    let sample = std::env::temp_dir().join(format!("softly-bench-{}.pdf", std::process::id()));
    upload::write_sample(&sample).await?;
    let rss_before = server.peak_rss_kib()?;
    let uploaded = upload::run(&server.base, token, &sample).await;
    let rss_after = server.peak_rss_kib()?;
    let _ = tokio::fs::remove_file(&sample).await;
    let uploaded = uploaded?;
    println!(
        "100 MiB upload: {:.0} MB/s ({:.2} s); disk copy of the same file: {:.0} MB/s ({:.2} s); upload/copy {:.2} (target 0.50)",
        upload::mb_per_second(uploaded.upload),
        uploaded.upload.as_secs_f64(),
        upload::mb_per_second(uploaded.copy),
        uploaded.copy.as_secs_f64(),
        upload::mb_per_second(uploaded.upload) / upload::mb_per_second(uploaded.copy),
    );
    println!(
        "server peak RSS before the upload: {:.1} MiB, after: {:.1} MiB",
        rss_before as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    Ok(())
}

/// A capture from being taken to ready, on SQLite and (with `--database-url`) PostgreSQL.
async fn captures(options: &Options) -> anyhow::Result<()> {
    let servers = std::iter::once(None).chain(options.database_url.as_deref().map(Some));
    for server in servers {
        println!(
            "capture, taken to ready, {} (fake providers on loopback, answering at once):",
            if server.is_some() { "postgres" } else { "sqlite" }
        );
        for figures in capture::run(server).await? {
            println!("  {}", figures.line());
        }
    }
    Ok(())
}

/// The reminder sweep over a million items, on SQLite and (with `--database-url`) on
/// PostgreSQL.
async fn sweeps(options: &Options) -> anyhow::Result<()> {
    let servers = std::iter::once(None).chain(options.database_url.as_deref().map(Some));
    for server in servers {
        let figures = items::sweep(server).await?;
        println!(
            "sweep, {}: {} of 1000000 reminders due at once handed over and {} email jobs enqueued in {:.2} s ({:.0} reminders/s; seeding took {:.0} s)",
            if server.is_some() { "postgres" } else { "sqlite" },
            figures.handed,
            figures.jobs,
            figures.sweep.as_secs_f64(),
            figures.handed as f64 / figures.sweep.as_secs_f64(),
            figures.seed.as_secs_f64()
        );
    }
    Ok(())
}

/// The production shape: with Redis, then without; a missing tool skips it with a note.
async fn deployments(options: &Options, duration: Duration) {
    println!(
        "\ndeployment: haproxy, 3 replicas, 2 workers x 2, private postgres and moto; with redis, then without"
    );
    let binary = std::env::var("SOFTLY_BIN").unwrap_or_else(|_| "target/release/softly".into());
    let mut figures = Vec::new();
    for redis in [true, false] {
        match deployment::measure(&binary, redis, options.connections, duration).await {
            Ok(measured) => figures.push(measured),
            Err(error) => {
                println!("deployment bench skipped: {error:#}");
                return;
            }
        }
    }
    println!(
        "{:<14} {:>14} {:>14} {:>10} {:>10} {:>13} {:>12} {:>12}",
        "",
        "/v1/me 3 rep",
        "/v1/me 1 rep",
        "p99 3 rep",
        "errors",
        "burst jobs/s",
        "trickle p50",
        "trickle p99"
    );
    for f in &figures {
        println!(
            "{:<14} {:>10.0} r/s {:>10.0} r/s {:>7.2} ms {:>10} {:>13.0} {:>9.0} ms {:>9.0} ms",
            f.label,
            f.me_three.rps,
            f.me_one.rps,
            f.me_three.p99_ms,
            f.me_three.errors + f.me_one.errors,
            f.burst_jobs_per_second,
            f.trickle_p50_ms,
            f.trickle_p99_ms
        );
    }
    let (redis, database) = (&figures[0], &figures[1]);
    println!(
        "ratios: warm cache / database path {:.2} (3 replicas), {:.2} (1 replica); 3 replicas / 1 replica {:.2} (redis), {:.2} (database); burst jobs/s redis / database {:.2}; trickle p50 database / redis {:.1}",
        redis.me_three.rps / database.me_three.rps,
        redis.me_one.rps / database.me_one.rps,
        redis.me_three.rps / redis.me_one.rps,
        database.me_three.rps / database.me_one.rps,
        redis.burst_jobs_per_second / database.burst_jobs_per_second,
        database.trickle_p50_ms / redis.trickle_p50_ms
    );
}
