//! Benchmarks the release `softly` binary as a client would see it, in one run:
//! time from process start to the first 200 on `/up`, then requests per second and
//! latency percentiles of `GET /up` and of `GET /v1/me` (JWT check, session lookup,
//! user query), and the server's peak resident memory; first, a 100 MiB document upload
//! (MB/s and peak memory) next to copying the same file on the same disk.
//!
//! `bench/run [--seconds N] [--connections N] [--database-url URL]`. The load
//! generator shares the machine with the server: compare the two endpoints' ratios
//! within one run rather than absolute numbers across machines.

mod load;
mod server;
mod upload;

use std::time::Duration;

use anyhow::Context;

struct Options {
    seconds: u64,
    connections: usize,
    database_url: Option<String>,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        seconds: 10,
        connections: 32,
        database_url: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--seconds" => options.seconds = value()?.parse()?,
            "--connections" => options.connections = value()?.parse()?,
            "--database-url" => options.database_url = Some(value()?),
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
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
    let sample = std::env::temp_dir().join(format!("softly-bench-{}.pdf", std::process::id()));
    upload::write_sample(&sample).await?;
    let rss_before = server.peak_rss_kib()?;
    let uploaded = upload::run(&server.base, &token, &sample).await;
    let rss_after = server.peak_rss_kib()?;
    let _ = tokio::fs::remove_file(&sample).await;
    let uploaded = uploaded?;
    println!(
        "100 MiB upload: {:.0} MB/s ({:.2} s); disk copy of the same file: {:.0} MB/s ({:.2} s); upload/copy {:.2}",
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
    println!(
        "server peak RSS: {:.1} MiB",
        server.peak_rss_kib()? as f64 / 1024.0
    );
    server.stop().await
}
