//! A refused upload's connection: the server reads on past its answer, within bounds,
//! so the client that is still sending gets the 413 (not a reset) and can reuse the
//! connection; a body declared far beyond the bound is answered at once and closed.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Setup, VaultApp};

const BOUNDARY: &str = "BOUNDARY";

/// Reads one response's head from `stream`: its status line and headers, lowercased.
async fn response_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    tokio::time::timeout(Duration::from_secs(20), async {
        while !head.ends_with(b"\r\n\r\n") {
            let n = stream.read(&mut byte).await.expect("the connection is not reset");
            assert_eq!(
                n,
                1,
                "the server closed before answering: {:?}",
                String::from_utf8_lossy(&head)
            );
            head.push(byte[0]);
        }
    })
    .await
    .expect("an answer within 20 seconds");
    String::from_utf8(head).unwrap().to_ascii_lowercase()
}

/// Reads the body that `head` announces.
async fn response_body(stream: &mut TcpStream, head: &str) -> Vec<u8> {
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .expect("a content-length")
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
    body
}

/// The server's `host:port`.
fn host(vault: &VaultApp) -> &str {
    vault.app.address.trim_start_matches("http://")
}

fn upload_head(address: &str, token: &str, length: u64) -> String {
    format!(
        "POST /v1/documents HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_upload_is_read_to_its_end_and_the_connection_serves_again() {
    let vault = VaultApp::spawn_with(Setup::Disk, &[("VAULT_MAX_UPLOAD_BYTES", "100000")]).await;
    let token = vault.user().await;
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n%PDF-1.7\n"
    )
    .into_bytes();
    body.resize(8 * 1024 * 1024, b'0');
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());

    let mut stream = TcpStream::connect(host(&vault)).await.unwrap();
    let head = upload_head(host(&vault), &token, body.len() as u64);
    stream.write_all(head.as_bytes()).await.unwrap();
    // All 8 MiB are taken although the answer was decided after the headers.
    stream
        .write_all(&body)
        .await
        .expect("the server reads the whole body");
    let answer = response_head(&mut stream).await;
    assert!(answer.starts_with("http/1.1 413"), "{answer}");
    assert!(!answer.contains("connection: close"), "{answer}");
    let problem = response_body(&mut stream, &answer).await;
    assert!(String::from_utf8_lossy(&problem).contains("payload_too_large"));

    // The same connection answers the next request.
    let me = format!(
        "GET /v1/me HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\r\n",
        host(&vault)
    );
    stream.write_all(me.as_bytes()).await.unwrap();
    let answer = response_head(&mut stream).await;
    assert!(answer.starts_with("http/1.1 200"), "{answer}");
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_declared_past_the_bound_is_refused_at_once_and_closed() {
    let vault = VaultApp::spawn_with(Setup::Disk, &[("VAULT_MAX_UPLOAD_BYTES", "100000")]).await;
    let token = vault.user().await;
    let mut stream = TcpStream::connect(host(&vault)).await.unwrap();
    // 65 MiB declared, none of it sent: the answer cannot wait for it.
    let head = upload_head(host(&vault), &token, 65 * 1024 * 1024);
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = response_head(&mut stream).await;
    assert!(answer.starts_with("http/1.1 413"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
}
