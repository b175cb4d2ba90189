//! A capture end to end, as a client sees it: from `POST /v1/captures` to the capture
//! being ready to review (polled every 5 ms), against testbed's fake Deepgram and
//! Anthropic on loopback (which answer at once: this measures Softly's part — the
//! request, the durable job, the calls, the commits — not the providers'). Typed text
//! read by the local extractor, typed text read by Claude, and a 3-second recording
//! transcribed and read locally; one at a time, then 16 at once.

use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use softly_testbed::fakes::anthropic::FakeAnthropic;
use softly_testbed::fakes::deepgram::FakeDeepgram;
use softly_testbed::tone_wav;

use crate::server::Server;

const TEXT: &str =
    "Renew the car insurance before the 3rd of March, it's about £420. Dentist next Friday at 3pm";
const ONE_AT_A_TIME: usize = 40;
const AT_ONCE: usize = 16;

/// Latencies of one kind of capture, in ms.
pub struct Figures {
    pub label: &'static str,
    pub sequential: Vec<f64>,
    pub concurrent: Vec<f64>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

impl Figures {
    pub fn line(&self) -> String {
        let stats = |v: &[f64]| {
            let mut v = v.to_vec();
            v.sort_by(f64::total_cmp);
            format!(
                "p50 {:>6.1} ms  p99 {:>6.1} ms",
                percentile(&v, 0.5),
                percentile(&v, 0.99)
            )
        };
        format!(
            "{:<38} one at a time ({ONE_AT_A_TIME}): {}   {AT_ONCE} at once: {}",
            self.label,
            stats(&self.sequential),
            stats(&self.concurrent)
        )
    }
}

pub async fn run(database_url: Option<&str>) -> anyhow::Result<Vec<Figures>> {
    let deepgram = FakeDeepgram::start("bench-deepgram").await?;
    deepgram.says(TEXT);
    let claude = FakeAnthropic::start("bench-anthropic").await?;
    claude.answers(json!({"items": [
        {"kind": "renewal", "title": "Renew the car insurance", "due_on": "2027-03-03", "amount_minor": 42000, "currency": "GBP", "confidence": 0.9},
        {"kind": "appointment", "title": "Dentist", "due_on": "2026-12-11", "due_time": "15:00", "confidence": 0.9},
    ]}));
    let limits = [
        ("CAPTURE_AUDIO_MINUTES_PER_MONTH", "100000".to_string()),
        ("CAPTURE_EXTRACTIONS_PER_MONTH", "100000".to_string()),
    ];
    let mut figures = Vec::new();
    for (label, with_claude, audio) in [
        ("text, local extractor", false, false),
        ("text, Claude (fake Anthropic)", true, false),
        ("3 s recording (fake Deepgram), local", false, true),
    ] {
        let mut env = limits.to_vec();
        env.push(("DEEPGRAM_URL", deepgram.url()));
        env.push(("DEEPGRAM_API_KEY", "bench-deepgram".into()));
        if with_claude {
            env.push(("ANTHROPIC_URL", claude.url()));
            env.push(("ANTHROPIC_API_KEY", "bench-anthropic".into()));
        }
        let server = Server::start_with(database_url, &env).await?;
        let token = server.signed_in_token().await?;
        let client = reqwest::Client::new();
        let one = |client: reqwest::Client, base: String, token: String| async move {
            capture_once(&client, &base, &token, audio).await
        };
        let mut sequential = Vec::new();
        for _ in 0..ONE_AT_A_TIME {
            sequential.push(one(client.clone(), server.base.clone(), token.clone()).await?);
        }
        let tasks: Vec<_> = (0..AT_ONCE)
            .map(|_| tokio::spawn(one(client.clone(), server.base.clone(), token.clone())))
            .collect();
        let mut concurrent = Vec::new();
        for task in tasks {
            concurrent.push(task.await??);
        }
        server.stop().await?;
        figures.push(Figures {
            label,
            sequential,
            concurrent,
        });
    }
    Ok(figures)
}

/// Takes one capture and waits until it is ready; the milliseconds that took.
async fn capture_once(client: &reqwest::Client, base: &str, token: &str, audio: bool) -> anyhow::Result<f64> {
    let started = Instant::now();
    let request = client.post(format!("{base}/v1/captures")).bearer_auth(token);
    let request = if audio {
        let part = reqwest::multipart::Part::bytes(tone_wav(3)).file_name("note.wav");
        request.multipart(reqwest::multipart::Form::new().part("file", part))
    } else {
        request.json(&json!({ "text": TEXT }))
    };
    let taken: Value = request.send().await?.error_for_status()?.json().await?;
    let id = taken["capture"]["id"]
        .as_str()
        .context("no capture id")?
        .to_string();
    let deadline = started + Duration::from_secs(30);
    loop {
        let capture: Value = client
            .get(format!("{base}/v1/captures/{id}"))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        match capture["capture"]["status"].as_str() {
            Some("ready") => return Ok(started.elapsed().as_secs_f64() * 1000.0),
            Some("processing") => {}
            other => anyhow::bail!(
                "capture {id} is {other:?}: {}",
                capture["capture"]["failure_reason"]
            ),
        }
        anyhow::ensure!(Instant::now() < deadline, "capture {id} not ready in 30 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
