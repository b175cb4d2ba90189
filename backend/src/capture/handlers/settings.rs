//! `GET`, `PATCH /v1/capture/settings`: whether documents may be read by AI.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::capture::context::Captures;
use crate::capture::store::settings;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json};
use crate::platform::time::rfc3339;

#[derive(Debug, Serialize, ToSchema)]
pub struct CaptureSettings {
    /// Whether documents may be sent to Claude (Anthropic) to be read into suggested
    /// details. Off until turned on; documents stored before it was turned on are read
    /// only when asked.
    pub ai_document_reading: bool,
    /// When it was turned on.
    #[schema(format = DateTime)]
    pub ai_document_reading_since: Option<String>,
    /// Whether this server can read documents by AI at all (it has a model key).
    pub ai_document_reading_available: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCaptureSettings {
    pub ai_document_reading: bool,
}

fn view(captures: &Captures, settings: settings::Settings) -> axum::Json<CaptureSettings> {
    axum::Json(CaptureSettings {
        ai_document_reading: settings.ai_document_reading,
        ai_document_reading_since: settings.since.map(rfc3339),
        ai_document_reading_available: captures.claude.is_some(),
    })
}

/// Whether documents may be read by AI.
#[utoipa::path(get, path = "/capture/settings", tag = "capture", security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = CaptureSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show_capture_settings(
    State(state): State<Captures>,
    auth: AuthUser,
) -> Result<axum::Json<CaptureSettings>, ApiError> {
    let settings = settings::get(state.db.pool(), &auth.user_id).await?;
    Ok(view(&state, settings))
}

/// Turn AI document reading on or off.
#[utoipa::path(patch, path = "/capture/settings", tag = "capture", security(("bearer" = [])),
    request_body = UpdateCaptureSettings,
    responses(
        (status = 200, description = "The settings", body = CaptureSettings),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is not {ai_document_reading: true|false}", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_capture_settings(
    State(state): State<Captures>,
    auth: AuthUser,
    Json(body): Json<UpdateCaptureSettings>,
) -> Result<axum::Json<CaptureSettings>, ApiError> {
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    let settings = settings::set(work.conn(), &auth.user_id, body.ai_document_reading, now).await?;
    work.user_changed(&auth.user_id);
    work.commit().await?;
    Ok(view(&state, settings))
}
