//! The real binary under SIGTERM: the request in flight completes, then it exits 0.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::process::SoftlyProcess;

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_and_exits_0() {
    let mut softly = SoftlyProcess::start().await;
    let address = softly.address.clone();

    let body = br#"{"email":"nobody@example.com","password":"a long enough password"}"#;
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..20]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    softly.terminate();
    softly
        .wait_for_log(|event| {
            event["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("shutting down")
        })
        .await;
    assert!(
        TcpStream::connect(&address).await.is_err(),
        "no new connections while draining"
    );

    stream.write_all(&body[20..]).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut response))
        .await
        .expect("the in-flight request is answered")
        .unwrap();
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(response.contains("invalid_credentials"));

    let exit = tokio::time::timeout(Duration::from_secs(30), softly.child.wait())
        .await
        .expect("softly exits within the shutdown timeout")
        .unwrap();
    assert!(exit.success(), "exit status {exit:?}");
}
