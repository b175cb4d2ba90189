//! A 1 GiB body against the real binary: refused with 413 long before it is read,
//! while the server's memory stays flat.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::process::SoftlyProcess;

const GIB: u64 = 1024 * 1024 * 1024;
const CHUNK: usize = 1024 * 1024;

/// Peak resident memory of `pid`, in bytes.
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_gib_streamed_upload_is_refused_with_413_in_flat_memory() {
    let server = SoftlyProcess::start().await;
    let token = server.signed_in_token().await;
    let pid = server.child.id().unwrap();
    let before = peak_rss(pid);

    let stream = TcpStream::connect(&server.address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /v1/documents HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary=BOUNDARY\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.address
    );
    // Writes 1 GiB of a PDF in chunked encoding until the server stops reading.
    let sender = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let part = b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.pdf\"\r\n\r\n%PDF-1.7\n";
        writer
            .write_all(format!("{:x}\r\n", part.len()).as_bytes())
            .await?;
        writer.write_all(part).await?;
        writer.write_all(b"\r\n").await?;
        let zeros = vec![b'0'; CHUNK];
        let mut sent = 0u64;
        while sent < GIB {
            writer.write_all(format!("{CHUNK:x}\r\n").as_bytes()).await?;
            writer.write_all(&zeros).await?;
            writer.write_all(b"\r\n").await?;
            sent += CHUNK as u64;
        }
        writer.write_all(b"0\r\n\r\n").await?;
        std::io::Result::Ok(sent)
    });
    let mut response = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        while !response.windows(4).any(|w| w == b"\r\n\r\n") {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answered within a minute");
    let status_line = String::from_utf8_lossy(&response)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line:?}");
    let sent = tokio::time::timeout(Duration::from_secs(60), sender)
        .await
        .unwrap()
        .unwrap();
    if let Ok(sent) = sent {
        panic!("the server read all {sent} bytes instead of stopping");
    }
    let growth = peak_rss(pid).saturating_sub(before);
    assert!(
        growth < 64 * 1024 * 1024,
        "peak memory grew by {} MiB",
        growth >> 20
    );
    let objects = server.data_dir.join("objects");
    assert!(!objects.exists() || std::fs::read_dir(&objects).unwrap().count() == 0);
    assert_eq!(std::fs::read_dir(server.data_dir.join("tmp")).unwrap().count(), 0);
}
