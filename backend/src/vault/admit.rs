//! Turning a stored file into a document: the quota is reserved, the row inserted and
//! the processing job enqueued in one transaction, so a document exists exactly when
//! its bytes are counted and its processing is queued.

use super::processing::ProcessDocument;
use super::store::{documents, documents::Document, quota, uploads};
use crate::accounts;
use crate::http::ApiError;
use crate::platform::jobs;
use crate::state::AppState;

pub const QUOTA_EXCEEDED: ApiError = ApiError::Forbidden {
    code: "quota_exceeded",
    detail: "This file does not fit in your storage quota; delete documents to make room.",
};

/// Inserts `document` (its object already stored); when `upload_id` is given the
/// upload row goes in the same transaction, and a lost race for it answers 404.
pub async fn admit(state: &AppState, document: &Document, upload_id: Option<&str>) -> Result<(), ApiError> {
    let mut tx = state.db.pool().begin().await?;
    if let Some(upload_id) = upload_id
        && !uploads::delete(&mut *tx, upload_id).await?
    {
        return Err(ApiError::NotFound);
    }
    let quota = state.vault.limits.quota_bytes as i64;
    if !quota::reserve(&mut *tx, &document.user_id, document.byte_size, quota).await? {
        return Err(QUOTA_EXCEEDED);
    }
    documents::insert(&mut *tx, document).await?;
    jobs::enqueue(
        &mut tx,
        &ProcessDocument {
            document_id: document.id.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    accounts::user_changed(&state.cache, &document.user_id).await;
    state.jobs.wake();
    Ok(())
}

/// Whether the user has any room left at all, checked before a body is read so a full
/// account is told at once. [`admit`] makes the binding check.
pub async fn ensure_room(state: &AppState, user_id: &str, wanted: u64) -> Result<(), ApiError> {
    let (used, quota) = quota::usage(state.db.pool(), user_id).await?;
    let quota = quota.unwrap_or(state.vault.limits.quota_bytes as i64);
    if used.saturating_add(wanted.max(1) as i64) > quota {
        return Err(QUOTA_EXCEEDED);
    }
    Ok(())
}
