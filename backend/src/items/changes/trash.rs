//! Deleting an item moves it to the trash for [`TRASH_DAYS`] days; restoring brings it
//! back; a daily task purges what has been there longer. Nothing is reminded from the
//! trash.

use serde::{Deserialize, Serialize};

use super::super::context::Items;
use super::super::error::ItemsError;
use super::super::store::items::{self, Item};
use super::super::store::sends;
use super::save_and_replan;
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::time::DAY_MS;
use crate::platform::work::Work;

/// Items stay in the trash this long before they are purged.
pub const TRASH_DAYS: i64 = 30;

/// Moves the caller's item `id` to the trash.
pub async fn delete(items: &Items, user_id: &str, id: &str) -> Result<Item, ItemsError> {
    let mut work = items.work.begin().await?;
    let mut item = super::owned(items, work.conn(), user_id, id).await?;
    item.deleted_at = Some(work.now_ms());
    item.updated_at = work.now_ms();
    save_and_replan(items, &mut work, &item).await?;
    work.commit().await?;
    Ok(item)
}

/// Brings the caller's item `id` back from the trash; reminders whose time passed
/// meanwhile are not sent.
pub async fn restore(items: &Items, user_id: &str, id: &str) -> Result<Item, ItemsError> {
    let mut work = items.work.begin().await?;
    let mut item = items::owned_for_change(work.conn(), user_id, id, items.db.for_update())
        .await?
        .filter(|item| item.deleted_at.is_some())
        .ok_or(ItemsError::NotFound)?;
    item.deleted_at = None;
    item.updated_at = work.now_ms();
    save_and_replan(items, &mut work, &item).await?;
    work.commit().await?;
    Ok(item)
}

/// Purges items in the trash for longer than [`TRASH_DAYS`], and the record of reminder
/// emails older than a year: a periodic task.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PurgeTrash {}

impl Job for PurgeTrash {
    const KIND: &'static str = "items.purge_trash";
}

pub struct PurgeTrashHandler {
    pub work: Work,
}

impl JobHandler<PurgeTrash> for PurgeTrashHandler {
    async fn run(&self, _job_id: &str, _job: PurgeTrash) -> anyhow::Result<()> {
        let mut work = self.work.begin().await?;
        let now = work.now_ms();
        let items = items::purge_trash(work.conn(), now - TRASH_DAYS * DAY_MS).await?;
        let sends = sends::purge(work.conn(), now - 366 * DAY_MS).await?;
        work.commit().await?;
        tracing::info!(items, sends, "items' trash purged");
        Ok(())
    }
}
