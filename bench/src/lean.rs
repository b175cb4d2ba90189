//! A lean closed-loop HTTP/1.1 load generator for the hot-path comparison: each of N
//! keep-alive connections writes one `GET` and reads its answer (headers, then exactly
//! `Content-Length` bytes) before the next. No client library: on two shared cores the
//! generator must cost less than the servers it measures, or every ratio shrinks to 1.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::load::Report;

/// Warms up for a second, then measures `GET path` on `address` (`127.0.0.1:port`).
pub async fn run(
    address: &str,
    path: &str,
    token: Option<&str>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Report> {
    let request = match token {
        Some(token) => {
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\r\n")
        }
        None => format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n"),
    };
    let _ = measure(address, &request, connections, Duration::from_secs(1)).await;
    let started = Instant::now();
    let (mut latencies, errors) = measure(address, &request, connections, duration).await;
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

async fn measure(address: &str, request: &str, connections: usize, duration: Duration) -> (Vec<u32>, u64) {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let (address, request) = (address.to_string(), request.as_bytes().to_vec());
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::with_capacity(1 << 16), 0u64);
                let mut buffer = vec![0u8; 64 * 1024];
                let mut stream = None;
                while Instant::now() < deadline {
                    if stream.is_none() {
                        match TcpStream::connect(&address).await {
                            Ok(connected) => {
                                let _ = connected.set_nodelay(true);
                                stream = Some(connected);
                            }
                            Err(_) => {
                                errors += 1;
                                tokio::time::sleep(Duration::from_millis(10)).await;
                                continue;
                            }
                        }
                    }
                    let connection = stream.as_mut().expect("connected above");
                    let sent = Instant::now();
                    match exchange(connection, &request, &mut buffer).await {
                        Some(200) => latencies.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32),
                        Some(_) => errors += 1,
                        None => {
                            errors += 1;
                            stream = None;
                        }
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

/// Writes the request and reads one whole answer; its status, or None when the
/// connection failed or closed.
async fn exchange(stream: &mut TcpStream, request: &[u8], buffer: &mut [u8]) -> Option<u16> {
    stream.write_all(request).await.ok()?;
    let mut filled = 0;
    let header_end = loop {
        let read = stream.read(&mut buffer[filled..]).await.ok()?;
        if read == 0 {
            return None;
        }
        filled += read;
        if let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if filled == buffer.len() {
            return None;
        }
    };
    let head = std::str::from_utf8(&buffer[..header_end]).ok()?;
    let status: u16 = head.get(9..12)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut remaining = (header_end + length).saturating_sub(filled);
    let capacity = buffer.len();
    while remaining > 0 {
        let read = stream.read(&mut buffer[..remaining.min(capacity)]).await.ok()?;
        if read == 0 {
            return None;
        }
        remaining -= read;
    }
    Some(status)
}
