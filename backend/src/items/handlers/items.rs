//! Creating, listing, reading, editing and deleting items.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{envelope, user_zone, views_of};
use crate::civil::parse_date;
use crate::codes;
use crate::http::error::Problem;
use crate::http::{ApiError, page};
use crate::http::extract::{AuthUser, Json, PathId};
use crate::items::changes::{create, edit, trash};
use crate::items::context::Items;
use crate::items::domain::{Category, ItemKind, Status, today};
use crate::items::draft::{NewItemRequest, UpdateItemRequest};
use crate::items::store::items::{self, Filter};
use crate::items::views::{ItemEnvelope, ItemList};

/// Create an item. Without `reminders`, it gets its kind's defaults.
#[utoipa::path(post, path = "/items", tag = "items", security(("bearer" = [])), request_body = NewItemRequest,
    responses(
        (status = 201, description = "The new item", body = ItemEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "plan_limit_reached: the user's plan keeps reminders on no more open items", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (`field` names it)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_item(
    State(state): State<Items>,
    auth: AuthUser,
    Json(body): Json<NewItemRequest>,
) -> Result<(StatusCode, axum::Json<ItemEnvelope>), ApiError> {
    let draft = body.validate()?;
    let item = create::create(&state, &auth.user_id, draft).await?;
    Ok((StatusCode::CREATED, envelope(&state, &item).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// open, done or archived.
    status: Option<String>,
    /// renewal, expiry, bill, appointment, todo, warranty or subscription.
    kind: Option<String>,
    category: Option<String>,
    /// Due strictly before this date (`YYYY-MM-DD`).
    due_before: Option<String>,
    /// Due strictly after this date.
    due_after: Option<String>,
    /// `true`: open items due before today (the user's today); `false`: all others.
    overdue: Option<String>,
    /// Words in the title or notes, any case.
    q: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1 to 100; 50 by default.
    limit: Option<String>,
}

/// The user's items out of the trash, soonest due first.
#[utoipa::path(get, path = "/items", tag = "items", security(("bearer" = [])), params(ListQuery),
    responses(
        (status = 200, description = "A page of items", body = ItemList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_items(
    State(state): State<Items>,
    auth: AuthUser,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::Json<ItemList>, ApiError> {
    let Query(query) = query?;
    let limit = page::limit(query.limit.as_deref(), 50)?;
    let overdue = match query.overdue.as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(ApiError::explained(codes::INVALID_QUERY, "overdue is true or false.")),
    };
    let text = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    if text.is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::explained(codes::INVALID_QUERY, "q has at most 200 characters."));
    }
    let today = match overdue {
        Some(_) => Some(today(state.clock.now_ms(), &user_zone(&state, &auth.user_id).await?)),
        None => None,
    };
    let after = match query.cursor.as_deref() {
        Some(raw) => {
            let mut parts = page::read_cursor(raw, 2)?;
            let id = parts.pop().unwrap_or_default();
            Some((parts.pop().unwrap_or_default(), id))
        }
        None => None,
    };
    let filter = Filter {
        status: query.status.as_deref().map(Status::parse).transpose()?,
        kind: query.kind.as_deref().map(ItemKind::parse).transpose()?,
        category: query.category.as_deref().map(Category::parse).transpose()?,
        due_before: query
            .due_before
            .as_deref()
            .map(|d| parse_date("due_before", d))
            .transpose()?,
        due_after: query
            .due_after
            .as_deref()
            .map(|d| parse_date("due_after", d))
            .transpose()?,
        overdue,
        today,
        text,
        after,
    };
    let mut found = items::list(state.db.pool(), &auth.user_id, &filter, limit + 1).await?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next_cursor = more
        .then(|| found.last().map(|item| page::cursor(&[&item.due_key(), &item.id])))
        .flatten();
    Ok(axum::Json(ItemList {
        items: views_of(&state, &auth.user_id, &found).await?,
        next_cursor,
    }))
}

/// One item.
#[utoipa::path(get, path = "/items/{id}", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item", body = ItemEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show_item(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<axum::Json<ItemEnvelope>, ApiError> {
    let item = items::find_owned(state.db.pool(), &auth.user_id, &id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    envelope(&state, &item).await
}

/// Change an item: absent fields stay, `null` clears.
#[utoipa::path(patch, path = "/items/{id}", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")), request_body = UpdateItemRequest,
    responses(
        (status = 200, description = "The changed item", body = ItemEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "plan_limit_reached: the user's plan keeps reminders on no more open items", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours (or it is in the trash)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (`field` names it)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_item(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
    Json(body): Json<UpdateItemRequest>,
) -> Result<axum::Json<ItemEnvelope>, ApiError> {
    let item = edit::update(&state, &auth.user_id, &id, &body).await?;
    envelope(&state, &item).await
}

/// Move an item to the trash (kept 30 days; `POST /v1/items/{id}/restore` brings it back).
#[utoipa::path(delete, path = "/items/{id}", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    responses(
        (status = 204, description = "In the trash"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours (or it is in the trash already)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_item(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
) -> Result<StatusCode, ApiError> {
    trash::delete(&state, &auth.user_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
