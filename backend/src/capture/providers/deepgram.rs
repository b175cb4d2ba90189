//! Deepgram's pre-recorded API: `POST /v1/listen?model=…&smart_format=true`, the raw
//! audio as the body with its content type, `Authorization: Token <key>`; the transcript
//! is at `results.channels[0].alternatives[0].transcript`, the billed length at
//! `metadata.duration` (seconds).

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;
use tracing::Instrument;

use super::{BoxFuture, CallError, Service, Transcriber, Transcript, answered, classify, retry_after, transport};
use crate::config::Provider;

pub struct Deepgram {
    http: reqwest::Client,
    provider: Provider,
}

impl Deepgram {
    pub fn new(http: reqwest::Client, provider: Provider) -> Self {
        Self { http, provider }
    }
}

#[derive(Deserialize)]
struct Listened {
    metadata: Metadata,
    results: Results,
}

#[derive(Deserialize)]
struct Metadata {
    duration: f64,
}

#[derive(Deserialize)]
struct Results {
    channels: Vec<Channel>,
}

#[derive(Deserialize)]
struct Channel {
    alternatives: Vec<Alternative>,
}

#[derive(Deserialize)]
struct Alternative {
    transcript: String,
}

/// Deepgram's error body: `{"err_code", "err_msg", "request_id"}`.
#[derive(Deserialize)]
struct Refusal {
    err_msg: Option<String>,
}

const SERVICE: Service = Service {
    name: "Speech-to-text (Deepgram)",
    label: "deepgram",
};

impl Transcriber for Deepgram {
    fn transcribe<'a>(&'a self, audio: Bytes, mime: &'a str) -> BoxFuture<'a, Result<Transcript, CallError>> {
        Box::pin(self.listen(audio, mime).instrument(crate::telemetry::external_call(SERVICE.label, "listen")))
    }
}

impl Deepgram {
    async fn listen(&self, audio: Bytes, mime: &str) -> Result<Transcript, CallError> {
        let url = format!(
            "{}/v1/listen?model={}&smart_format=true",
            self.provider.url, self.provider.model
        );
        let response = self
            .http
            .post(url)
            .header(AUTHORIZATION, format!("Token {}", self.provider.key.expose()))
            .header(CONTENT_TYPE, mime)
            .body(audio)
            .send()
            .await
            .map_err(|e| transport(SERVICE, &e))?;
        let status = response.status();
        let wait = retry_after(response.headers());
        let body = response.bytes().await.map_err(|e| transport(SERVICE, &e))?;
        if !status.is_success() {
            let message = serde_json::from_slice::<Refusal>(&body)
                .ok()
                .and_then(|r| r.err_msg)
                .unwrap_or_default();
            return Err(classify(SERVICE, status, wait, &message));
        }
        answered(SERVICE);
        let listened: Listened = serde_json::from_slice(&body).map_err(|_| CallError::Transient {
            reason: format!("{SERVICE} answered something that is not a transcript"),
            retry_after: None,
        })?;
        let text = listened
            .results
            .channels
            .into_iter()
            .next()
            .and_then(|c| c.alternatives.into_iter().next())
            .map(|a| a.transcript)
            .unwrap_or_default();
        Ok(Transcript {
            text,
            duration_ms: (listened.metadata.duration.max(0.0) * 1000.0).round() as u64,
            model: self.provider.model.clone(),
        })
    }
}
