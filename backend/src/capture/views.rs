//! What the API shows of a capture.

use serde::Serialize;
use utoipa::ToSchema;

use super::domain::Proposal;
use super::store::captures::Capture;
use crate::platform::time::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub struct CaptureView {
    pub id: String,
    /// audio or text.
    pub source: &'static str,
    /// processing, ready (proposals to review), failed (see `failure_reason`; retry it)
    /// or accepted.
    pub status: &'static str,
    pub failure_reason: Option<String>,
    /// What was said (or typed). Present once transcribed.
    pub transcript: Option<String>,
    /// What it proposes, once ready; each is accepted (perhaps edited) or left out.
    pub proposals: Vec<Proposal>,
    /// claude or local: what read the text.
    pub reader: Option<String>,
    /// The recording's length, once known.
    pub audio_seconds: Option<f64>,
    /// The items made from it, once accepted.
    pub item_ids: Vec<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl CaptureView {
    pub fn of(capture: &Capture) -> Self {
        Self {
            id: capture.id.clone(),
            source: capture.source.as_str(),
            status: capture.status.as_str(),
            failure_reason: capture.failure_reason.clone(),
            transcript: capture.transcript.clone(),
            proposals: capture.proposals.clone().unwrap_or_default(),
            reader: capture.extractor.clone(),
            audio_seconds: capture.audio_ms.map(|ms| ms as f64 / 1000.0),
            item_ids: capture.item_ids.clone(),
            created_at: rfc3339(capture.created_at),
            updated_at: rfc3339(capture.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaptureEnvelope {
    pub capture: CaptureView,
}

impl CaptureEnvelope {
    pub fn of(capture: &Capture) -> axum::Json<Self> {
        axum::Json(Self {
            capture: CaptureView::of(capture),
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaptureList {
    /// Captures not accepted yet, newest first (at most 50).
    pub captures: Vec<CaptureView>,
}
