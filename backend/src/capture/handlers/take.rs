//! `POST /v1/captures`: a recording (multipart, the audio as `file`) or typed text
//! (JSON `{text}`). Answered 202 at once; a durable job transcribes and reads it.

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::capture::allowance::ensure_allowed;
use crate::capture::context::Captures;
use crate::capture::domain::{AudioType, CaptureStatus, Source};
use crate::capture::error::CaptureError;
use crate::capture::process::ProcessCapture;
use crate::capture::store::captures::{self, Capture};
use crate::capture::views::CaptureEnvelope;
use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json, declared_length, limited};
use crate::platform::storage::ObjectKey;
use crate::text::has_hidden;

/// The longest text a capture takes.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Room for the form's part headers beyond the audio itself.
const MULTIPART_OVERHEAD: u64 = 16 * 1024;
/// The largest JSON body (5000 characters of up to 4 bytes, and quoting).
const MAX_JSON_BYTES: u64 = 64 * 1024;

/// Typed text to capture.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextCapture {
    /// What to remember, in plain words: "renew the car insurance before 3 March, about £420".
    pub text: String,
}

/// A recording to capture.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct AudioForm {
    /// The recording: WebM/Opus, Ogg, WAV, MP4/M4A, MP3 or FLAC, decided by its bytes;
    /// at most CAPTURE_MAX_AUDIO_BYTES (10 MiB) and CAPTURE_MAX_AUDIO_SECS (5 minutes).
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
}

/// Capture something to remember: typed text (JSON) or a recording (multipart).
#[utoipa::path(post, path = "/captures", tag = "capture", security(("bearer" = [])),
    request_body(content((TextCapture = "application/json"), (AudioForm = "multipart/form-data"))),
    responses(
        (status = 202, description = "Taken; processing follows (poll the capture)", body = CaptureEnvelope),
        (status = 400, description = "The body cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The recording is larger than CAPTURE_MAX_AUDIO_BYTES", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor multipart, or the file is not audio Softly takes", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text is empty or too long, or the recording is too long", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "capture_limit_reached: this month's minutes or captures are used up", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "capture_unavailable: voice capture is not configured", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn take_capture(
    State(state): State<Captures>,
    auth: AuthUser,
    request: Request,
) -> Result<(StatusCode, axum::Json<CaptureEnvelope>), ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let capture = if content_type.starts_with("multipart/form-data") {
        audio(&state, &auth.user_id, request).await?
    } else if content_type.starts_with("application/json") {
        text(&state, &auth.user_id, request).await?
    } else {
        return Err(ApiError::new(
            codes::UNSUPPORTED_MEDIA_TYPE,
            "Send JSON {\"text\": …} to capture text, or a multipart form with the recording as `file`.",
        ));
    };
    Ok((StatusCode::ACCEPTED, CaptureEnvelope::of(&capture)))
}

async fn text(state: &Captures, user_id: &str, request: Request) -> Result<Capture, ApiError> {
    let Json(body) = Json::<TextCapture>::from_request(limited(request, MAX_JSON_BYTES), state).await?;
    let text = body.text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS || has_hidden(text) {
        return Err(ApiError::invalid(
            "text",
            codes::INVALID_CAPTURE_TEXT,
            format!("Write what to remember in 1 to {MAX_TEXT_CHARS} characters of plain text."),
        ));
    }
    ensure_allowed(state, user_id, None).await?;
    let capture = new_capture(user_id, Source::Text, state.clock.now_ms());
    let capture = Capture {
        transcript: Some(text.to_string()),
        ..capture
    };
    save(state, &capture).await?;
    Ok(capture)
}

async fn audio(state: &Captures, user_id: &str, request: Request) -> Result<Capture, ApiError> {
    if state.transcriber.is_none() {
        return Err(CaptureError::Unavailable(
            "Voice capture is off on this server: it needs DEEPGRAM_API_KEY (speech-to-text). Typing works.",
        )
        .into());
    }
    let limit = state.limits.max_audio_bytes;
    let body_limit = limit + MULTIPART_OVERHEAD;
    let declared = declared_length(request.headers());
    if declared.is_some_and(|length| length > body_limit) {
        return Err(too_large(limit));
    }
    ensure_allowed(state, user_id, Some(None)).await?;
    let mut multipart = Multipart::from_request(limited(request, body_limit), state)
        .await
        .map_err(rejected)?;
    let mut audio: Option<Vec<u8>> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| malformed(e, limit))? {
        if field.name() != Some("file") {
            return Err(ApiError::explained(
                codes::UNKNOWN_FIELD,
                "The form takes one field: `file`, the recording.",
            ));
        }
        if audio.is_some() {
            return Err(ApiError::invalid("file", codes::ONE_FILE_ONLY, "Send one recording per capture."));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| malformed(e, limit))? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        audio = Some(bytes);
    }
    let Some(audio) = audio else {
        return Err(ApiError::invalid("file", codes::FILE_REQUIRED, "Attach the recording as the form field `file`."));
    };
    let Some(audio_type) = AudioType::sniff(&audio) else {
        return Err(ApiError::new(
            codes::UNSUPPORTED_MEDIA_TYPE,
            "The file is not a recording Softly takes: WebM, Ogg, WAV, MP4/M4A, MP3 or FLAC.",
        ));
    };
    let audio_ms = audio_type.duration_ms(&audio).map(|ms| ms as i64);
    if let Some(ms) = audio_ms.filter(|ms| *ms > state.limits.max_audio_ms) {
        return Err(ApiError::invalid(
            "file",
            codes::AUDIO_TOO_LONG,
            format!(
                "The recording is {} s long; a capture takes at most {} s.",
                ms / 1000,
                state.limits.max_audio_ms / 1000
            ),
        ));
    }
    ensure_allowed(state, user_id, Some(audio_ms)).await?;
    let capture = new_capture(user_id, Source::Audio, state.clock.now_ms());
    let key = ObjectKey::parse(&format!("captures/{user_id}/{}/audio", capture.id))
        .expect("keys built from UUIDs are valid");
    let scratch = state.scratch.join(format!("capture-{}", capture.id));
    tokio::fs::write(&scratch, &audio).await.map_err(|e| ApiError::Internal(e.into()))?;
    let stored = state.store.put_temp_file(&key, &scratch, audio_type.mime()).await;
    let _ = tokio::fs::remove_file(&scratch).await;
    stored?;
    let capture = Capture {
        audio_key: Some(key.as_str().to_string()),
        audio_type: Some(audio_type),
        audio_bytes: Some(audio.len() as i64),
        audio_ms,
        ..capture
    };
    if let Err(e) = save(state, &capture).await {
        if let Err(deleting) = state.store.delete(&key).await {
            tracing::error!(error = format!("{deleting:#}"), key = %key, "audio of an unsaved capture could not be deleted");
        }
        return Err(e);
    }
    tracing::info!(capture_id = %capture.id, bytes = audio.len(), audio = audio_type.as_str(), "audio captured");
    Ok(capture)
}

fn new_capture(user_id: &str, source: Source, now: i64) -> Capture {
    Capture {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_string(),
        source,
        status: CaptureStatus::Processing,
        failure_reason: None,
        audio_key: None,
        audio_type: None,
        audio_bytes: None,
        audio_ms: None,
        transcript: None,
        proposals: None,
        extractor: None,
        item_ids: Vec::new(),
        created_at: now,
        updated_at: now,
    }
}

/// Stores the capture with the job that processes it.
async fn save(state: &Captures, capture: &Capture) -> Result<(), ApiError> {
    let mut work = state.work.begin().await?;
    captures::insert(work.conn(), capture).await?;
    work.enqueue(&ProcessCapture {
        capture_id: capture.id.clone(),
    })
    .await?;
    work.commit().await?;
    Ok(())
}

fn too_large(limit: u64) -> ApiError {
    ApiError::explained(
        codes::PAYLOAD_TOO_LARGE,
        format!("A recording may be at most {} MiB.", limit / (1024 * 1024)),
    )
}

fn rejected(rejection: MultipartRejection) -> ApiError {
    ApiError::explained(
        codes::UNSUPPORTED_MEDIA_TYPE,
        format!("Send the recording as multipart/form-data with a `file` part ({rejection})."),
    )
}

fn malformed(error: MultipartError, limit: u64) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(limit);
    }
    ApiError::explained(
        codes::INVALID_MULTIPART,
        format!("The multipart body could not be read: {}.", error.body_text()),
    )
}
