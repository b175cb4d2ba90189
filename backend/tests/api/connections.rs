//! Connections a client cannot stretch, against the real binary over raw TCP: unfinished
//! headers and idle keep-alive connections are closed after `HTTP_IDLE_TIMEOUT_SECS`,
//! connections beyond `HTTP_MAX_CONNECTIONS` get a clean 503, and hundreds of slow
//! clients do not exhaust the open-files limit (raised at start) or stop `/up`.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::process::SoftlyProcess;

const REQUEST: &[u8] = b"GET /up HTTP/1.1\r\nhost: softly\r\n\r\n";

/// Waits (at most `within`) for the server to close `stream`; answers how long it took.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((started + within).into(), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}

/// A new connection to the server, within 10 s (a server that stopped accepting makes
/// the kernel's backlog fill and connects hang).
async fn connect(server: &SoftlyProcess) -> TcpStream {
    tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(&server.address))
        .await
        .expect("connected within 10 s")
        .unwrap()
}

/// Sends a whole request; answers the status line of the response.
async fn status_line(stream: &mut TcpStream) -> String {
    stream.write_all(REQUEST).await.unwrap();
    let mut buffer = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
        .await
        .expect("an answer within 10 s")
        .unwrap();
    String::from_utf8_lossy(&buffer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_headers_are_closed_after_the_timeout() {
    let server = SoftlyProcess::start_with(&[("HTTP_IDLE_TIMEOUT_SECS", "2")], &[]).await;
    let mut slow = connect(&server).await;
    slow.write_all(b"GET /up HTTP/1.1\r\nhost: softly\r\nx-slow: ")
        .await
        .unwrap();
    let closed = closed_within(&mut slow, Duration::from_secs(10)).await;
    let after = closed.expect("the server closed a connection that never finished its headers");
    assert!(
        after >= Duration::from_millis(1500),
        "not before its time: {after:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_and_a_busy_one_is_not() {
    let server = SoftlyProcess::start_with(&[("HTTP_IDLE_TIMEOUT_SECS", "2")], &[]).await;
    let mut busy = connect(&server).await;
    let mut idle = connect(&server).await;
    assert_eq!(status_line(&mut idle).await, "HTTP/1.1 200 OK");
    // A request each second for four seconds keeps its connection.
    for _ in 0..4 {
        assert_eq!(status_line(&mut busy).await, "HTTP/1.1 200 OK");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(
        closed_within(&mut idle, Duration::from_secs(10)).await.is_some(),
        "the idle one was closed"
    );
    assert_eq!(status_line(&mut busy).await, "HTTP/1.1 200 OK");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_connection_limit_a_new_connection_is_told_503_and_service_recovers() {
    let server = SoftlyProcess::start_with(&[("HTTP_MAX_CONNECTIONS", "20")], &[]).await;
    let mut held = Vec::new();
    for _ in 0..20 {
        let mut stream = connect(&server).await;
        stream.write_all(b"GET /up HTTP/1.1\r\n").await.unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut one_more = connect(&server).await;
    assert_eq!(
        status_line(&mut one_more).await,
        "HTTP/1.1 503 Service Unavailable"
    );
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut again = connect(&server).await;
    assert_eq!(status_line(&mut again).await, "HTTP/1.1 200 OK");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_past_the_starting_file_limit_do_not_stop_up() {
    // Started as a container often is: 256 open files allowed, 4096 at most.
    let server = SoftlyProcess::start_with_open_files(256, 4096, &[]).await;
    let mut slow = Vec::new();
    for _ in 0..400 {
        let mut stream = connect(&server).await;
        stream
            .write_all(b"GET /up HTTP/1.1\r\nhost: softly\r\n")
            .await
            .unwrap();
        slow.push(stream);
    }
    let mut probe = connect(&server).await;
    assert_eq!(status_line(&mut probe).await, "HTTP/1.1 200 OK");
    drop(slow);
    let raised = server
        .wait_for_log(|event| event["message"] == "open files limit")
        .await;
    assert_eq!(
        (raised["before"].as_u64(), raised["after"].as_u64()),
        (Some(256), Some(4096))
    );
}
