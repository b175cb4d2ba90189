//! The calendar feed: its private address (made, rotated, revoked) and the feed itself.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::AuthUser;
use crate::items::calendar::{FeedAddresses, feed};
use crate::items::context::Items;
use crate::items::planning;
use crate::items::store::{items, reminders, settings};

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarAddress {
    /// Subscribe to this address in Apple Calendar, Google Calendar or any iCalendar
    /// client. Keep it private: whoever has it sees your items.
    pub calendar_url: String,
}

/// Make a new private address for the calendar feed; any earlier one stops working.
#[utoipa::path(post, path = "/calendar/token", tag = "items", security(("bearer" = [])),
    responses(
        (status = 200, description = "The feed's new address", body = CalendarAddress),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn rotate_calendar_token(
    State(state): State<Items>,
    auth: AuthUser,
) -> Result<axum::Json<CalendarAddress>, ApiError> {
    let nonce = FeedAddresses::new_nonce();
    let mut work = state.work.begin().await?;
    let mut settings = settings::get(work.conn(), &auth.user_id).await?;
    settings.calendar_nonce = Some(nonce.clone());
    let now = work.now_ms();
    settings::save(work.conn(), &auth.user_id, &settings, now).await?;
    work.commit().await?;
    Ok(axum::Json(CalendarAddress {
        calendar_url: state.feeds.url(&auth.user_id, &nonce),
    }))
}

/// Stop the calendar feed: its address stops working.
#[utoipa::path(delete, path = "/calendar/token", tag = "items", security(("bearer" = [])),
    responses(
        (status = 204, description = "No feed any more"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_calendar_token(State(state): State<Items>, auth: AuthUser) -> Result<StatusCode, ApiError> {
    let mut work = state.work.begin().await?;
    let mut settings = settings::get(work.conn(), &auth.user_id).await?;
    settings.calendar_nonce = None;
    let now = work.now_ms();
    settings::save(work.conn(), &auth.user_id, &settings, now).await?;
    work.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The calendar feed (iCalendar): the user's open items, with their repeats and
/// reminders. Its address is the credential: no sign-in.
#[utoipa::path(get, path = "/calendar/{file}", tag = "items",
    params(("file" = String, Path, description = "The feed's file name, `….ics`, from `calendar_url`")),
    responses(
        (status = 200, description = "The feed", content_type = "text/calendar"),
        (status = 404, description = "No such feed (or its address was rotated)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn calendar_feed(State(state): State<Items>, Path(file): Path<String>) -> Result<Response, ApiError> {
    let (user_id, nonce) = state.feeds.read(&file).ok_or(ApiError::NOT_FOUND)?;
    let settings = settings::get(state.db.pool(), &user_id).await?;
    if settings.calendar_nonce.as_deref() != Some(nonce.as_str()) {
        return Err(ApiError::NOT_FOUND);
    }
    let mut conn = state.db.pool().acquire().await?;
    let preferences = planning::preferences(&state.directory, &mut conn, &user_id, &settings).await?;
    let open: Vec<_> = items::of_user(&mut *conn, &user_id, "")
        .await?
        .into_iter()
        .filter(|item| item.remindable())
        .collect();
    let ids: Vec<String> = open.iter().map(|item| item.id.clone()).collect();
    let mut grouped = reminders::by_item(reminders::of_items(&mut conn, &ids, "").await?);
    drop(conn);
    let with_reminders: Vec<_> = open
        .into_iter()
        .map(|item| {
            let own = grouped.remove(&item.id).unwrap_or_default();
            (item, own)
        })
        .collect();
    let body = feed(&with_reminders, &preferences, &state.app_url, state.clock.now_ms());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "inline; filename=\"softly.ics\""),
        ],
        body,
    )
        .into_response())
}
