//! The `item_settings` table: each user's reminder settings; a user without a row has
//! the defaults.

use std::collections::BTreeMap;

use jiff::civil::Time;
use sqlx::{Any, AnyConnection, Executor, Row};

use super::{stored_time, undecodable};
use crate::civil::format_time;
use crate::items::domain::{Delivery, ItemKind, Reminder, ReminderInput, built_in_defaults};

/// A user's reminder settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// When date-only items are reminded, and digests sent, in the user's zone.
    pub reminder_time: Time,
    pub delivery: Delivery,
    /// The user's own defaults for some kinds, replacing the built-in ones.
    pub default_reminders: BTreeMap<&'static str, Vec<Reminder>>,
    /// Whether documents with an expiry date make expiry items.
    pub document_expiries: bool,
    /// Signed into the calendar feed's address; None: no feed.
    pub calendar_nonce: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            reminder_time: jiff::civil::time(9, 0, 0, 0),
            delivery: Delivery::Single,
            default_reminders: BTreeMap::new(),
            document_expiries: true,
            calendar_nonce: None,
        }
    }
}

impl Settings {
    /// The reminders a new item of `kind` gets when none are given.
    pub fn defaults_for(&self, kind: ItemKind) -> Vec<Reminder> {
        self.default_reminders
            .get(kind.as_str())
            .cloned()
            .unwrap_or_else(|| built_in_defaults(kind))
    }
}

/// `user_id`'s settings, the defaults when they have none.
pub async fn get<'e>(db: impl Executor<'e, Database = Any>, user_id: &str) -> sqlx::Result<Settings> {
    let row = sqlx::query(
        "SELECT reminder_time, delivery, default_reminders, document_expiries, calendar_nonce
         FROM item_settings WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(Settings::default());
    };
    let delivery: String = row.try_get("delivery")?;
    let defaults: Option<String> = row.try_get("default_reminders")?;
    Ok(Settings {
        reminder_time: stored_time(&row, "reminder_time")?
            .ok_or_else(|| undecodable("reminder_time", "NULL"))?,
        delivery: Delivery::from_stored(&delivery).ok_or_else(|| undecodable("delivery", &delivery))?,
        default_reminders: match defaults {
            Some(raw) => read_defaults(&raw).ok_or_else(|| undecodable("default_reminders", &raw))?,
            None => BTreeMap::new(),
        },
        document_expiries: row.try_get::<i64, _>("document_expiries")? != 0,
        calendar_nonce: row.try_get("calendar_nonce")?,
    })
}

fn read_defaults(raw: &str) -> Option<BTreeMap<&'static str, Vec<Reminder>>> {
    let stored: BTreeMap<String, Vec<ReminderInput>> = serde_json::from_str(raw).ok()?;
    stored
        .into_iter()
        .map(|(kind, inputs)| {
            let kind = ItemKind::from_stored(&kind)?;
            let reminders = inputs.iter().map(Reminder::parse).collect::<Result<_, _>>().ok()?;
            Some((kind.as_str(), reminders))
        })
        .collect()
}

/// Writes `settings` as `user_id`'s.
pub async fn save(conn: &mut AnyConnection, user_id: &str, settings: &Settings, now: i64) -> sqlx::Result<()> {
    let defaults = (!settings.default_reminders.is_empty()).then(|| {
        let stored: BTreeMap<&str, Vec<ReminderInput>> = settings
            .default_reminders
            .iter()
            .map(|(kind, reminders)| (*kind, reminders.iter().map(|r| r.to_input()).collect()))
            .collect();
        serde_json::to_string(&stored).expect("reminders serialise")
    });
    sqlx::query(
        "INSERT INTO item_settings (user_id, reminder_time, delivery, default_reminders, document_expiries,
                                    calendar_nonce, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id) DO UPDATE SET reminder_time = $2, delivery = $3, default_reminders = $4,
             document_expiries = $5, calendar_nonce = $6, updated_at = $7",
    )
    .bind(user_id)
    .bind(format_time(settings.reminder_time))
    .bind(settings.delivery.as_str())
    .bind(defaults)
    .bind(i64::from(settings.document_expiries))
    .bind(settings.calendar_nonce.clone())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM item_settings WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
