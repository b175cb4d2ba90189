//! One file per endpoint group; each handler documents itself for OpenAPI. Every query
//! names the owner: another user's item answers 404 on every verb, like an id that never
//! existed.

pub mod actions;
pub mod calendar;
pub mod history;
pub mod items;
pub mod occurrences;
pub mod settings;
pub mod trash;

use jiff::tz::TimeZone;

use super::context::Items;
use super::domain::zone;
use super::store::items::Item;
use super::views::{self, ItemEnvelope, ItemView};
use crate::http::ApiError;

/// The user's current zone (UTC for a user who is gone).
async fn user_zone(items: &Items, user_id: &str) -> Result<TimeZone, ApiError> {
    Ok(items
        .directory
        .find(user_id)
        .await?
        .map_or(TimeZone::UTC, |user| zone(&user.time_zone)))
}

/// Views of `list`, as their owner `user_id` sees them now.
async fn views_of(items: &Items, user_id: &str, list: &[Item]) -> Result<Vec<ItemView>, ApiError> {
    let user_zone = user_zone(items, user_id).await?;
    Ok(views::views(items.db.pool(), list, items.clock.now_ms(), &user_zone).await?)
}

/// `{"item": …}` for `item`.
async fn envelope(items: &Items, item: &Item) -> Result<axum::Json<ItemEnvelope>, ApiError> {
    let item = views_of(items, &item.user_id, std::slice::from_ref(item))
        .await?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a view of one item is one view")))?;
    Ok(axum::Json(ItemEnvelope { item }))
}
