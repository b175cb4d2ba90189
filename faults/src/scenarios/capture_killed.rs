//! m. A worker killed (`kill -9`) in the middle of transcribing a voice capture, the fake
//! Deepgram holding its answer: another worker takes the job over once the lease lapses,
//! the capture still becomes ready, Deepgram is called at most twice, the minutes are
//! counted once, and the recording is deleted from S3 once transcribed.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use reqwest::Method;
use softly_testbed::fakes::{Reply, Scripted};
use softly_testbed::{Cluster, access_token, tone_wav};

use crate::{Settings, Verdict};

pub async fn run(cluster: &mut Cluster, settings: &Settings) -> anyhow::Result<Verdict> {
    let deepgram = &settings.deepgram;
    deepgram.says("Renew the car insurance before the 3rd of March, it's about £420");
    let before = deepgram.received().len();
    deepgram.script([Reply::Slow(Duration::from_secs(20))]);
    let (_, pair) = cluster.new_user("capture").await?;
    let token = access_token(&pair)?;
    // One worker free: it takes the capture's job.
    for worker in &cluster.workers[1..] {
        worker.signal("STOP")?;
    }
    let taken = cluster.api.capture_audio(&token, "note.wav", tone_wav(3)).await;
    if taken.status.map(|s| s.as_u16()) != Some(202) {
        bail!("the capture answered {:?}: {}", taken.status, taken.body);
    }
    let id = taken.body["capture"]["id"]
        .as_str()
        .context("no capture id")?
        .to_string();
    let deadline = Instant::now() + Duration::from_secs(20);
    while deepgram.received().len() == before {
        if Instant::now() > deadline {
            bail!("no worker called Deepgram within 20 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cluster.workers[0].kill().await;
    for worker in &cluster.workers[1..] {
        worker.signal("CONT")?;
    }
    let started = Instant::now();
    let status = loop {
        let capture = cluster
            .api
            .call(
                Method::GET,
                &format!("/v1/captures/{id}"),
                Some(&token),
                None,
                None,
            )
            .await;
        let status = capture.body["capture"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if status != "processing" && !status.is_empty() || started.elapsed() > Duration::from_secs(60) {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let calls = deepgram.received().len() - before;
    let counted = cluster
        .postgres
        .count(&format!(
            "SELECT COUNT(*) FROM capture_usage WHERE capture_id = '{id}' AND call = 'transcription'"
        ))
        .await?;
    let audio_left = cluster
        .moto
        .object_keys("captures/")
        .await?
        .iter()
        .filter(|k| k.contains(&id))
        .count();
    let pass = status == "ready" && (1..=2).contains(&calls) && counted == 1 && audio_left == 0;
    Ok(Verdict::new(
        pass,
        format!(
            "w1 killed while Deepgram held its answer: capture {status} {:.1} s after the kill, Deepgram called {calls} time(s), minutes counted {counted} time(s), {audio_left} recording(s) left in S3",
            started.elapsed().as_secs_f64()
        ),
    ))
}
