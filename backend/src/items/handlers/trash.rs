//! The trash: what was deleted in the last 30 days, and bringing it back.

use axum::extract::{Query, State};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{envelope, views_of};
use crate::http::error::Problem;
use crate::http::{ApiError, page};
use crate::http::extract::{AuthUser, PathId};
use crate::items::changes::trash;
use crate::items::context::Items;
use crate::items::store::items;
use crate::items::views::{ItemEnvelope, ItemList};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrashQuery {
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1 to 100; 50 by default.
    limit: Option<String>,
}

/// The items in the trash, most recently deleted first; each says when it is purged.
#[utoipa::path(get, path = "/items/trash", tag = "items", security(("bearer" = [])), params(TrashQuery),
    responses(
        (status = 200, description = "A page of deleted items", body = ItemList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_trash(
    State(state): State<Items>,
    auth: AuthUser,
    query: Result<Query<TrashQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::Json<ItemList>, ApiError> {
    let Query(query) = query?;
    let limit = page::limit(query.limit.as_deref(), 50)?;
    let before = match query.cursor.as_deref() {
        Some(raw) => {
            let parts = page::read_cursor(raw, 2)?;
            let at = parts[0].parse::<i64>().map_err(|_| page::bad_cursor())?;
            Some((at, parts[1].clone()))
        }
        None => None,
    };
    let mut found = items::trash(state.db.pool(), &auth.user_id, before, limit + 1).await?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next_cursor = more
        .then(|| {
            found
                .last()
                .map(|item| page::cursor(&[&item.deleted_at.unwrap_or_default().to_string(), &item.id]))
        })
        .flatten();
    Ok(axum::Json(ItemList {
        items: views_of(&state, &auth.user_id, &found).await?,
        next_cursor,
    }))
}

/// Bring an item back from the trash. Reminders whose time passed meanwhile are not sent.
#[utoipa::path(post, path = "/items/{id}/restore", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item, restored", body = ItemEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours in the trash", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn restore_item(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<axum::Json<ItemEnvelope>, ApiError> {
    let item = trash::restore(&state, &auth.user_id, &id).await?;
    envelope(&state, &item).await
}
