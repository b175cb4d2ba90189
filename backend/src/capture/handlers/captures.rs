//! Seeing captures, retrying one that failed, discarding one.

use axum::extract::State;
use axum::http::StatusCode;

use crate::capture::allowance::ensure_allowed;
use crate::capture::context::Captures;
use crate::capture::domain::{CaptureStatus, Source};
use crate::capture::error::CaptureError;
use crate::capture::process::ProcessCapture;
use crate::capture::store::captures;
use crate::capture::views::{CaptureEnvelope, CaptureList, CaptureView};
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, PathId};
use crate::vault::DeleteObjects;

/// The captures not accepted yet: processing, ready for review, or failed.
#[utoipa::path(get, path = "/captures", tag = "capture", security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first, at most 50", body = CaptureList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_captures(State(state): State<Captures>, auth: AuthUser) -> Result<axum::Json<CaptureList>, ApiError> {
    let captures = captures::open_of(state.db.pool(), &auth.user_id, 50).await?;
    Ok(axum::Json(CaptureList {
        captures: captures.iter().map(CaptureView::of).collect(),
    }))
}

/// One capture: its status, transcript and proposals.
#[utoipa::path(get, path = "/captures/{id}", tag = "capture", security(("bearer" = [])),
    params(("id" = String, Path, description = "Capture id")),
    responses(
        (status = 200, description = "The capture", body = CaptureEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such capture of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show_capture(
    State(state): State<Captures>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<axum::Json<CaptureEnvelope>, ApiError> {
    let mut conn = state.db.pool().acquire().await?;
    let capture = captures::owned(&mut conn, &auth.user_id, &id, "")
        .await?
        .ok_or(CaptureError::NotFound)?;
    Ok(CaptureEnvelope::of(&capture))
}

/// Discard a capture: it, its transcript and any recording still kept are deleted. Items
/// already accepted from it stay.
#[utoipa::path(delete, path = "/captures/{id}", tag = "capture", security(("bearer" = [])),
    params(("id" = String, Path, description = "Capture id")),
    responses(
        (status = 204, description = "Discarded"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such capture of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn discard_capture(
    State(state): State<Captures>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    let mut work = state.work.begin().await?;
    let capture = captures::owned(work.conn(), &auth.user_id, &id, state.db.for_update())
        .await?
        .ok_or(CaptureError::NotFound)?;
    captures::delete(work.conn(), &capture.id).await?;
    if let Some(key) = capture.audio_key {
        work.enqueue(&DeleteObjects { keys: vec![key] }).await?;
    }
    work.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Try a failed capture again (the reason it failed may have passed: a busy provider).
#[utoipa::path(post, path = "/captures/{id}/retry", tag = "capture", security(("bearer" = [])),
    params(("id" = String, Path, description = "Capture id")),
    responses(
        (status = 202, description = "Processing again", body = CaptureEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such capture of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "capture_not_ready: only a failed capture is retried", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This month's limits are used up", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn retry_capture(
    State(state): State<Captures>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<(StatusCode, axum::Json<CaptureEnvelope>), ApiError> {
    let audio_left = {
        let mut conn = state.db.pool().acquire().await?;
        let capture = captures::owned(&mut conn, &auth.user_id, &id, "")
            .await?
            .ok_or(CaptureError::NotFound)?;
        (capture.source == Source::Audio && capture.transcript.is_none()).then_some(capture.audio_ms)
    };
    ensure_allowed(&state, &auth.user_id, audio_left).await?;
    let mut work = state.work.begin().await?;
    let mut capture = captures::owned(work.conn(), &auth.user_id, &id, state.db.for_update())
        .await?
        .ok_or(CaptureError::NotFound)?;
    if capture.status != CaptureStatus::Failed {
        return Err(CaptureError::NotReady(format!("The capture is {}: only a failed one is retried.", capture.status.as_str())).into());
    }
    let now = work.now_ms();
    captures::set_status(work.conn(), &capture.id, CaptureStatus::Processing, None, now).await?;
    work.enqueue(&ProcessCapture {
        capture_id: capture.id.clone(),
    })
    .await?;
    work.commit().await?;
    capture.status = CaptureStatus::Processing;
    capture.failure_reason = None;
    capture.updated_at = now;
    Ok((StatusCode::ACCEPTED, CaptureEnvelope::of(&capture)))
}
