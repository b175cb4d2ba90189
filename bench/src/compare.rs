//! `bench/run --compare`: the hot path next to its references, in one table — what a
//! bare axum handler answers and what PostgreSQL selects, then Softly's `GET /up` and
//! signed-in `GET /v1/me` on SQLite, PostgreSQL, and PostgreSQL with Redis's cache warm;
//! and the production shape (HAProxy, 3 replicas, Redis); each with its p99, its ratio
//! to its reference, the target, the server's peak RSS and its CPU time per
//! request (steadier than rates on shared cores). The lean load generator (`lean.rs`)
//! drives every row alike.

use std::path::PathBuf;
use std::time::Duration;

use softly_testbed::{Cluster, Options, access_token};

use crate::load::Report;
use crate::reference::{self, Bare};
use crate::server::Server;
use crate::{jobs, lean};

struct Row {
    label: String,
    report: Report,
    reference: Option<(&'static str, f64, f64)>,
    rss_mib: Option<f64>,
    /// The server's CPU time per request (µs): steadier than the rate on shared cores.
    cpu_us: Option<f64>,
}

pub async fn run(database_url: Option<&str>, connections: usize, duration: Duration) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let bare = Bare::start().await?;
    let cpu = bare.cpu_time()?;
    let bare_report = lean::run(&bare.address, "/", None, connections, duration).await?;
    let cpu_us = per_request_us(bare.cpu_time()? - cpu, &bare_report, duration);
    let bare_rps = bare_report.rps;
    drop(bare);
    rows.push(Row {
        label: "bare axum handler (reference)".into(),
        report: bare_report,
        reference: None,
        rss_mib: None,
        cpu_us: Some(cpu_us),
    });
    let mut select_rps = None;
    if let Some(url) = database_url {
        // Softly's users table, with a user in it, is what is selected from.
        let server = Server::start(Some(url)).await?;
        server.signed_in_token().await?;
        server.stop().await?;
        let (rps, p50, p99) = reference::selects(url, connections, duration).await?;
        select_rps = Some(rps);
        rows.push(Row {
            label: "single-row select, postgres (reference)".into(),
            report: Report {
                rps,
                p50_ms: p50,
                p99_ms: p99,
                max_ms: 0.0,
                errors: 0,
            },
            reference: None,
            rss_mib: None,
            cpu_us: None,
        });
    }
    let mut shapes: Vec<(&str, Option<&str>, bool)> = vec![("sqlite", None, false)];
    if let Some(url) = database_url {
        shapes.push(("postgres", Some(url), false));
        shapes.push(("postgres + redis, warm", Some(url), true));
    }
    for (label, url, redis) in shapes {
        let mut env = Vec::new();
        if redis {
            env.push((
                "REDIS_URL",
                std::env::var("BENCH_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            ));
            env.push(("REDIS_PREFIX", format!("bench-{}", std::process::id())));
        }
        let server = Server::start_with(url, &env).await?;
        let token = server.signed_in_token().await?;
        let address = server.base.trim_start_matches("http://").to_string();
        if !redis {
            let cpu = server.cpu_time()?;
            let up = lean::run(&address, "/up", None, connections, duration).await?;
            let cpu_us = per_request_us(server.cpu_time()? - cpu, &up, duration);
            rows.push(Row {
                label: format!("GET /up, {label}"),
                report: up,
                reference: Some(("bare", bare_rps, 0.60)),
                rss_mib: None,
                cpu_us: Some(cpu_us),
            });
        }
        let cpu = server.cpu_time()?;
        let me = lean::run(&address, "/v1/me", Some(&token), connections, duration).await?;
        let cpu_us = per_request_us(server.cpu_time()? - cpu, &me, duration);
        let reference = match (label, select_rps) {
            ("postgres", Some(select)) => Some(("select", select, 0.60)),
            ("sqlite", _) => Some(("bare", bare_rps, 0.40)),
            _ => Some(("bare", bare_rps, 0.50)),
        };
        let rss = server.peak_rss_kib()? as f64 / 1024.0;
        rows.push(Row {
            label: format!("GET /v1/me, {label}"),
            report: me,
            reference,
            rss_mib: Some(rss),
            cpu_us: Some(cpu_us),
        });
        server.stop().await?;
    }
    if database_url.is_some() {
        rows.push(production_shape(binary()?, connections, duration, bare_rps).await?);
    }
    println!(
        "\nhot path, {connections} connections, {} s a row (lean HTTP/1.1 load generator on the same 2 cores):",
        duration.as_secs()
    );
    println!(
        "| {:<40} | {:>9} | {:>8} | {:>8} | {:>26} | {:>6} | {:>8} | {:>10} |",
        "path", "req/s", "p50 ms", "p99 ms", "ratio (target)", "errors", "peak RSS", "CPU µs/req"
    );
    println!(
        "|{:-<42}|{:->11}|{:->10}|{:->10}|{:->28}|{:->8}|{:->10}|{:->12}|",
        "", "", "", "", "", "", "", ""
    );
    for row in &rows {
        let ratio = row.reference.map_or("—".to_string(), |(of, rate, target)| {
            let ratio = row.report.rps / rate;
            format!(
                "{ratio:.2} of {of} ({target:.2}){}",
                if ratio >= target { "" } else { " ✗" }
            )
        });
        println!(
            "| {:<40} | {:>9.0} | {:>8.2} | {:>8.2} | {:>26} | {:>6} | {:>8} | {:>10} |",
            row.label,
            row.report.rps,
            row.report.p50_ms,
            row.report.p99_ms,
            ratio,
            row.report.errors,
            row.rss_mib.map_or("—".to_string(), |mib| format!("{mib:.0} MiB")),
            row.cpu_us.map_or("—".to_string(), |us| format!("{us:.0}"))
        );
    }
    jobs_table(database_url).await
}

/// The jobs burst beside the table: the target is PostgreSQL's, with the deployment's
/// workers.
pub async fn jobs_table(database_url: Option<&str>) -> anyhow::Result<()> {
    println!(
        "\njobs: a burst of {} trivial jobs drained by {} workers a process (target on postgres: {:.0} jobs/s):",
        jobs::BURST,
        jobs::WORKERS_PER_PROCESS,
        jobs::TARGET
    );
    let mut shapes = vec![("sqlite, 1 process", None, 1)];
    if let Some(url) = database_url {
        shapes.push(("postgres, 1 process", Some(url), 1));
        shapes.push(("postgres, 3 processes", Some(url), 3));
    }
    for (label, url, processes) in shapes {
        let rate = jobs::burst(url, processes).await?;
        let verdict = match url {
            Some(_) if rate < jobs::TARGET => " ✗",
            _ => "",
        };
        println!("| {label:<24} | {rate:>8.0} jobs/s{verdict} |");
    }
    Ok(())
}

/// The release binary beside this one (`bench/run` builds both).
fn binary() -> anyhow::Result<PathBuf> {
    let binary = std::env::current_exe()?.with_file_name("softly");
    anyhow::ensure!(
        binary.exists(),
        "{} is missing: bench/run builds it",
        binary.display()
    );
    Ok(binary)
}

/// `GET /v1/me` in the production shape: HAProxy in front of 3 replicas on a private
/// PostgreSQL, with Redis (the cache warm), one worker.
async fn production_shape(
    binary: PathBuf,
    connections: usize,
    duration: Duration,
    bare_rps: f64,
) -> anyhow::Result<Row> {
    let cluster = Cluster::start(Options {
        binary,
        replicas: 3,
        workers: 1,
        threads_per_worker: 1,
        redis: true,
        env: vec![("RUST_LOG".into(), "warn".into())],
    })
    .await?;
    let (_, pair) = cluster.new_user("compare").await?;
    let token = access_token(&pair)?;
    let address = cluster.proxy.url().trim_start_matches("http://").to_string();
    let report = lean::run(&address, "/v1/me", Some(&token), connections, duration).await?;
    Ok(Row {
        label: "GET /v1/me, haproxy + 3 replicas + redis".into(),
        report,
        reference: Some(("bare", bare_rps, 0.50)),
        rss_mib: None,
        cpu_us: None,
    })
}

/// CPU time per request, from the server's CPU time over a row and the row's rate.
pub(crate) fn per_request_us(cpu: Duration, report: &Report, duration: Duration) -> f64 {
    let requests = report.rps * duration.as_secs_f64();
    cpu.as_secs_f64() * 1e6 / requests.max(1.0)
}
