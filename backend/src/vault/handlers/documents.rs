//! Listing, reading, editing and deleting documents. Every query names the owner: any
//! other user's id answers 404, exactly like an id that never existed.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{owned_document, parse_id};
use crate::http::error::Problem;
use crate::http::{ApiError, page};
use crate::http::extract::{AuthUser, Json};
use crate::vault::context::Vault;
use crate::vault::deletion;
use crate::vault::domain::DocumentKind;
use crate::vault::editing::{self, DetailsChange, UpdateDocumentRequest};
use crate::vault::events::DocumentDeleted;
use crate::vault::store::{documents, quota};
use crate::vault::views::{DocumentEnvelope, DocumentList, DocumentView};

const DEFAULT_PAGE: i64 = 25;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only documents of this kind.
    kind: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1 to 100; 25 by default.
    limit: Option<String>,
}

/// The user's documents, newest first.
#[utoipa::path(get, path = "/documents", tag = "vault", security(("bearer" = [])), params(ListQuery),
    responses(
        (status = 200, description = "A page of documents", body = DocumentList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_documents(
    State(state): State<Vault>,
    auth: AuthUser,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<axum::Json<DocumentList>, ApiError> {
    let Query(query) = query?;
    let kind = query.kind.as_deref().map(DocumentKind::parse).transpose()?;
    let limit = page::limit(query.limit.as_deref(), DEFAULT_PAGE)?;
    let before = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let mut page = documents::list(
        state.db.pool(),
        &auth.user_id,
        kind.map(DocumentKind::as_str),
        before.as_deref(),
        limit + 1,
    )
    .await?;
    let more = page.len() as i64 > limit;
    page.truncate(limit as usize);
    let next_cursor = more
        .then(|| page.last().map(|d| page::cursor(&[&d.id])))
        .flatten();
    Ok(axum::Json(DocumentList {
        documents: page.iter().map(DocumentView::from).collect(),
        next_cursor,
    }))
}

/// The document id a page ended on.
fn decode_cursor(raw: &str) -> Result<String, ApiError> {
    page::read_cursor(raw, 1)?
        .pop()
        .filter(|id| uuid::Uuid::parse_str(id).is_ok())
        .ok_or_else(page::bad_cursor)
}

/// One document.
#[utoipa::path(get, path = "/documents/{id}", tag = "vault", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = DocumentEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show_document(
    State(state): State<Vault>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<axum::Json<DocumentEnvelope>, ApiError> {
    let document = owned_document(&state, &auth, &id).await?;
    Ok(axum::Json(DocumentEnvelope {
        document: DocumentView::from(&document),
    }))
}




/// Change a document's details.
#[utoipa::path(patch, path = "/documents/{id}", tag = "vault", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")), request_body = UpdateDocumentRequest,
    responses(
        (status = 200, description = "The updated document", body = DocumentEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_document(
    State(state): State<Vault>,
    auth: AuthUser,
    Path(id): Path<String>,
    Json(body): Json<UpdateDocumentRequest>,
) -> Result<axum::Json<DocumentEnvelope>, ApiError> {
    let document = owned_document(&state, &auth, &id).await?;
    let merged = editing::merge(&document, &DetailsChange::from(body))?;
    let mut work = state.work.begin().await?;
    let document = editing::save(&mut work, merged).await?;
    work.commit().await?;
    Ok(axum::Json(DocumentEnvelope {
        document: DocumentView::from(&document),
    }))
}

/// Delete a document. The row goes at once; its stored files follow shortly.
#[utoipa::path(delete, path = "/documents/{id}", tag = "vault", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_document(
    State(state): State<Vault>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let mut work = state.work.begin().await?;
    let document = documents::find_owned(work.conn(), &auth.user_id, &id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    if !documents::delete(work.conn(), &auth.user_id, &id).await? {
        return Err(ApiError::NOT_FOUND);
    }
    quota::release(work.conn(), &auth.user_id, document.byte_size).await?;
    // The thumbnail key may not be written yet: the processing job deletes a thumbnail
    // it made for a document that is gone.
    let keys = std::iter::once(document.object_key)
        .chain(document.thumbnail_key)
        .collect();
    deletion::enqueue(&mut work, keys).await?;
    work.publish(&DocumentDeleted {
        document_id: id.clone(),
        user_id: auth.user_id.clone(),
    })
    .await?;
    work.user_changed(&auth.user_id);
    work.commit().await?;
    tracing::info!(document_id = %id, "document deleted");
    Ok(StatusCode::NO_CONTENT)
}
