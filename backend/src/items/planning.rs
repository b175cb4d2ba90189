//! Keeping each reminder's next sending time true: after any change to an item, its
//! reminders, or what they depend on of the user (zone, reminder time, digest), the
//! plans are computed again (`domain::plan` says what a new plan keeps) and the rows
//! that changed are written, in the change's own transaction.

use sqlx::AnyConnection;

use super::domain::{Delivery, Occasion, Preferences, fire_at, zone};
use super::store::items::{self, Item};
use super::store::reminders::{self, StoredReminder};
use super::store::settings::Settings;
use crate::accounts::Directory;

/// The user's preferences: their settings, and their current zone from accounts (UTC for
/// a user who is gone), read through `conn` (the change's transaction, if any).
pub async fn preferences(
    directory: &Directory,
    conn: &mut AnyConnection,
    user_id: &str,
    settings: &Settings,
) -> sqlx::Result<Preferences> {
    let user_zone = directory
        .find_in(conn, user_id)
        .await?
        .map_or(jiff::tz::TimeZone::UTC, |user| zone(&user.time_zone));
    Ok(Preferences {
        reminder_time: settings.reminder_time,
        digest: settings.delivery == Delivery::Digest,
        user_zone,
    })
}

/// Plans `reminders` (all of `item`'s) for its current occurrence and writes what
/// changed; a snooze of another occurrence is deleted. Answers the reminders kept.
pub async fn replan(
    conn: &mut AnyConnection,
    item: &Item,
    reminders: Vec<StoredReminder>,
    preferences: &Preferences,
    now: i64,
) -> sqlx::Result<Vec<StoredReminder>> {
    let item_zone = item.time_zone.as_deref().map(zone);
    let occasion = Occasion {
        due_on: item.due_on,
        due_time: item.due_time,
        zone: item_zone.as_ref().unwrap_or(&preferences.user_zone),
    };
    let mut kept = Vec::with_capacity(reminders.len());
    for mut reminder in reminders {
        if reminder.snooze && reminder.plan.planned_for != Some(item.due_on) {
            reminders::delete(conn, &reminder.id).await?;
            continue;
        }
        let fire = fire_at(reminder.reminder, &occasion, preferences);
        let plan = reminder.plan.replan(item.due_on, fire, item.remindable(), now);
        if plan != reminder.plan || reminder.digest != preferences.digest {
            reminder.plan = plan;
            reminder.digest = preferences.digest;
            reminders::save_plan(conn, &reminder).await?;
        }
        kept.push(reminder);
    }
    Ok(kept)
}

/// Plans every item of `user_id` again (their zone or settings changed); `lock` holds
/// the rows meanwhile ([`crate::platform::db::Db::for_update`]).
pub async fn replan_user(
    conn: &mut AnyConnection,
    user_id: &str,
    preferences: &Preferences,
    now: i64,
    lock: &str,
) -> sqlx::Result<usize> {
    let items = items::of_user(&mut *conn, user_id, lock).await?;
    let ids: Vec<String> = items.iter().map(|item| item.id.clone()).collect();
    let mut grouped = reminders::by_item(reminders::of_items(&mut *conn, &ids, lock).await?);
    for item in &items {
        let own = grouped.remove(&item.id).unwrap_or_default();
        replan(conn, item, own, preferences, now).await?;
    }
    Ok(items.len())
}
