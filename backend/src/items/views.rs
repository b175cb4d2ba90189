//! What the items API answers with.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use serde::Serialize;
use sqlx::AnyPool;
use utoipa::ToSchema;

use super::domain::{Reminder, today, zone};
use super::store::items::Item;
use super::changes::trash::TRASH_DAYS;
use super::store::reminders::StoredReminder;
use super::store::{links, reminders};
use crate::civil::format_time;
use crate::platform::time::{DAY_MS, rfc3339};

/// An item as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    pub id: String,
    /// renewal, expiry, bill, appointment, todo, warranty or subscription.
    pub kind: String,
    pub title: String,
    pub notes: Option<String>,
    pub category: String,
    pub tags: Vec<String>,
    /// open, done or archived.
    pub status: String,
    /// In the currency's minor units.
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub payee: Option<String>,
    /// When the current occurrence is due.
    #[schema(format = Date)]
    pub due_on: String,
    /// `HH:MM`, or none for a date-only item.
    pub due_time: Option<String>,
    /// The fixed zone; none: the item floats with the user's zone.
    pub time_zone: Option<String>,
    /// Where the series places the current occurrence; differs from `due_on` (or the
    /// time from the series') when this occurrence was moved on its own.
    #[schema(format = Date)]
    pub occurrence_on: String,
    pub moved: bool,
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    /// The RRULE, written canonically.
    pub recurrence: Option<String>,
    /// schedule or completion.
    pub repeat_from: String,
    /// The series' first occurrence.
    #[schema(format = Date)]
    pub series_start: String,
    /// The next few dates after the current occurrence (a repeat counted from completion
    /// has none until it is done).
    pub upcoming: Vec<String>,
    /// Open and due before today (in the item's zone).
    pub overdue: bool,
    pub reminders: Vec<ReminderView>,
    /// The end of a snooze of the current occurrence.
    #[schema(format = DateTime)]
    pub snoozed_until: Option<String>,
    /// When the next reminder email goes out.
    #[schema(format = DateTime)]
    pub next_reminder_at: Option<String>,
    pub document_ids: Vec<String>,
    /// The vault document this item was made from (an expiry date).
    pub source_document_id: Option<String>,
    /// A linked document (or the one it was made from) was deleted.
    pub document_lost: bool,
    /// In the trash since.
    #[schema(format = DateTime)]
    pub deleted_at: Option<String>,
    /// When an item in the trash goes for good.
    #[schema(format = DateTime)]
    pub purge_after: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A reminder: `{value, unit}` before the due moment, or `{at}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderView {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// minute, hour, day, week or month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemEnvelope {
    pub item: ItemView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemList {
    pub items: Vec<ItemView>,
    /// Pass back as `cursor` for the next page; none on the last.
    pub next_cursor: Option<String>,
}

impl ItemView {
    /// `item` with its reminders and documents, as seen at `now` by a user in `user_zone`.
    pub fn new(
        item: &Item,
        reminders: &[&StoredReminder],
        document_ids: Vec<String>,
        now: i64,
        user_zone: &TimeZone,
    ) -> Self {
        let item_zone = item.time_zone.as_deref().map(zone);
        let today = today(now, item_zone.as_ref().unwrap_or(user_zone));
        let date = |d: jiff::civil::Date| d.to_string();
        let snoozed_until = reminders
            .iter()
            .filter(|r| r.snooze && r.plan.next_fire_at.is_some())
            .filter_map(|r| match r.reminder {
                Reminder::At { at_ms } => Some(at_ms),
                Reminder::Offset { .. } => None,
            })
            .max()
            .map(rfc3339);
        Self {
            id: item.id.clone(),
            kind: item.kind.as_str().to_string(),
            title: item.title.clone(),
            notes: item.notes.clone(),
            category: item.category.as_str().to_string(),
            tags: item.tags.clone(),
            status: item.status.as_str().to_string(),
            amount_minor: item.money.map(|m| m.amount_minor),
            currency: item.money.map(|m| m.currency.code().to_string()),
            payee: item.payee.clone(),
            due_on: date(item.due_on),
            due_time: item.due_time.map(format_time),
            time_zone: item.time_zone.clone(),
            occurrence_on: date(item.occurrence_on),
            moved: item.moved(),
            expires_on: item.expires_on.map(date),
            recurrence: item.recurrence.as_ref().map(ToString::to_string),
            repeat_from: item.repeat_from.as_str().to_string(),
            series_start: date(item.series_start),
            upcoming: item.series().upcoming(3).into_iter().map(date).collect(),
            overdue: item.remindable() && item.due_on < today,
            reminders: reminders
                .iter()
                .filter(|r| !r.snooze)
                .map(|r| ReminderView::new(r))
                .collect(),
            snoozed_until,
            next_reminder_at: reminders
                .iter()
                .filter_map(|r| r.plan.next_fire_at)
                .min()
                .map(rfc3339),
            document_ids,
            source_document_id: item.source_document_id.clone(),
            document_lost: item.document_lost,
            deleted_at: item.deleted_at.map(rfc3339),
            purge_after: item.deleted_at.map(|at| rfc3339(at + TRASH_DAYS * DAY_MS)),
            created_at: rfc3339(item.created_at),
            updated_at: rfc3339(item.updated_at),
        }
    }
}

impl ReminderView {
    fn new(stored: &StoredReminder) -> Self {
        let input = stored.reminder.to_input();
        Self {
            id: stored.id.clone(),
            value: input.value,
            unit: input.unit,
            at: input.at,
        }
    }
}

/// Views of `items`, their reminders and links read in two queries for them all.
pub async fn views(db: &AnyPool, items: &[Item], now: i64, user_zone: &TimeZone) -> sqlx::Result<Vec<ItemView>> {
    let ids: Vec<String> = items.iter().map(|item| item.id.clone()).collect();
    let mut conn = db.acquire().await?;
    let reminders = reminders::by_item(reminders::of_items(&mut conn, &ids, "").await?);
    let mut links_of: HashMap<String, Vec<String>> = HashMap::new();
    for (item_id, document_id) in links::of_items(&mut conn, &ids).await? {
        links_of.entry(item_id).or_default().push(document_id);
    }
    drop(conn);
    Ok(items
        .iter()
        .map(|item| {
            let own: Vec<&StoredReminder> = reminders.get(&item.id).map(|r| r.iter().collect()).unwrap_or_default();
            let documents = links_of.remove(&item.id).unwrap_or_default();
            ItemView::new(item, &own, documents, now, user_zone)
        })
        .collect())
}
