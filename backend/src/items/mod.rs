//! Items and reminders: the renewals, expiries, bills, appointments and to-dos Softly
//! remembers, how they repeat, and the reminder emails that go out before they fall due
//! — once per occurrence, at the right local time.
//!
//! An item holds its current occurrence; repeats (an RFC 5545 subset, or "from when it
//! was done") are computed when an occurrence is done, never generated ahead. Each
//! reminder's next sending time is stored and indexed; a periodic sweep hands what is due
//! to durable email jobs (`delivery`). Documents of the vault with an expiry date make
//! expiry items; the user's zone moving moves their floating items; a private calendar
//! feed shows it all in any calendar app.

mod action_links;
mod calendar;
mod changes;
mod context;
mod delivery;
pub mod domain;
mod draft;
mod drafts;
mod error;
mod handlers;
mod planning;
mod store;
mod subscriptions;
mod views;

use std::time::Duration;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use changes::trash::PurgeTrash;
pub use draft::NewItemRequest;
pub use drafts::{DraftsError, ItemDrafts};
pub use delivery::{SWEEP_EVERY, SendDigest, SendReminder, SweepReminders, sweep as sweep_due_reminders};

use crate::accounts::{Directory, TimeZoneChanged, UserDeleted};
use crate::capability::{Capability, Definition, Wiring};
use crate::http::extract::Authentication;
use crate::platform::db::Migration;
use crate::platform::events::Subscriptions;
use crate::platform::jobs::JobRegistry;
use crate::platform::schedule::Schedule;
use crate::plans::Plans;
use crate::vault::{DocumentDeleted, DocumentDetailsChanged, DocumentLookup};
use action_links::ActionLinks;
use calendar::FeedAddresses;
use changes::trash::PurgeTrashHandler;
use context::Items;
use delivery::{SendDigestHandler, SendReminderHandler, SweepRemindersHandler};
use subscriptions::{FollowTimeZone, ForgetDeletedDocument, ForgetDeletedUser, TrackDocumentExpiry};

pub const CAPABILITY: Definition = Definition {
    name: "items",
    migrations: &[Migration {
        version: 7,
        name: "items",
        sql: include_str!("migrations/0007_items.sql"),
    }],
    wire,
};

fn wire(wiring: &mut Wiring) -> anyhow::Result<Capability> {
    let platform = wiring.platform().clone();
    let config = &platform.config;
    let items = Items {
        db: platform.db.clone(),
        clock: platform.clock.clone(),
        work: platform.work(),
        authentication: wiring.service::<Authentication>()?,
        directory: wiring.service::<Directory>()?,
        documents: wiring.service::<DocumentLookup>()?,
        plans: wiring.service::<Plans>()?,
        action_links: ActionLinks::new(&config.secret_key_bases, &config.api_url),
        feeds: FeedAddresses::new(&config.secret_key_bases, &config.api_url),
        app_url: config.app_url.clone(),
    };
    wiring.provide(ItemDrafts::new(items.clone()))?;
    let courier = delivery::Courier {
        items: items.clone(),
        mailer: platform.mailer.clone(),
        from: config.mail_from.clone(),
    };
    let jobs = JobRegistry::new()
        .register::<SweepReminders, _>(SweepRemindersHandler {
            db: items.db.clone(),
            work: items.work.clone(),
        })
        .register::<SendReminder, _>(SendReminderHandler(courier.clone()))
        .register::<SendDigest, _>(SendDigestHandler(courier))
        .register::<PurgeTrash, _>(PurgeTrashHandler {
            work: items.work.clone(),
        });
    let schedule = Schedule::new()
        .every("items.sweep_reminders", SWEEP_EVERY, SweepReminders {})
        .every("items.purge_trash", Duration::from_secs(24 * 3600), PurgeTrash {});
    let subscriptions = Subscriptions::new()
        .on::<DocumentDetailsChanged, _>("items.track_document_expiry", TrackDocumentExpiry(items.clone()))
        .on::<DocumentDeleted, _>("items.forget_deleted_document", ForgetDeletedDocument(items.clone()))
        .on::<TimeZoneChanged, _>("items.follow_time_zone", FollowTimeZone(items.clone()))
        .on::<UserDeleted, _>("items.forget_deleted_user", ForgetDeletedUser(items.clone()));
    Ok(Capability::new(routes().with_state(items))
        .jobs(jobs)
        .schedule(schedule)
        .subscriptions(subscriptions))
}

/// The items API, nested under `/v1`.
fn routes() -> OpenApiRouter<Items> {
    use handlers::{actions, calendar, history, items, occurrences, settings, trash};
    OpenApiRouter::new()
        .routes(routes!(items::list_items, items::create_item))
        .routes(routes!(trash::list_trash))
        .routes(routes!(items::show_item, items::update_item, items::delete_item))
        .routes(routes!(occurrences::complete_item))
        .routes(routes!(occurrences::skip_item))
        .routes(routes!(occurrences::snooze_item))
        .routes(routes!(occurrences::move_occurrence))
        .routes(routes!(trash::restore_item))
        .routes(routes!(history::item_history))
        .routes(routes!(settings::show_settings, settings::update_settings))
        .routes(routes!(calendar::rotate_calendar_token, calendar::revoke_calendar_token))
        .routes(routes!(calendar::calendar_feed))
        .routes(routes!(actions::confirm_action, actions::perform_action))
}
