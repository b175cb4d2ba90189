//! Turning a stored file into a document: the quota is reserved, the row inserted and
//! the processing job enqueued in one transaction, so a document exists exactly when
//! its bytes are counted and its processing is queued.

use super::context::Vault;
use super::error::VaultError;
use super::events::DocumentDetailsChanged;
use super::processing::ProcessDocument;
use super::store::{documents, documents::Document, quota, uploads, uploads::Upload};

/// Inserts `document` (its object already stored). From a direct upload, the upload row
/// goes in the same transaction (a lost race for it is `NotFound`) and the document
/// takes over what it reserved of the quota ([`super::reservation`]).
pub async fn admit(vault: &Vault, document: &Document, upload: Option<&Upload>) -> Result<(), VaultError> {
    // Read before the transaction: on SQLite it holds the one writer meanwhile.
    let quota = vault.plan_quota(&document.user_id).await?;
    let mut work = vault.work.begin().await?;
    if let Some(upload) = upload
        && !uploads::delete(work.conn(), &upload.id).await?
    {
        return Err(VaultError::NotFound);
    }
    let reserved = upload.map_or(0, |upload| upload.reserved_bytes);
    let unreserved = document.byte_size - reserved;
    if unreserved > 0 && !quota::reserve(work.conn(), &document.user_id, unreserved, quota).await? {
        return Err(VaultError::QuotaExceeded);
    }
    documents::insert(work.conn(), document).await?;
    work.enqueue(&ProcessDocument {
        document_id: document.id.clone(),
    })
    .await?;
    work.publish(&DocumentDetailsChanged::of(document)).await?;
    work.user_changed(&document.user_id);
    work.commit().await?;
    Ok(())
}

/// Refuses a user whose email address is not confirmed: storing documents needs a
/// mailbox behind the account (so throwaway accounts cannot fill the store).
pub async fn ensure_verified(vault: &Vault, user_id: &str) -> Result<(), VaultError> {
    match vault.directory.find(user_id).await? {
        Some(user) if user.email_verified => Ok(()),
        Some(_) => Err(VaultError::EmailUnverified),
        None => Err(VaultError::NotFound),
    }
}

/// Whether the user has any room left at all, checked before a body is read so a full
/// account is told at once. [`admit`] makes the binding check.
pub async fn ensure_room(vault: &Vault, user_id: &str, wanted: u64) -> Result<(), VaultError> {
    let (used, quota) = quota::usage(vault.db.pool(), user_id).await?;
    let quota = match quota {
        Some(own) => own,
        None => vault.plan_quota(user_id).await?,
    };
    if used.saturating_add(wanted.max(1) as i64) > quota {
        return Err(VaultError::QuotaExceeded);
    }
    Ok(())
}
