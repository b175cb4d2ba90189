//! Image bombs against the real binary: a small PNG that decodes to hundreds of MiB
//! (7000 × 7000 pixels of 16-bit RGBA, turned by its EXIF orientation). Processing such
//! images waits for a share of the process's memory limit, so several at once stay
//! under it; one that could never fit is refused without being decoded. Memory is the
//! server's own peak (VmHWM in /proc/<pid>/status).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

use crate::process::SoftlyProcess;

const SIDE: u32 = 7000;

/// The bomb, written once per test run: 381 KB on disk, 374 MiB decoded.
fn bomb() -> &'static Path {
    static BOMB: OnceLock<PathBuf> = OnceLock::new();
    BOMB.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("softly-bomb-{}.png", uuid::Uuid::now_v7().simple()));
        let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut encoder = png::Encoder::new(file, SIDE, SIDE);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Sixteen);
        let mut writer = encoder.write_header().unwrap();
        // EXIF (big-endian TIFF): one entry, Orientation (0x0112) = 6, turned 90°.
        let exif = [
            b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
        ];
        writer
            .write_chunk(png::chunk::ChunkType(*b"eXIf"), &exif)
            .unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let row = vec![0u8; SIDE as usize * 8];
        for _ in 0..SIDE {
            stream.write_all(&row).unwrap();
        }
        stream.finish().unwrap();
        path
    })
}

/// Uploads the bomb `count` times at once; answers the document ids.
async fn upload_bombs(server: &SoftlyProcess, token: &str, count: usize) -> Vec<String> {
    let bytes = std::fs::read(bomb()).unwrap();
    assert!(bytes.len() < 1024 * 1024, "a small file: {} bytes", bytes.len());
    let client = reqwest::Client::new();
    let uploads = (0..count).map(|i| {
        let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(format!("bomb-{i}.png"));
        client
            .post(server.url("/v1/documents"))
            .bearer_auth(token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    });
    let mut ids = Vec::new();
    for response in futures_util::future::join_all(uploads).await {
        let response = response.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        ids.push(body["document"]["id"].as_str().unwrap().to_string());
    }
    ids
}

/// Waits (at most 120 s) until every document is settled; answers each one.
async fn settled(server: &SoftlyProcess, token: &str, ids: &[String]) -> Vec<Value> {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        let mut documents = Vec::new();
        for id in ids {
            let response = client
                .get(server.url(&format!("/v1/documents/{id}")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let body: Value = response.json().await.unwrap();
            documents.push(body["document"].clone());
        }
        if documents.iter().all(|d| d["status"] != "processing") {
            return documents;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("documents still processing after 120 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_bombs_processed_together_stay_under_the_memory_limit() {
    // Four workers could decode all three at once (each 374 MiB, and a rotated copy
    // each before this was fixed: over 2 GiB).
    let server = SoftlyProcess::start_with(&[("MEMORY_LIMIT_MIB", "1024"), ("JOB_WORKERS", "4")], &[]).await;
    let token = server.signed_in_token().await;
    let ids = upload_bombs(&server, &token, 3).await;
    let documents = settled(&server, &token, &ids).await;
    for document in &documents {
        assert_eq!(document["status"], "ready", "{document}");
        // Stored dimensions are the file's; the thumbnail is turned upright.
        assert_eq!(
            (document["width"].as_u64(), document["height"].as_u64()),
            (Some(7000), Some(7000))
        );
    }
    let peak = server.peak_memory_mib();
    println!("three bombs at once: the server peaked at {peak} MiB");
    assert!(
        peak < 1024,
        "the server peaked at {peak} MiB, over its 1024 MiB limit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_that_could_never_fit_the_budget_fails_without_being_decoded() {
    // Half of 256 MiB is the images' budget: 374 MiB of pixels can never fit.
    let server = SoftlyProcess::start_with(&[("MEMORY_LIMIT_MIB", "256")], &[]).await;
    let token = server.signed_in_token().await;
    let ids = upload_bombs(&server, &token, 2).await;
    for document in settled(&server, &token, &ids).await {
        assert_eq!(document["status"], "failed", "{document}");
        let reason = document["failure_reason"].as_str().unwrap_or_default();
        assert!(reason.contains("too large to process"), "{document}");
    }
    let peak = server.peak_memory_mib();
    println!("two bombs over the budget: the server peaked at {peak} MiB");
    assert!(
        peak < 200,
        "nothing was decoded, yet the server peaked at {peak} MiB"
    );
}
