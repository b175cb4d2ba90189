//! c. A worker killed with `kill -9` in the middle of jobs, and another frozen (SIGSTOP)
//! past its lease and then let go: every acknowledged upload is processed, its effect
//! (the document settled, one thumbnail) happening once although some jobs run twice —
//! settling is keyed by the document and only happens while it is still `processing`.

use std::io::Cursor;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use softly_testbed::{Cluster, access_token};

use crate::{Settings, Verdict};

const DOCUMENTS: usize = 24;

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let (_, pair) = cluster.new_user("workers").await?;
    let token = access_token(&pair)?;
    let image = photo()?;
    // Workers frozen while the uploads land: a backlog they then all take from at once.
    for worker in &cluster.workers {
        worker.signal("STOP")?;
    }
    let mut ids = Vec::new();
    for n in 0..DOCUMENTS {
        let outcome = cluster
            .api
            .upload(&token, &format!("scan-{n}.png"), image.clone())
            .await;
        if !outcome.ok() {
            bail!("upload {n} answered {:?}: {}", outcome.status, outcome.body);
        }
        ids.push(
            outcome.body["document"]["id"]
                .as_str()
                .context("no id")?
                .to_string(),
        );
    }
    for worker in &cluster.workers {
        worker.signal("CONT")?;
    }
    let busy = wait_all_workers_busy(cluster).await?;
    cluster.workers[0].kill().await;
    cluster.workers[1].signal("STOP")?;
    // Past the 3 s lease: the third worker takes both workers' jobs over.
    tokio::time::sleep(Duration::from_secs(6)).await;
    cluster.workers[1].signal("CONT")?;

    let user = user_of(cluster, &ids[0]).await?;
    let settled = wait_settled(cluster, &user).await?;
    let ready = count(
        cluster,
        &format!("SELECT COUNT(*) FROM documents WHERE user_id = '{user}' AND status = 'ready'"),
    )
    .await?;
    let left = count(
        cluster,
        "SELECT COUNT(*) FROM jobs WHERE kind = 'vault_process_document'",
    )
    .await?;
    let thumbnails = cluster
        .moto
        .object_keys(&format!("documents/{user}/"))
        .await?
        .iter()
        .filter(|key| key.ends_with("/thumbnail.jpg"))
        .count();
    let rerun = cluster.log_lines("\"attempt\":2") + cluster.log_lines("\"attempt\":3");
    let pass = settled && ready == DOCUMENTS as i64 && thumbnails == DOCUMENTS && left == 0 && busy;
    Ok(Verdict::new(
        pass,
        format!(
            "{DOCUMENTS} uploads; with all 3 workers mid-job, w1 killed and w2 frozen 6 s (lease 3 s): {ready}/{DOCUMENTS} documents ready, {thumbnails} thumbnails, {left} jobs left; {rerun} job(s) re-run after a lapsed lease, no effect doubled"
        ),
    ))
}

/// A 12-megapixel PNG: decoding and thumbnailing it takes a worker a moment.
fn photo() -> anyhow::Result<Vec<u8>> {
    let image = image::RgbImage::from_fn(4000, 3000, |x, y| {
        image::Rgb([(x / 16) as u8, (y / 12) as u8, ((x + y) / 28) as u8])
    });
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png)?;
    Ok(bytes.into_inner())
}

async fn count(cluster: &Cluster, sql: &str) -> anyhow::Result<i64> {
    cluster.postgres.count(sql).await
}

async fn user_of(cluster: &Cluster, document: &str) -> anyhow::Result<String> {
    cluster
        .postgres
        .query(&format!("SELECT user_id FROM documents WHERE id = '{document}'"))
        .await
}

/// Waits until jobs run in all three worker processes at once (their lease holders
/// differ in the process part of the worker id). `false` if that never happened.
async fn wait_all_workers_busy(cluster: &Cluster) -> anyhow::Result<bool> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let processes = count(
            cluster,
            "SELECT COUNT(DISTINCT split_part(locked_by, '-', 1)) FROM jobs WHERE status = 'running'",
        )
        .await?;
        if processes >= cluster.workers.len() as i64 {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(false)
}

/// Waits (at most a minute) until none of the user's documents is still processing.
async fn wait_settled(cluster: &Cluster, user: &str) -> anyhow::Result<bool> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let sql = format!("SELECT COUNT(*) FROM documents WHERE user_id = '{user}' AND status = 'processing'");
    while Instant::now() < deadline {
        if count(cluster, &sql).await? == 0 {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(false)
}
