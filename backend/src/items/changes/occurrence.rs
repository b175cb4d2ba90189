//! What happens to the current occurrence: completed, skipped, moved on its own, or
//! snoozed. Each names the occurrence it means (optionally), so a change meant for one
//! occurrence never lands on the next.

use jiff::civil::{Date, Time};

use super::super::context::Items;
use super::super::domain::{Next, Status, today, zone};
use super::super::error::ItemsError;
use super::super::store::history::{self, Action, Entry};
use super::super::store::items::Item;
use super::super::store::reminders::{self, StoredReminder};
use super::{ensure_current, ensure_open, owned, preferences, save_and_replan};
use crate::civil::format_time;
use crate::codes;
use crate::invalid::Invalid;
use crate::platform::time::rfc3339;
use crate::platform::work::UnitOfWork;

/// A snooze lasts at most this long.
pub const MAX_SNOOZE_DAYS: i64 = 90;

/// The occurrence `occurrence_on` (the current one when None) of the caller's item `id`
/// was done on `done_on` (today when None): recorded, and the item moves on to its next
/// occurrence — the first from today on, for one that was overdue — or is done.
pub async fn complete(
    items: &Items,
    user_id: &str,
    id: &str,
    occurrence_on: Option<Date>,
    done_on: Option<Date>,
) -> Result<Item, ItemsError> {
    let (mut work, mut item, today) = current(items, user_id, id, occurrence_on).await?;
    let done_on = done_on.unwrap_or(today);
    if done_on > today {
        return Err(Invalid::new("done_on", codes::INVALID_DATE, "It cannot have been done after today.").into());
    }
    let mut entry = Entry::new(&item, Action::Completed, work.now_ms());
    entry.done_on = Some(done_on);
    history::record(work.conn(), &entry).await?;
    let next = item.series().after_completion(done_on, today);
    advance(items, &mut work, &mut item, next).await?;
    work.commit().await?;
    Ok(item)
}

/// The current occurrence of a repeating item is skipped: recorded, and the item moves on.
pub async fn skip(items: &Items, user_id: &str, id: &str, occurrence_on: Option<Date>) -> Result<Item, ItemsError> {
    let (mut work, mut item, today) = current(items, user_id, id, occurrence_on).await?;
    if !item.series().repeats() {
        return Err(ItemsError::NotRepeating);
    }
    let entry = Entry::new(&item, Action::Skipped, work.now_ms());
    history::record(work.conn(), &entry).await?;
    let next = item.series().after_skip(today);
    advance(items, &mut work, &mut item, next).await?;
    work.commit().await?;
    Ok(item)
}

/// The current occurrence moves to `due_on` and/or `due_time` (`Some(None)`: date-only);
/// the series goes on from where it placed the occurrence.
pub async fn move_current(
    items: &Items,
    user_id: &str,
    id: &str,
    occurrence_on: Option<Date>,
    due_on: Option<Date>,
    due_time: Option<Option<Time>>,
) -> Result<Item, ItemsError> {
    let (mut work, mut item, _) = current(items, user_id, id, occurrence_on).await?;
    let mut entry = Entry::new(&item, Action::Moved, work.now_ms());
    item.due_on = due_on.unwrap_or(item.due_on);
    item.due_time = due_time.unwrap_or(item.due_time);
    if !item.series().repeats() {
        // A one-off has no series to keep: the move is the item's new date.
        item.occurrence_on = item.due_on;
        item.series_start = item.due_on;
        item.series_time = item.due_time;
    }
    entry.detail = Some(match item.due_time {
        Some(time) => format!("{} {}", item.due_on, format_time(time)),
        None => item.due_on.to_string(),
    });
    history::record(work.conn(), &entry).await?;
    item.updated_at = work.now_ms();
    save_and_replan(items, &mut work, &item).await?;
    work.commit().await?;
    Ok(item)
}

/// Remind again at `until` (an instant, ms) about the current occurrence; a later snooze
/// replaces an earlier one.
pub async fn snooze(
    items: &Items,
    user_id: &str,
    id: &str,
    occurrence_on: Option<Date>,
    until: i64,
) -> Result<Item, ItemsError> {
    let (mut work, mut item, _) = current(items, user_id, id, occurrence_on).await?;
    let now = work.now_ms();
    if until <= now || until > now + 366 * crate::platform::time::DAY_MS {
        return Err(Invalid::new(
            "until",
            codes::INVALID_SNOOZE,
            "Snooze until a moment within the next year.",
        )
        .into());
    }
    let lock = items.db.for_update();
    for old in reminders::of_item(work.conn(), &item.id, lock).await?.into_iter().filter(|r| r.snooze) {
        reminders::delete(work.conn(), &old.id).await?;
    }
    let mut snoozed = StoredReminder::new(
        &item.id,
        &item.user_id,
        super::super::domain::Reminder::At { at_ms: until },
        i64::MAX,
    );
    snoozed.snooze = true;
    snoozed.plan.planned_for = Some(item.due_on);
    reminders::insert(work.conn(), &snoozed).await?;
    let mut entry = Entry::new(&item, Action::Snoozed, now);
    entry.detail = Some(rfc3339(until));
    history::record(work.conn(), &entry).await?;
    item.updated_at = now;
    save_and_replan(items, &mut work, &item).await?;
    work.commit().await?;
    Ok(item)
}

/// Begins a change of the caller's open item `id` at its current occurrence (the one
/// named, if any); answers the item's today too.
async fn current(
    items: &Items,
    user_id: &str,
    id: &str,
    occurrence_on: Option<Date>,
) -> Result<(UnitOfWork, Item, Date), ItemsError> {
    let mut work = items.work.begin().await?;
    let item = owned(items, work.conn(), user_id, id).await?;
    ensure_open(&item)?;
    ensure_current(&item, occurrence_on)?;
    let item_zone = match &item.time_zone {
        Some(name) => zone(name),
        None => preferences(items, &mut work, user_id).await?.user_zone,
    };
    let today = today(work.now_ms(), &item_zone);
    Ok((work, item, today))
}

/// Moves `item` to `next`, or closes it when its series ended; saves and plans.
async fn advance(items: &Items, work: &mut UnitOfWork, item: &mut Item, next: Next) -> Result<(), ItemsError> {
    match next {
        Next::On(date) => {
            item.move_to_occurrence(date);
            item.occurrences_done += 1;
        }
        Next::Ended => {
            item.status = Status::Done;
            item.occurrences_done += 1;
        }
    }
    item.updated_at = work.now_ms();
    save_and_replan(items, work, item).await
}
