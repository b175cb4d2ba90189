//! What happens to an item's current occurrence: completed, skipped, moved on its own,
//! snoozed. Each may name the occurrence it means (`occurrence_on`, as the item shows
//! it): if that is no longer the current one, the answer is 409 and nothing changes.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use super::envelope;
use crate::civil::{parse_date, parse_time};
use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json, OptionalJson, PathId, present};
use crate::items::changes::occurrence::{self, MAX_SNOOZE_DAYS};
use crate::items::context::Items;
use crate::items::views::ItemEnvelope;
use crate::platform::time::DAY_MS;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// The occurrence meant (its `occurrence_on`); the current one when absent.
    #[schema(format = Date)]
    occurrence_on: Option<String>,
    /// The day it was done; today when absent. A repeat counted from completion counts
    /// from it.
    #[schema(format = Date)]
    done_on: Option<String>,
}

/// Complete the current occurrence: recorded in the history; a repeating item moves to
/// its next occurrence (the first from today on, if it was overdue), a one-off is done.
#[utoipa::path(post, path = "/items/{id}/complete", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")), request_body(content = Option<CompleteRequest>),
    responses(
        (status = 200, description = "The item, at its next occurrence or done", body = ItemEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The occurrence is not the current one, or the item is not open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A date is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn complete_item(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
    OptionalJson(body): OptionalJson<CompleteRequest>,
) -> Result<axum::Json<ItemEnvelope>, ApiError> {
    let occurrence_on = occurrence(&body.occurrence_on)?;
    let done_on = body.done_on.as_deref().map(|d| parse_date("done_on", d)).transpose()?;
    let item = occurrence::complete(&state, &auth.user_id, &id, occurrence_on, done_on).await?;
    envelope(&state, &item).await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkipRequest {
    /// The occurrence meant; the current one when absent.
    #[schema(format = Date)]
    occurrence_on: Option<String>,
}

/// Skip the current occurrence of a repeating item.
#[utoipa::path(post, path = "/items/{id}/skip", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")), request_body(content = Option<SkipRequest>),
    responses(
        (status = 200, description = "The item, at its next occurrence or done", body = ItemEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The occurrence is not the current one, or the item is not open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The item does not repeat", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn skip_item(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
    OptionalJson(body): OptionalJson<SkipRequest>,
) -> Result<axum::Json<ItemEnvelope>, ApiError> {
    let occurrence_on = occurrence(&body.occurrence_on)?;
    let item = occurrence::skip(&state, &auth.user_id, &id, occurrence_on).await?;
    envelope(&state, &item).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// The occurrence meant; the current one when absent.
    #[schema(format = Date)]
    occurrence_on: Option<String>,
    /// Its new date.
    #[schema(format = Date)]
    due_on: Option<String>,
    /// Its new time (`HH:MM`); `null`: due on the day.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    due_time: Option<Option<String>>,
}

/// Move the current occurrence on its own: the series goes on from where it placed it.
#[utoipa::path(patch, path = "/items/{id}/occurrence", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")), request_body = MoveRequest,
    responses(
        (status = 200, description = "The item, its occurrence moved", body = ItemEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The occurrence is not the current one, or the item is not open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn move_occurrence(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
    Json(body): Json<MoveRequest>,
) -> Result<axum::Json<ItemEnvelope>, ApiError> {
    let occurrence_on = occurrence(&body.occurrence_on)?;
    let due_on = body.due_on.as_deref().map(|d| parse_date("due_on", d)).transpose()?;
    let due_time = body
        .due_time
        .map(|time| time.as_deref().map(|t| parse_time("due_time", t)).transpose())
        .transpose()?;
    if due_on.is_none() && due_time.is_none() {
        return Err(ApiError::invalid(
            "due_on",
            codes::INVALID_DATE,
            "Give the occurrence a new due_on, due_time or both.",
        ));
    }
    let item = occurrence::move_current(&state, &auth.user_id, &id, occurrence_on, due_on, due_time).await?;
    envelope(&state, &item).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeRequest {
    /// The occurrence meant; the current one when absent.
    #[schema(format = Date)]
    occurrence_on: Option<String>,
    /// Remind again in this many days (1 to 90)...
    days: Option<i64>,
    /// ...or at this instant (RFC 3339, within a year).
    #[schema(format = DateTime)]
    until: Option<String>,
}

/// Remind again later about the current occurrence (a later snooze replaces an earlier).
#[utoipa::path(post, path = "/items/{id}/snooze", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")), request_body = SnoozeRequest,
    responses(
        (status = 200, description = "The item, snoozed", body = ItemEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The occurrence is not the current one, or the item is not open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither or both of days and until, or out of range", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn snooze_item(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
    Json(body): Json<SnoozeRequest>,
) -> Result<axum::Json<ItemEnvelope>, ApiError> {
    let occurrence_on = occurrence(&body.occurrence_on)?;
    let refused = |field| {
        ApiError::invalid(
            field,
            codes::INVALID_SNOOZE,
            format!("Snooze for 1 to {MAX_SNOOZE_DAYS} days, or until an instant within a year (RFC 3339)."),
        )
    };
    let until = match (body.days, body.until.as_deref()) {
        (Some(days), None) if (1..=MAX_SNOOZE_DAYS).contains(&days) => state.clock.now_ms() + days * DAY_MS,
        (None, Some(at)) => at
            .parse::<jiff::Timestamp>()
            .map_err(|_| refused("until"))?
            .as_millisecond(),
        (Some(_), _) => return Err(refused("days")),
        (None, None) => return Err(refused("days")),
    };
    let item = occurrence::snooze(&state, &auth.user_id, &id, occurrence_on, until).await?;
    envelope(&state, &item).await
}

/// The occurrence a request names, if it names one.
fn occurrence(raw: &Option<String>) -> Result<Option<jiff::civil::Date>, ApiError> {
    Ok(raw.as_deref().map(|d| parse_date("occurrence_on", d)).transpose()?)
}
