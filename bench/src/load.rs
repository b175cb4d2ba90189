//! A closed-loop load generator: N connections, each sending its next request when the
//! previous answer arrives, for a fixed time.

use std::time::{Duration, Instant};

pub struct Report {
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
}

/// Warms up for a second, then measures `path` for `duration`.
pub async fn run(
    base: &str,
    path: &str,
    token: Option<&str>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Report> {
    let url = format!("{base}{path}");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let _ = measure(&client, &url, token, connections, Duration::from_secs(1)).await;
    let started = Instant::now();
    let (mut latencies, errors) = measure(&client, &url, token, connections, duration).await;
    let elapsed = started.elapsed().as_secs_f64();
    anyhow::ensure!(!latencies.is_empty(), "no request to {path} succeeded");
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize] as f64 / 1000.0;
    Ok(Report {
        rps: latencies.len() as f64 / elapsed,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: at(1.0),
        errors,
    })
}

/// Latencies in microseconds of the successful requests, and the count of failures.
async fn measure(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    connections: usize,
    duration: Duration,
) -> (Vec<u32>, u64) {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (client, url, token) = (client.clone(), url.to_string(), token.map(str::to_owned));
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0u64);
                while Instant::now() < deadline {
                    let mut request = client.get(&url);
                    if let Some(token) = &token {
                        request = request.bearer_auth(token);
                    }
                    let sent = Instant::now();
                    match request.send().await {
                        Ok(response) if response.status() == 200 => {
                            let _ = response.bytes().await;
                            latencies.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut all, mut failed) = (Vec::new(), 0);
    for task in tasks {
        if let Ok((latencies, errors)) = task.await {
            all.extend(latencies);
            failed += errors;
        }
    }
    (all, failed)
}
