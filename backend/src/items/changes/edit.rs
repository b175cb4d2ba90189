//! Editing an item: its details, its series, its reminders and its links.

use super::super::context::Items;
use super::super::domain::{Reminder, Status};
use super::super::draft::UpdateItemRequest;
use super::super::error::ItemsError;
use super::super::store::items::Item;
use super::super::store::links;
use super::super::store::reminders::{self, StoredReminder};
use super::create::insert_reminders;
use super::{check_documents, check_reminder_room, owned, save_and_replan};
use crate::platform::work::UnitOfWork;

/// Applies `request` to the caller's item `id`.
pub async fn update(items: &Items, user_id: &str, id: &str, request: &UpdateItemRequest) -> Result<Item, ItemsError> {
    let mut work = items.work.begin().await?;
    let mut item = owned(items, work.conn(), user_id, id).await?;
    let linked = links::of_item(work.conn(), &item.id).await?;
    let draft = request.apply_to(&item, linked.clone())?;
    item.status = request.status(item.status)?;
    if draft.document_ids != linked {
        check_documents(items, &mut work, user_id, &draft.document_ids).await?;
        links::set(work.conn(), &item.id, &draft.document_ids).await?;
    }
    item.kind = draft.kind;
    item.title = draft.title;
    item.notes = draft.notes;
    item.category = draft.category;
    item.tags = draft.tags;
    item.money = draft.money;
    item.payee = draft.payee;
    item.time_zone = draft.time_zone.map(|zone| zone.as_str().to_string());
    item.expires_on = draft.expires_on;
    item.recurrence = draft.recurrence;
    item.repeat_from = draft.repeat_from;
    if request.restarts_series() {
        item.series_start = draft.due_on;
        item.occurrences_done = 0;
        item.series_time = draft.due_time;
        item.move_to_occurrence(draft.due_on);
    } else if request.due_time.is_some() {
        item.due_time = draft.due_time;
        item.series_time = draft.due_time;
    }
    item.updated_at = work.now_ms();
    if let Some(wanted) = draft.reminders {
        replace_reminders(items, &mut work, &item, &wanted).await?;
    }
    save_and_replan(items, &mut work, &item).await?;
    work.commit().await?;
    Ok(item)
}

/// Makes `wanted` the item's reminders. One already there keeps its row, and with it
/// what was sent for the current occurrence: saving the same reminders sends nothing
/// twice. Snoozes stay.
async fn replace_reminders(
    items: &Items,
    work: &mut UnitOfWork,
    item: &Item,
    wanted: &[Reminder],
) -> Result<(), ItemsError> {
    let mut existing: Vec<StoredReminder> = reminders::of_item(work.conn(), &item.id, items.db.for_update())
        .await?
        .into_iter()
        .filter(|r| !r.snooze)
        .collect();
    if existing.is_empty() && !wanted.is_empty() && item.status == Status::Open {
        check_reminder_room(items, work, &item.user_id).await?;
    }
    let mut added = Vec::new();
    for (position, reminder) in wanted.iter().enumerate() {
        match existing.iter().position(|r| r.reminder == *reminder) {
            Some(found) => {
                let mut kept = existing.remove(found);
                kept.position = position as i64;
                reminders::save_plan(work.conn(), &kept).await?;
            }
            None => added.push((position, *reminder)),
        }
    }
    for gone in existing {
        reminders::delete(work.conn(), &gone.id).await?;
    }
    for (position, reminder) in added {
        insert_reminders(work, item, &[reminder], position as i64).await?;
    }
    Ok(())
}
