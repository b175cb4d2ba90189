//! A direct upload holds its announced size of the user's quota from the moment it is
//! announced: reserved with the upload row in one change (refused past the quota, or
//! past `VAULT_MAX_OPEN_UPLOADS` slots), handed to the document when it completes
//! ([`super::admit`]), and given back with the row when it is refused or expires. So
//! announced slots can never hold more than the quota, completed or not.

use super::context::Vault;
use super::deletion;
use super::error::VaultError;
use super::store::{quota, uploads, uploads::Upload};
use crate::platform::work::UnitOfWork;

/// Records the upload with its size reserved (`upload.reserved_bytes`); `QuotaExceeded`
/// when it does not fit, `TooManyUploads` when the user has the most slots open.
pub async fn announce(vault: &Vault, upload: &Upload) -> Result<(), VaultError> {
    // Read before the transaction: on SQLite it holds the one writer meanwhile.
    let default_quota = vault.plan_quota(&upload.user_id).await?;
    let mut work = vault.work.begin().await?;
    // The reservation locks the user's usage row first, so concurrent announcements of
    // one user count each other's slots.
    if !quota::reserve(work.conn(), &upload.user_id, upload.reserved_bytes, default_quota).await? {
        return Err(VaultError::QuotaExceeded);
    }
    let open = uploads::count_live_of_user(work.conn(), &upload.user_id, upload.created_at).await?;
    let most = vault.limits.max_open_uploads;
    if open as u64 >= most {
        return Err(VaultError::TooManyUploads(most));
    }
    uploads::insert(work.conn(), upload).await?;
    work.user_changed(&upload.user_id);
    work.commit().await?;
    Ok(())
}

/// Deletes the upload row, gives its reservation back and enqueues the deletion of
/// whatever landed, in `work`; nothing when another change took the row first.
pub async fn give_back(work: &mut UnitOfWork, upload: &Upload) -> anyhow::Result<()> {
    if uploads::delete(work.conn(), &upload.id).await? {
        quota::release(work.conn(), &upload.user_id, upload.reserved_bytes).await?;
        deletion::enqueue(work, vec![upload.object_key.clone()]).await?;
        work.user_changed(&upload.user_id);
    }
    Ok(())
}
