//! The median of five 100 MiB documents through `POST /v1/documents` (multipart, streamed from disk by the
//! client), next to copying the same file on the same disk, with the server's peak
//! resident memory before and after.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::AsyncWriteExt;

pub const UPLOAD_BYTES: u64 = 100 * 1024 * 1024;

pub struct UploadReport {
    pub upload: Duration,
    pub copy: Duration,
}

/// Writes a PDF-looking file of [`UPLOAD_BYTES`] bytes at `path`.
pub async fn write_sample(path: &Path) -> anyhow::Result<()> {
    let mut file = tokio::fs::File::create(path).await?;
    file.write_all(b"%PDF-1.7\n").await?;
    let block: Vec<u8> = (0..1024 * 1024)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut written = 9u64;
    while written < UPLOAD_BYTES {
        let n = block.len().min((UPLOAD_BYTES - written) as usize);
        file.write_all(&block[..n]).await?;
        written += n as u64;
    }
    file.sync_all().await?;
    Ok(())
}

/// Runs of each (the median is reported: a run is a fraction of a second on shared cores).
const RUNS: usize = 5;

/// The median of [`RUNS`] uploads and of as many copies.
pub async fn run(base: &str, token: &str, sample: &Path) -> anyhow::Result<UploadReport> {
    let (mut uploads, mut copies) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        uploads.push(upload(base, token, sample).await?);
        copies.push(copy(sample).await?);
    }
    uploads.sort();
    copies.sort();
    Ok(UploadReport {
        upload: uploads[RUNS / 2],
        copy: copies[RUNS / 2],
    })
}

async fn upload(base: &str, token: &str, sample: &Path) -> anyhow::Result<Duration> {
    let file = tokio::fs::File::open(sample).await?;
    // 256 KiB reads: a client's own 4 KiB reads (tokio's default) would measure the client.
    let blocks = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024);
    let part = reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(blocks), UPLOAD_BYTES)
        .file_name("bench.pdf")
        .mime_str("application/pdf")?;
    let form = reqwest::multipart::Form::new().part("file", part);
    let started = Instant::now();
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/documents"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await?;
    let upload = started.elapsed();
    anyhow::ensure!(
        response.status() == 201,
        "the upload answered {}",
        response.status()
    );
    Ok(upload)
}

async fn copy(sample: &Path) -> anyhow::Result<Duration> {
    let copy_target = sample.with_extension("copy");
    let started = Instant::now();
    tokio::fs::copy(sample, &copy_target)
        .await
        .context("while copying the sample")?;
    tokio::fs::File::open(&copy_target).await?.sync_all().await?;
    let copy = started.elapsed();
    tokio::fs::remove_file(&copy_target).await?;
    Ok(copy)
}

pub fn mb_per_second(elapsed: Duration) -> f64 {
    UPLOAD_BYTES as f64 / 1_000_000.0 / elapsed.as_secs_f64()
}
