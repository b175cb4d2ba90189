//! A document's suggested details: read on request, shown, accepted (applied through the
//! vault) or dismissed.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::capture::allowance::ensure_allowed;
use crate::capture::context::Captures;
use crate::capture::domain::document::DocumentSuggestions;
use crate::capture::error::CaptureError;
use crate::capture::reading::{ReadDocument, reader_for};
use crate::capture::store::suggestions::{self, Reading};
use crate::capture::store::settings;
use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json, PathId};
use crate::platform::time::rfc3339;
use crate::vault::{DetailsChange, EditError, ReadError, UpdateDocumentRequest};

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsView {
    pub document_id: String,
    /// reading, ready, failed (see `failure_reason`) or accepted.
    pub status: String,
    /// claude or local.
    pub reader: String,
    pub fields: Option<DocumentSuggestions>,
    pub failure_reason: Option<String>,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsEnvelope {
    pub suggestions: SuggestionsView,
}

fn envelope(reading: &Reading) -> axum::Json<SuggestionsEnvelope> {
    axum::Json(SuggestionsEnvelope {
        suggestions: SuggestionsView {
            document_id: reading.document_id.clone(),
            status: reading.status.clone(),
            reader: reading.reader.clone(),
            fields: reading.fields.clone(),
            failure_reason: reading.failure_reason.clone(),
            updated_at: rfc3339(reading.updated_at),
        },
    })
}

async fn reading(state: &Captures, user_id: &str, document_id: &str) -> Result<Reading, ApiError> {
    Ok(suggestions::of_document(state.db.pool(), user_id, document_id)
        .await?
        .ok_or(CaptureError::NotFound)?)
}

/// What reading the document suggests.
#[utoipa::path(get, path = "/documents/{id}/suggestions", tag = "capture", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The suggestions", body = SuggestionsEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours, or it was never read", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show_suggestions(
    State(state): State<Captures>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<axum::Json<SuggestionsEnvelope>, ApiError> {
    Ok(envelope(&reading(&state, &auth.user_id, &id).await?))
}

/// Read the document now: by Claude when AI document reading is on (any document, also
/// one stored before it was turned on), else a PDF's text on the server.
#[utoipa::path(post, path = "/documents/{id}/suggestions", tag = "capture", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 202, description = "Reading; poll the suggestions", body = SuggestionsEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "ai_reading_off: turn on AI document reading first", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This month's captures are used up", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "capture_unavailable: nothing on this server reads this kind of file", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn read_document_now(
    State(state): State<Captures>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<(StatusCode, axum::Json<SuggestionsEnvelope>), ApiError> {
    let (content_type, _) = state.documents.describe(&auth.user_id, &id).await.map_err(|e| match e {
        ReadError::NotFound | ReadError::TooLarge(_) => CaptureError::NotFound,
        ReadError::Internal(e) => CaptureError::Internal(e),
    })?;
    let allowed = settings::get(state.db.pool(), &auth.user_id).await?.ai_document_reading;
    if state.claude.is_some() && !allowed {
        return Err(ApiError::new(
            codes::AI_READING_OFF,
            "Documents are sent to AI only when you turn on AI document reading in settings.",
        ));
    }
    let Some(reader) = reader_for(&state, &content_type, allowed) else {
        return Err(CaptureError::Unavailable(
            "Nothing on this server reads this kind of file: photos need ANTHROPIC_API_KEY (and HEIC photos cannot be read).",
        )
        .into());
    };
    if reader == "claude" {
        ensure_allowed(&state, &auth.user_id, None).await?;
    }
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    let reading = suggestions::start(work.conn(), &auth.user_id, &id, reader, now).await?;
    work.enqueue(&ReadDocument {
        read_id: reading.read_id.clone(),
    })
    .await?;
    work.commit().await?;
    Ok((StatusCode::ACCEPTED, envelope(&reading)))
}


/// Apply reviewed suggestions to the document (its expiry item follows, as for any edit).
#[utoipa::path(post, path = "/documents/{id}/suggestions/accept", tag = "capture", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")), request_body = UpdateDocumentRequest,
    responses(
        (status = 200, description = "Applied", body = SuggestionsEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours, or no suggestions", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "capture_not_ready: still reading, failed, or accepted already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value is invalid (`field` names it)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept_suggestions(
    State(state): State<Captures>,
    auth: AuthUser,
    PathId(id): PathId,
    Json(body): Json<UpdateDocumentRequest>,
) -> Result<axum::Json<SuggestionsEnvelope>, ApiError> {
    let mut work = state.work.begin().await?;
    let mut reading = suggestions::of_document(work.conn(), &auth.user_id, &id)
        .await?
        .ok_or(CaptureError::NotFound)?;
    if reading.status != "ready" {
        return Err(CaptureError::NotReady(format!("The suggestions are {}: nothing to apply.", reading.status)).into());
    }
    let change = DetailsChange::from(body);
    state
        .editor
        .apply(&mut work, &auth.user_id, &id, &change)
        .await
        .map_err(|e| match e {
            EditError::NotFound => CaptureError::NotFound,
            EditError::Invalid(invalid) => CaptureError::Invalid(invalid),
            EditError::Internal(e) => CaptureError::Internal(e),
        })?;
    let now = work.now_ms();
    suggestions::set_accepted(work.conn(), &id, now).await?;
    work.commit().await?;
    reading.status = "accepted".into();
    reading.updated_at = now;
    Ok(envelope(&reading))
}

/// Dismiss the suggestions; the document stays as it is.
#[utoipa::path(delete, path = "/documents/{id}/suggestions", tag = "capture", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 204, description = "Dismissed"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No suggestions for a document of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dismiss_suggestions(
    State(state): State<Captures>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    reading(&state, &auth.user_id, &id).await?;
    suggestions::delete(state.db.pool(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
