//! h. Six image bombs at once — PNGs of 381 KB that decode to 374 MiB each (7000 × 7000
//! 16-bit RGBA, turned by EXIF) — with six job threads over three workers able to take
//! them together: every one is processed, and no worker passes its memory limit
//! (`MEMORY_LIMIT_MIB` = 1024, the production task's size).

use std::io::Write;

use softly_testbed::{Cluster, access_token};
use tokio::task::JoinSet;

use crate::{Settings, Verdict};

const BOMBS: usize = 6;
const SIDE: u32 = 7000;
pub const MEMORY_LIMIT_MIB: u64 = 1024;

fn bomb() -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, SIDE, SIDE);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Sixteen);
    let mut writer = encoder.write_header()?;
    // EXIF (big-endian TIFF): Orientation = 6, turned 90°.
    let exif = [
        b'M', b'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0,
    ];
    writer.write_chunk(png::chunk::ChunkType(*b"eXIf"), &exif)?;
    let mut stream = writer.stream_writer()?;
    let row = vec![0u8; SIDE as usize * 8];
    for _ in 0..SIDE {
        stream.write_all(&row)?;
    }
    stream.finish()?;
    drop(writer);
    Ok(bytes)
}

pub async fn run(cluster: &mut Cluster, _: &Settings) -> anyhow::Result<Verdict> {
    let bytes = bomb()?;
    let (_, pair) = cluster.new_user("bombs").await?;
    let token = access_token(&pair)?;
    let mut uploads = JoinSet::new();
    for n in 0..BOMBS {
        let (api, token, bytes) = (cluster.api.clone(), token.clone(), bytes.clone());
        uploads.spawn(async move { api.upload(&token, &format!("bomb-{n}.png"), bytes).await });
    }
    let mut ids = Vec::new();
    while let Some(outcome) = uploads.join_next().await {
        let outcome = outcome?;
        anyhow::ensure!(outcome.ok(), "an upload answered {:?}", outcome.status);
        ids.push(
            outcome.body["document"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    let mut ready = 0;
    for _ in 0..600 {
        ready = 0;
        for id in &ids {
            let document = cluster
                .api
                .call(
                    reqwest::Method::GET,
                    &format!("/v1/documents/{id}"),
                    Some(&token),
                    None,
                    None,
                )
                .await;
            if document.body["document"]["status"] == "ready" {
                ready += 1;
            }
        }
        if ready == BOMBS {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let peaks: Vec<u64> = cluster
        .workers
        .iter()
        .map(|worker| worker.memory().map(|m| m.peak_mib))
        .collect::<anyhow::Result<_>>()?;
    let pass = ready == BOMBS && peaks.iter().all(|peak| *peak < MEMORY_LIMIT_MIB);
    Ok(Verdict::new(
        pass,
        format!(
            "{BOMBS} bombs of {} KB (374 MiB decoded each) at once: {ready}/{BOMBS} processed; workers peaked at {peaks:?} MiB (limit {MEMORY_LIMIT_MIB})",
            bytes.len() / 1024
        ),
    ))
}
