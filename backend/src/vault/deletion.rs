//! Stored objects outlive their rows only until a deletion job has removed them: the row
//! goes at once, in the same transaction that enqueues the job, and the job retries
//! (deleting a missing object succeeds) until every object is gone.
//!
//! A deleted account reaches the vault as the `accounts.user_deleted` event: its
//! documents, unfinished uploads and usage row go in one transaction with the deletion
//! jobs of every object they occupied. Both the event's delivery and those jobs are
//! durable rows, so a crash at any point loses no object; a second delivery finds
//! nothing left to do.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::keys;
use super::store::{documents, quota, uploads};
use crate::accounts::UserDeleted;
use crate::platform::events::Subscriber;
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::storage::ObjectStore;
use crate::platform::work::{UnitOfWork, Work};

/// Objects to remove from the store.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeleteObjects {
    pub keys: Vec<String>,
}

impl Job for DeleteObjects {
    const KIND: &'static str = "vault_delete_objects";
    /// With backoff capped at an hour, about a day of retries before an operator looks.
    const MAX_ATTEMPTS: i64 = 30;
}

/// Keys per job, so one account's deletion is many small jobs rather than one huge one.
const KEYS_PER_JOB: usize = 200;

/// Enqueues the deletion of `keys` in the caller's change.
pub async fn enqueue(work: &mut UnitOfWork, keys: Vec<String>) -> anyhow::Result<()> {
    for chunk in keys.chunks(KEYS_PER_JOB) {
        work.enqueue(&DeleteObjects { keys: chunk.to_vec() }).await?;
    }
    Ok(())
}

pub struct DeleteObjectsHandler {
    pub store: Arc<dyn ObjectStore>,
}

impl JobHandler<DeleteObjects> for DeleteObjectsHandler {
    async fn run(&self, _job_id: &str, job: DeleteObjects) -> anyhow::Result<()> {
        for raw in &job.keys {
            self.store.delete(&keys::stored(raw)?).await?;
        }
        Ok(())
    }
}

/// Forgets everything a deleted user kept in the vault.
pub struct ForgetDeletedUser {
    pub work: Work,
}

impl Subscriber<UserDeleted> for ForgetDeletedUser {
    async fn handle(&self, _event_id: &str, event: UserDeleted) -> anyhow::Result<()> {
        let user_id = &event.user_id;
        let mut work = self.work.begin().await?;
        let mut keys = documents::object_keys_of_user(work.conn(), user_id).await?;
        keys.extend(uploads::object_keys_of_user(work.conn(), user_id).await?);
        let documents = documents::delete_all_of_user(work.conn(), user_id).await?;
        uploads::delete_all_of_user(work.conn(), user_id).await?;
        quota::forget(work.conn(), user_id).await?;
        let objects = keys.len();
        enqueue(&mut work, keys).await?;
        work.commit().await?;
        tracing::info!(user_id = %user_id, documents, objects, "deleted user's vault forgotten");
        Ok(())
    }
}
