//! The real binary under SIGTERM: the request in flight completes, then it exits 0.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::Command;

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_and_exits_0() {
    let data_dir = std::env::temp_dir().join(format!("softly-sigterm-{}", uuid::Uuid::now_v7().simple()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_softly"))
        .env_remove("DATABASE_URL")
        .env("SOFTLY_DATA_DIR", &data_dir)
        .env("PORT", "0")
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the softly binary starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("softly is listening") {
                let event: serde_json::Value = serde_json::from_str(&line).unwrap();
                return event["address"].as_str().unwrap().to_string();
            }
        }
        panic!("softly exited before listening");
    })
    .await
    .expect("softly listens within 30 s");
    // Keep draining its log so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let body = br#"{"email":"nobody@example.com","password":"a long enough password"}"#;
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /v1/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..20]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
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

    let exit = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("softly exits within the shutdown timeout")
        .unwrap();
    assert!(exit.success(), "exit status {exit:?}");
}
