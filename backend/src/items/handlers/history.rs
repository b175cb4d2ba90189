//! An item's history: what happened to its occurrences.

use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::error::Problem;
use crate::http::{ApiError, page};
use crate::http::extract::{AuthUser, PathId};
use crate::items::context::Items;
use crate::items::store::history::{self, Entry};
use crate::items::store::items;
use crate::platform::time::rfc3339;

/// One thing that happened to an occurrence.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntryView {
    pub id: String,
    /// completed, skipped, moved, snoozed or reminded.
    pub action: String,
    /// The occurrence, as the series placed it.
    #[schema(format = Date)]
    pub occurrence_on: String,
    /// When it was due then.
    #[schema(format = Date)]
    pub due_on: String,
    /// The day it was done (completed).
    #[schema(format = Date)]
    pub done_on: Option<String>,
    /// Where it moved to (moved), until when (snoozed).
    pub detail: Option<String>,
    #[schema(format = DateTime)]
    pub at: String,
}

impl From<Entry> for HistoryEntryView {
    fn from(entry: Entry) -> Self {
        Self {
            id: entry.id,
            action: entry.action.as_str().to_string(),
            occurrence_on: entry.occurrence_on.to_string(),
            due_on: entry.due_on.to_string(),
            done_on: entry.done_on.map(|d| d.to_string()),
            detail: entry.detail,
            at: rfc3339(entry.at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryList {
    pub history: Vec<HistoryEntryView>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    cursor: Option<String>,
    /// 1 to 100; 50 by default.
    limit: Option<String>,
}

/// What happened to the item's occurrences, newest first (in the trash too).
#[utoipa::path(get, path = "/items/{id}/history", tag = "items", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id"), HistoryQuery),
    responses(
        (status = 200, description = "A page of the item's history", body = HistoryList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such item of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn item_history(
    State(state): State<Items>,
    auth: AuthUser,
    PathId(id): PathId,
    query: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::Json<HistoryList>, ApiError> {
    let Query(query) = query?;
    let limit = page::limit(query.limit.as_deref(), 50)?;
    let before = query.cursor.as_deref().map(|raw| page::read_cursor(raw, 1)).transpose()?;
    let item = items::find_owned(state.db.pool(), &auth.user_id, &id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    let before = before.and_then(|mut parts| parts.pop());
    let mut found = history::of_item(state.db.pool(), &item.id, before.as_deref(), limit + 1).await?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next_cursor = more
        .then(|| found.last().map(|entry| page::cursor(&[&entry.id])))
        .flatten();
    Ok(axum::Json(HistoryList {
        history: found.into_iter().map(HistoryEntryView::from).collect(),
        next_cursor,
    }))
}
