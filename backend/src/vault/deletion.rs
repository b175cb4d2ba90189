//! Stored objects outlive their rows only until a deletion job has removed them: the row
//! goes at once, in the same transaction that enqueues the job, and the job retries
//! (deleting a missing object succeeds) until every object is gone.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::keys;
use super::store::{documents, uploads};
use crate::platform::jobs::{self, Job, JobHandler};
use crate::platform::storage::ObjectStore;

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

/// Enqueues the deletion of `keys` through `conn` (the caller's transaction).
pub async fn enqueue(conn: &mut AnyConnection, keys: Vec<String>) -> anyhow::Result<()> {
    for chunk in keys.chunks(KEYS_PER_JOB) {
        jobs::enqueue(conn, &DeleteObjects { keys: chunk.to_vec() }).await?;
    }
    Ok(())
}

/// Before a user row goes: enqueues the deletion of every object the user's documents
/// and unfinished uploads occupy. Call inside the transaction that deletes the user.
pub async fn forget_user(conn: &mut AnyConnection, user_id: &str) -> anyhow::Result<()> {
    let mut keys = documents::object_keys_of_user(&mut *conn, user_id).await?;
    keys.extend(uploads::object_keys_of_user(&mut *conn, user_id).await?);
    enqueue(conn, keys).await
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
