//! i. 2,000 connections that never finish their headers, each holding 32 KiB of them,
//! straight to one replica started with 1,024 open files allowed (a slowloris against a
//! self-hosted process): `/up` keeps answering on it and through the proxy while they
//! are open, it stays under its memory limit, and its memory comes back once they close.

use std::time::Duration;

use softly_testbed::Cluster;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::image_bombs::MEMORY_LIMIT_MIB;
use crate::{Settings, Verdict};

const SLOW: usize = 2000;
const HEADER_BYTES: usize = 32 * 1024;

/// `GET /up` on `port` over a fresh connection: whether it answered 200 within 5 s.
async fn up(port: u16) -> bool {
    let probe = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(b"GET /up HTTP/1.1\r\nhost: softly\r\nconnection: close\r\n\r\n")
            .await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer.starts_with(b"HTTP/1.1 200"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(5), probe).await,
        Ok(Ok(true))
    )
}

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let ports: Vec<u16> = cluster.replicas.iter().filter_map(|r| r.port).collect();
    let target = ports[0];
    let mut partial = b"GET /v1/me HTTP/1.1\r\nhost: softly\r\nx-slow: ".to_vec();
    partial.resize(HEADER_BYTES, b'a');
    let mut slow = Vec::with_capacity(SLOW);
    for _ in 0..SLOW {
        let connect = TcpStream::connect(("127.0.0.1", target));
        let mut stream = tokio::time::timeout(Duration::from_secs(5), connect).await??;
        // Unread bytes wait in the socket buffers if the server never reads them.
        let _ = tokio::time::timeout(Duration::from_millis(50), stream.write_all(&partial)).await;
        slow.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let target_up = up(target).await;
    let proxy_port: u16 = cluster
        .proxy
        .url()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .parse()?;
    let through_proxy = up(proxy_port).await;
    let peak = cluster.replicas[0].memory()?.peak_mib;
    drop(slow);
    // Memory comes back: within twice the idle replicas', once the allocator's next
    // give-back (every 10 s) has run.
    tokio::time::sleep(Duration::from_secs(12)).await;
    let after = cluster.replicas[0].memory()?.now_mib;
    let idle = cluster.replicas[1].memory()?.now_mib.max(32);
    let pass = target_up && through_proxy && peak < MEMORY_LIMIT_MIB && after <= 2 * idle;
    let said = |answered: bool| if answered { "answered" } else { "did NOT answer" };
    Ok(Verdict::new(
        pass,
        format!(
            "{SLOW} connections holding {} KiB of unfinished headers on r0 (1024 open files at start): /up on r0 {}, through the proxy {}; r0 peaked at {peak} MiB (limit {MEMORY_LIMIT_MIB}), {after} MiB 12 s after they closed (an idle replica: {idle})",
            HEADER_BYTES / 1024,
            said(target_up),
            said(through_proxy)
        ),
    ))
}
