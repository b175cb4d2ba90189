//! How items change: created, edited, completed, skipped, moved, snoozed, deleted and
//! restored. Each change is one unit of work that also plans the item's reminders again,
//! so what is sent always follows what is stored. Handlers, emailed links and other
//! capabilities (through the public service) all change items through here.

pub mod create;
pub mod edit;
pub mod occurrence;
pub mod trash;

use jiff::civil::Date;
use sqlx::AnyConnection;

use super::context::Items;
use super::domain::{Preferences, Status};
use super::error::ItemsError;
use super::planning;
use super::store::items::{self, Item};
use super::store::reminders;
use super::store::settings;
use crate::codes;
use crate::invalid::Invalid;
use crate::platform::work::UnitOfWork;

/// Refuses a change that would give `user_id` one more open item with reminders than
/// their plan allows (read through the change's own connection).
async fn check_reminder_room(items: &Items, work: &mut UnitOfWork, user_id: &str) -> Result<(), ItemsError> {
    let now = work.now_ms();
    let plan = items.plans.of_in(work.conn(), user_id, now).await?;
    let Some(most) = plan.limits.items_with_reminders else {
        return Ok(());
    };
    let have = reminders::items_with_reminders(work.conn(), user_id).await?;
    if u64::try_from(have).unwrap_or(0) >= most {
        return Err(ItemsError::TooManyWithReminders(most));
    }
    Ok(())
}

/// The caller's item `id` out of the trash, held until the change commits; or 404 (for
/// another user's too).
async fn owned(items: &Items, conn: &mut AnyConnection, user_id: &str, id: &str) -> Result<Item, ItemsError> {
    items::owned_for_change(conn, user_id, id, items.db.for_update())
        .await?
        .filter(|item| item.deleted_at.is_none())
        .ok_or(ItemsError::NotFound)
}

/// Refuses an item that is done or archived.
fn ensure_open(item: &Item) -> Result<(), ItemsError> {
    match item.status {
        Status::Open => Ok(()),
        other => Err(ItemsError::NotOpen(other.as_str())),
    }
}

/// Refuses a change meant for another occurrence than the current one: an emailed
/// "done" link clicked twice must not complete the next occurrence too.
fn ensure_current(item: &Item, occurrence_on: Option<Date>) -> Result<(), ItemsError> {
    match occurrence_on {
        Some(on) if on != item.occurrence_on => Err(ItemsError::OccurrenceNotCurrent(item.due_on.to_string())),
        _ => Ok(()),
    }
}

/// The user's reminder preferences, read in `work`.
async fn preferences(items: &Items, work: &mut UnitOfWork, user_id: &str) -> Result<Preferences, ItemsError> {
    let settings = settings::get(work.conn(), user_id).await?;
    Ok(planning::preferences(&items.directory, work.conn(), user_id, &settings).await?)
}

/// Refuses document ids that are not (or no longer) the user's documents.
pub(super) async fn check_documents(
    items: &Items,
    work: &mut UnitOfWork,
    user_id: &str,
    ids: &[String],
) -> Result<(), ItemsError> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = items.documents.owned_in(work.conn(), user_id, ids).await?;
    if found.len() != ids.len() {
        return Err(Invalid::new(
            "document_ids",
            codes::UNKNOWN_DOCUMENT,
            "A linked document is not one of yours, or no longer exists.",
        )
        .into());
    }
    Ok(())
}

/// Writes `item` and plans its reminders again, in `work`.
async fn save_and_replan(items: &Items, work: &mut UnitOfWork, item: &Item) -> Result<(), ItemsError> {
    items::update(work.conn(), item).await?;
    let preferences = preferences(items, work, &item.user_id).await?;
    let stored = reminders::of_item(work.conn(), &item.id, items.db.for_update()).await?;
    let now = work.now_ms();
    planning::replan(work.conn(), item, stored, &preferences, now).await?;
    Ok(())
}
