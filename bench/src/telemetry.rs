//! What exporting telemetry costs: `GET /v1/me` on the same binary with no OTLP endpoint,
//! exporting a tenth of the traces (production's setting, `infrastructure/aws/ecs.tf`),
//! and exporting every trace — to testbed's collector stand-in, which counts what
//! arrives without decoding it (a collector elsewhere costs this machine nothing). The
//! three alternate three times, so the machine's drift falls on each; the ratios to
//! "off" are the figures (issue 19 asks for a cost of 10 % or less), in throughput and in
//! the server's CPU time per request, which two shared cores disturb less.

use std::time::Duration;

use softly_testbed::fakes::otlp::FakeOtlpCollector;

use crate::compare::per_request_us;
use crate::load;
use crate::server::Server;

const ROUNDS: usize = 3;

pub async fn table(database_url: Option<&str>, connections: usize, duration: Duration) -> anyhow::Result<()> {
    let collector = FakeOtlpCollector::start_counting().await?;
    let exporting = |sampler: &str, ratio: &str| {
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint()),
            ("OTEL_TRACES_SAMPLER", sampler.to_string()),
            ("OTEL_TRACES_SAMPLER_ARG", ratio.to_string()),
        ]
    };
    let mut servers = Vec::new();
    for (name, env) in [
        ("off", vec![]),
        ("a tenth", exporting("parentbased_traceidratio", "0.1")),
        ("every one", exporting("parentbased_always_on", "1")),
    ] {
        let server = Server::start_with(database_url, &env).await?;
        let token = server.signed_in_token().await?;
        servers.push((name, token, server));
    }
    let mut rps = vec![0.0f64; servers.len()];
    let mut p99 = vec![0.0f64; servers.len()];
    let mut cpu_us = vec![0.0f64; servers.len()];
    for _ in 0..ROUNDS {
        for (i, (_, token, server)) in servers.iter().enumerate() {
            let cpu = server.cpu_time()?;
            let report = load::run(&server.base, "/v1/me", Some(token), connections, duration).await?;
            anyhow::ensure!(report.errors == 0, "{} errors on /v1/me", report.errors);
            rps[i] += report.rps / ROUNDS as f64;
            p99[i] += report.p99_ms / ROUNDS as f64;
            cpu_us[i] += per_request_us(server.cpu_time()? - cpu, &report, duration) / ROUNDS as f64;
        }
    }
    println!(
        "GET /v1/me with telemetry exported ({connections} connections, {ROUNDS} alternating rounds of {} s):",
        duration.as_secs()
    );
    println!(
        "{:<16} {:>10} {:>9} {:>11} {:>12} {:>11}",
        "traces exported", "req/s", "p99 ms", "throughput", "CPU µs/req", "CPU cost"
    );
    for (i, (name, _, _)) in servers.iter().enumerate() {
        println!(
            "{:<16} {:>10.0} {:>9.2} {:>10.1}% {:>12.1} {:>10.1}%",
            name,
            rps[i],
            p99[i],
            (rps[i] / rps[0] - 1.0) * 100.0,
            cpu_us[i],
            (cpu_us[i] / cpu_us[0] - 1.0) * 100.0
        );
    }
    let (exports, bytes) = collector.counted();
    println!(
        "target: a cost of 10 % or less; {exports} exports arrived, {:.1} MB as sent (gzip)",
        bytes as f64 / 1e6
    );
    for (_, _, server) in servers {
        server.stop().await?;
    }
    Ok(())
}
