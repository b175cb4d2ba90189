//! Creating items: from the API, from a document's expiry date, and (through the public
//! service) from other capabilities.

use super::super::context::Items;
use super::super::domain::{ItemKind, Preferences, Reminder, Status};
use super::super::draft::Draft;
use super::super::error::ItemsError;
use super::super::planning;
use super::super::store::items::{self, Item};
use super::super::store::reminders::{self, StoredReminder};
use super::super::store::{links, settings};
use super::{check_documents, check_reminder_room};
use crate::platform::work::UnitOfWork;

/// Where an item came from, when not from a person typing it.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// The vault document whose expiry date it tracks, and when that date was set.
    pub document: Option<(String, i64)>,
}

/// Creates an item of `user_id` from `draft` and plans its reminders.
pub async fn create(items: &Items, user_id: &str, draft: Draft) -> Result<Item, ItemsError> {
    let mut work = items.work.begin().await?;
    check_documents(items, &mut work, user_id, &draft.document_ids).await?;
    let item = create_in(items, &mut work, user_id, draft, Source::default()).await?;
    work.commit().await?;
    tracing::info!(item_id = %item.id, kind = item.kind.as_str(), "item created");
    Ok(item)
}

/// Creates the item in `work` (documents already checked).
pub async fn create_in(
    items: &Items,
    work: &mut UnitOfWork,
    user_id: &str,
    draft: Draft,
    source: Source,
) -> Result<Item, ItemsError> {
    let settings = settings::get(work.conn(), user_id).await?;
    let preferences = planning::preferences(&items.directory, work.conn(), user_id, &settings).await?;
    let wanted = draft
        .reminders
        .clone()
        .unwrap_or_else(|| settings.defaults_for(draft.kind));
    // A document's expiry follows the document; what a person adds counts against
    // their plan.
    if !wanted.is_empty() && source.document.is_none() {
        check_reminder_room(items, work, user_id).await?;
    }
    let item = new_item(user_id, &draft, &preferences, source, work.now_ms());
    items::insert(work.conn(), &item).await?;
    insert_reminders(work, &item, &wanted, 0).await?;
    links::set(work.conn(), &item.id, &draft.document_ids).await?;
    let stored = reminders::of_item(work.conn(), &item.id, "").await?;
    let now = work.now_ms();
    planning::replan(work.conn(), &item, stored, &preferences, now).await?;
    Ok(item)
}

/// Inserts `reminders` of `item`, positions from `first` on, not planned yet.
pub(super) async fn insert_reminders(
    work: &mut UnitOfWork,
    item: &Item,
    reminders: &[Reminder],
    first: i64,
) -> Result<(), ItemsError> {
    for (n, reminder) in reminders.iter().enumerate() {
        let stored = StoredReminder::new(&item.id, &item.user_id, *reminder, first + n as i64);
        reminders::insert(work.conn(), &stored).await?;
    }
    Ok(())
}

/// The row for a new item. An appointment given no zone is fixed in the user's current
/// one: it happens at a place, wherever the user travels later.
fn new_item(user_id: &str, draft: &Draft, preferences: &Preferences, source: Source, now: i64) -> Item {
    let time_zone = draft
        .time_zone
        .as_ref()
        .map(|zone| zone.as_str().to_string())
        .or_else(|| {
            (draft.kind == ItemKind::Appointment)
                .then(|| preferences.user_zone.iana_name().map(str::to_string))
                .flatten()
        });
    let (source_document_id, source_changed_at) = source.document.unzip();
    Item {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_string(),
        kind: draft.kind,
        title: draft.title.clone(),
        notes: draft.notes.clone(),
        category: draft.category,
        tags: draft.tags.clone(),
        status: Status::Open,
        money: draft.money,
        payee: draft.payee.clone(),
        due_on: draft.due_on,
        due_time: draft.due_time,
        occurrence_on: draft.due_on,
        series_time: draft.due_time,
        time_zone,
        expires_on: draft.expires_on,
        recurrence: draft.recurrence.clone(),
        repeat_from: draft.repeat_from,
        series_start: draft.due_on,
        occurrences_done: 0,
        source_document_id,
        source_changed_at,
        document_lost: false,
        deleted_at: None,
        created_at: now,
        updated_at: now,
    }
}
