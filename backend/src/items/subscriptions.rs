//! What the items capability does when other capabilities tell it something happened.
//!
//! - `vault.document_details_changed`: a passport, ID card, driving licence, insurance
//!   or certificate with an expiry date makes (or updates) one expiry item linked to it,
//!   with the kind's default reminders, unless the user turned that off. Deliveries may
//!   arrive out of order: the item keeps the change time it was last updated from and
//!   ignores older ones. A document that no longer expires leaves its item alone (the
//!   user may have planned around it); the item follows the date while it has one.
//! - `vault.document_deleted`: the document's links go; its items stay, marked as
//!   having lost it.
//! - `accounts.time_zone_changed`: the user's floating items (and digests) follow their
//!   new zone: every reminder of theirs is planned again.
//! - `accounts.user_deleted`: the user's items, settings and send records go.

use jiff::civil::Date;

use super::changes::create::{Source, create_in};
use super::context::Items;
use super::domain::{Category, ItemKind, RepeatFrom, Status};
use super::draft::Draft;
use super::planning;
use super::store::{items, reminders, sends, settings};
use crate::accounts::{TimeZoneChanged, UserDeleted};
use crate::platform::events::Subscriber;
use crate::vault::{DocumentDeleted, DocumentDetailsChanged};

/// Document kinds whose expiry dates become expiry items.
const EXPIRING_KINDS: [&str; 5] = ["passport", "id_card", "driving_licence", "insurance", "certificate"];

pub struct TrackDocumentExpiry(pub Items);
pub struct ForgetDeletedDocument(pub Items);
pub struct FollowTimeZone(pub Items);
pub struct ForgetDeletedUser(pub Items);

impl Subscriber<DocumentDetailsChanged> for TrackDocumentExpiry {
    async fn handle(&self, _event_id: &str, event: DocumentDetailsChanged) -> anyhow::Result<()> {
        let items = &self.0;
        let expires_on = event
            .expires_on
            .as_deref()
            .and_then(|raw| raw.parse::<Date>().ok())
            .filter(|_| EXPIRING_KINDS.contains(&event.kind.as_str()));
        let mut work = items.work.begin().await?;
        let lock = items.db.for_update();
        let existing = items::find_by_source(work.conn(), &event.document_id, lock).await?;
        match (existing, expires_on) {
            (Some(item), _) if item.document_lost || item.source_changed_at >= Some(event.changed_at) => {}
            (Some(mut item), Some(expires_on)) => {
                item.title = expiry_title(&event.title);
                // A renewed document's new date opens its done item again.
                if item.status == Status::Done && item.expires_on != Some(expires_on) {
                    item.status = Status::Open;
                }
                item.expires_on = Some(expires_on);
                item.series_start = expires_on;
                item.move_to_occurrence(expires_on);
                item.source_changed_at = Some(event.changed_at);
                item.updated_at = work.now_ms();
                items::update(work.conn(), &item).await?;
                let settings = settings::get(work.conn(), &item.user_id).await?;
                let preferences =
                    planning::preferences(&items.directory, work.conn(), &item.user_id, &settings).await?;
                let stored = reminders::of_item(work.conn(), &item.id, lock).await?;
                let now = work.now_ms();
                planning::replan(work.conn(), &item, stored, &preferences, now).await?;
            }
            (Some(_), None) => {}
            (None, Some(expires_on)) => {
                if !settings::get(work.conn(), &event.user_id).await?.document_expiries {
                    return Ok(());
                }
                let draft = expiry_draft(&event, expires_on);
                let source = Source {
                    document: Some((event.document_id.clone(), event.changed_at)),
                };
                create_in(items, &mut work, &event.user_id, draft, source).await?;
            }
            (None, None) => {}
        }
        work.commit().await?;
        Ok(())
    }
}

fn expiry_title(document_title: &str) -> String {
    let title = format!("{document_title} expires");
    title.chars().take(super::domain::MAX_TITLE_CHARS).collect()
}

/// The expiry item of a document: due on the expiry date, reminded as the user's
/// defaults for expiries say (6 months and 1 month before, built in).
fn expiry_draft(event: &DocumentDetailsChanged, expires_on: Date) -> Draft {
    Draft {
        kind: ItemKind::Expiry,
        title: expiry_title(&event.title),
        notes: None,
        category: match event.kind.as_str() {
            "passport" | "id_card" => Category::Identity,
            "driving_licence" => Category::Vehicle,
            "insurance" => Category::Finance,
            _ => Category::Other,
        },
        tags: Vec::new(),
        money: None,
        payee: None,
        due_on: expires_on,
        due_time: None,
        time_zone: None,
        expires_on: Some(expires_on),
        recurrence: None,
        repeat_from: RepeatFrom::Schedule,
        reminders: None,
        document_ids: vec![event.document_id.clone()],
    }
}

impl Subscriber<DocumentDeleted> for ForgetDeletedDocument {
    async fn handle(&self, _event_id: &str, event: DocumentDeleted) -> anyhow::Result<()> {
        let mut work = self.0.work.begin().await?;
        let now = work.now_ms();
        let lost = items::lose_document(work.conn(), &event.document_id, now).await?;
        work.commit().await?;
        if !lost.is_empty() {
            tracing::info!(document_id = %event.document_id, items = lost.len(), "items lost a deleted document");
        }
        Ok(())
    }
}

impl Subscriber<TimeZoneChanged> for FollowTimeZone {
    async fn handle(&self, _event_id: &str, event: TimeZoneChanged) -> anyhow::Result<()> {
        let items = &self.0;
        let mut work = items.work.begin().await?;
        let settings = settings::get(work.conn(), &event.user_id).await?;
        // The zone the user has now, not the event's: deliveries may come out of order.
        let preferences = planning::preferences(&items.directory, work.conn(), &event.user_id, &settings).await?;
        let now = work.now_ms();
        let planned =
            planning::replan_user(work.conn(), &event.user_id, &preferences, now, items.db.for_update()).await?;
        work.commit().await?;
        tracing::info!(user_id = %event.user_id, items = planned, "reminders follow a new time zone");
        Ok(())
    }
}

impl Subscriber<UserDeleted> for ForgetDeletedUser {
    async fn handle(&self, _event_id: &str, event: UserDeleted) -> anyhow::Result<()> {
        let mut work = self.0.work.begin().await?;
        let deleted = items::delete_all_of_user(work.conn(), &event.user_id).await?;
        settings::delete(work.conn(), &event.user_id).await?;
        sends::delete_all_of_user(work.conn(), &event.user_id).await?;
        work.commit().await?;
        tracing::info!(user_id = %event.user_id, items = deleted, "deleted user's items forgotten");
        Ok(())
    }
}
