//! `POST /v1/captures/{id}/accept`: the proposals the person kept, as they edited them,
//! become items — all in one transaction with the capture marked accepted, or none. What
//! was said is not kept past that: the transcript and proposals are cleared.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::capture::context::Captures;
use crate::capture::domain::{CaptureStatus, MAX_PROPOSALS};
use crate::capture::error::CaptureError;
use crate::capture::store::captures;
use crate::capture::views::CaptureEnvelope;
use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json, PathId};
use crate::items::{ItemDrafts, NewItemRequest};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The items to create: proposals' `item`s as the person left them (edited, some left
    /// out). Each is checked as `POST /v1/items` checks it.
    pub proposals: Vec<NewItemRequest>,
}

/// Accept a capture: create the reviewed items, with their reminders.
#[utoipa::path(post, path = "/captures/{id}/accept", tag = "capture", security(("bearer" = [])),
    params(("id" = String, Path, description = "Capture id")), request_body = AcceptRequest,
    responses(
        (status = 200, description = "Accepted: `item_ids` names the new items", body = CaptureEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "plan_limit_reached: the user's plan keeps reminders on no more open items", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such capture of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "capture_not_ready: still processing, failed, or accepted already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No proposals, too many, or one is invalid (the detail says which)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept_capture(
    State(state): State<Captures>,
    auth: AuthUser,
    PathId(id): PathId,
    Json(body): Json<AcceptRequest>,
) -> Result<axum::Json<CaptureEnvelope>, ApiError> {
    if body.proposals.is_empty() || body.proposals.len() > MAX_PROPOSALS {
        return Err(ApiError::invalid(
            "proposals",
            codes::INVALID_PROPOSALS,
            format!("Accept 1 to {MAX_PROPOSALS} proposals; to keep none, discard the capture."),
        ));
    }
    ItemDrafts::check(&body.proposals).map_err(CaptureError::from)?;
    let mut work = state.work.begin().await?;
    let mut capture = captures::owned(work.conn(), &auth.user_id, &id, state.db.for_update())
        .await?
        .ok_or(CaptureError::NotFound)?;
    if capture.status != CaptureStatus::Ready {
        let why = match capture.status {
            CaptureStatus::Processing => "It is still being read: wait until it is ready.",
            CaptureStatus::Failed => "It failed: retry it first.",
            _ => "It was accepted already.",
        };
        return Err(CaptureError::NotReady(why.into()).into());
    }
    let item_ids = state
        .drafts
        .create_all(&mut work, &auth.user_id, &body.proposals)
        .await
        .map_err(CaptureError::from)?;
    let now = work.now_ms();
    captures::set_accepted(work.conn(), &capture.id, &item_ids, now).await?;
    work.commit().await?;
    tracing::info!(capture_id = %capture.id, items = item_ids.len(), "capture accepted");
    capture.status = CaptureStatus::Accepted;
    capture.item_ids = item_ids;
    capture.transcript = None;
    capture.proposals = None;
    capture.updated_at = now;
    Ok(CaptureEnvelope::of(&capture))
}
