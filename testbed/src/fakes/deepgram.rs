//! A fake of Deepgram's pre-recorded transcription: `POST /v1/listen?model=…&smart_format=true`,
//! `Authorization: Token <key>`, the raw audio as the body with an `audio/*` content type.
//! Answers `{metadata: {request_id, duration, channels, models}, results: {channels:
//! [{alternatives: [{transcript, confidence, words}]}]}}`; errors as `{err_code, err_msg,
//! request_id}`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

use super::{Script, Scripted, request_id, respond, serve};

pub struct FakeDeepgram {
    pub address: SocketAddr,
    state: Arc<Shared>,
}

struct Shared {
    key: String,
    script: Script,
    transcript: Mutex<String>,
    /// The duration reported for audio whose length the fake cannot read (not WAV).
    duration_secs: Mutex<f64>,
}

impl FakeDeepgram {
    /// Starts the fake, accepting `key`.
    pub async fn start(key: &str) -> anyhow::Result<Self> {
        let state = Arc::new(Shared {
            key: key.to_string(),
            script: Script::default(),
            transcript: Mutex::new(String::new()),
            duration_secs: Mutex::new(3.0),
        });
        let router = axum::Router::new()
            .route("/v1/listen", post(listen))
            .with_state(state.clone());
        Ok(Self {
            address: serve(router).await?,
            state,
        })
    }

    /// The base URL to configure (`DEEPGRAM_URL`).
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// What the next transcriptions say.
    pub fn says(&self, transcript: &str) {
        *self.state.transcript.lock().unwrap() = transcript.to_string();
    }

    /// The length reported for audio that is not WAV.
    pub fn reports_duration(&self, seconds: f64) {
        *self.state.duration_secs.lock().unwrap() = seconds;
    }
}

impl Scripted for FakeDeepgram {
    fn scripted(&self) -> &Script {
        &self.state.script
    }
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"err_code": code, "err_msg": message, "request_id": request_id()});
    (status, axum::Json(body)).into_response()
}

async fn listen(State(state): State<Arc<Shared>>, request: axum::extract::Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, "Bad Request", "Payload too large.");
    };
    state.script.record(&parts, &body);
    let authorised = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Token "))
        .is_some_and(|k| k == state.key);
    if !authorised {
        return refusal(StatusCode::UNAUTHORIZED, "INVALID_AUTH", "Invalid credentials.");
    }
    let query = parts.uri.query().unwrap_or_default();
    let has = |pair: &str| query.split('&').any(|p| p == pair);
    if !query.split('&').any(|p| p.starts_with("model=") && p.len() > 6) || !has("smart_format=true") {
        return refusal(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Bad Request: expected the model and smart_format=true in the query.",
        );
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("audio/") || body.is_empty() {
        return refusal(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Bad Request: failed to process audio: corrupt or unsupported data",
        );
    }
    let by_status = |status: StatusCode| match status.as_u16() {
        429 => refusal(
            status,
            "TOO_MANY_REQUESTS",
            "Too many requests. Please try again later.",
        ),
        401 => refusal(status, "INVALID_AUTH", "Invalid credentials."),
        400 => refusal(
            status,
            "Bad Request",
            "Bad Request: failed to process audio: corrupt or unsupported data",
        ),
        _ => refusal(status, "INTERNAL_SERVER_ERROR", "An internal error occurred."),
    };
    respond(
        state.script.next(),
        || answer(&state, &body),
        "{\"metadata\": ",
        by_status,
    )
    .await
}

fn answer(state: &Shared, body: &Bytes) -> Response {
    let duration = wav_seconds(body).unwrap_or(*state.duration_secs.lock().unwrap());
    let transcript = state.transcript.lock().unwrap().clone();
    let body = json!({
        "metadata": {
            "transaction_key": "deprecated",
            "request_id": request_id(),
            "sha256": "0",
            "created": "2026-12-07T00:00:00.000Z",
            "duration": duration,
            "channels": 1,
            "models": ["fake-nova-3"],
        },
        "results": {
            "channels": [{
                "alternatives": [{
                    "transcript": transcript,
                    "confidence": 0.98,
                    "words": [],
                }],
            }],
        },
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// A WAV's length from its header, as Deepgram would measure it.
fn wav_seconds(b: &[u8]) -> Option<f64> {
    if b.len() < 44 || &b[..4] != b"RIFF" || &b[8..12] != b"WAVE" {
        return None;
    }
    let mut at = 12;
    let mut byte_rate = None;
    while at + 8 <= b.len() {
        let size = u32::from_le_bytes(b[at + 4..at + 8].try_into().ok()?) as usize;
        match &b[at..at + 4] {
            b"fmt " => byte_rate = Some(u32::from_le_bytes(b.get(at + 16..at + 20)?.try_into().ok()?)),
            b"data" => {
                let size = size.min(b.len() - at - 8);
                return Some(size as f64 / byte_rate? as f64);
            }
            _ => {}
        }
        at += 8 + size + (size & 1);
    }
    None
}
