//! What a client sends to create or change an item, validated into a [`Draft`]: every
//! field parsed, and the rules between fields checked, in one place for creating and
//! editing alike.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain::{
    Category, ItemKind, Money, Recurrence, Reminder, ReminderInput, RepeatFrom, Status, parse_list,
    parse_notes, parse_payee, parse_tags, parse_title,
};
use super::store::items::Item;
use crate::civil::{TimeZoneName, parse_date, parse_time};
use crate::codes;
use crate::http::extract::present;
use crate::invalid::Invalid;

/// The documents an item may link.
pub const MAX_DOCUMENTS: usize = 20;

/// A new item, as a client sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemRequest {
    /// renewal, expiry, bill, appointment, todo, warranty or subscription.
    pub kind: String,
    pub title: String,
    pub notes: Option<String>,
    /// identity, vehicle, home, health, finance, pets, travel, work or other (the default).
    pub category: Option<String>,
    pub tags: Option<Vec<String>>,
    /// In minor units (pence, cents), with `currency`.
    pub amount_minor: Option<i64>,
    /// ISO 4217, e.g. GBP.
    pub currency: Option<String>,
    pub payee: Option<String>,
    /// The date it is due, `YYYY-MM-DD`; for a repeating item, its first occurrence.
    #[schema(format = Date)]
    pub due_on: String,
    /// `HH:MM`; without it the item is due on the day, reminded at the user's reminder time.
    pub due_time: Option<String>,
    /// An IANA zone fixes the item there; without one it floats with the user's zone
    /// (an appointment is fixed in the user's current zone when none is given).
    pub time_zone: Option<String>,
    /// When the thing itself expires, apart from when action is due.
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    /// An RRULE: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL, BYDAY (1MO, -1FR with
    /// MONTHLY/YEARLY), BYMONTHDAY (-1 for the last day), BYMONTH, COUNT, UNTIL.
    pub recurrence: Option<String>,
    /// schedule (the default: the rule's dates) or completion (counted from the day it is
    /// done; rules of FREQ, INTERVAL, COUNT and UNTIL only).
    pub repeat_from: Option<String>,
    /// Absent: the kind's defaults (the user's own, or the built-in ones); `[]`: none.
    pub reminders: Option<Vec<ReminderInput>>,
    /// Vault documents to link (the caller's).
    pub document_ids: Option<Vec<String>>,
}

/// Changes to an item: an absent field stays as it is, `null` clears it (where it may be
/// empty: `kind`, `title`, `category`, `status`, `due_on` and `repeat_from` cannot be
/// cleared). Changing `due_on`, `recurrence` or `repeat_from` starts the series again
/// from the (new) due date.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateItemRequest {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    pub tags: Option<Option<Vec<String>>>,
    /// open, done (the whole series) or archived.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub status: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub amount_minor: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub currency: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub payee: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub due_time: Option<Option<String>>,
    /// `null` makes the item float with the user's zone.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub time_zone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Option<String>>,
    /// `null` makes the item a one-off.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub recurrence: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub repeat_from: Option<Option<String>>,
    /// Replaces the reminders; `null` or `[]`: none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<ReminderInput>>)]
    pub reminders: Option<Option<Vec<ReminderInput>>>,
    /// Replaces the linked documents; `null` or `[]`: none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Vec<String>>)]
    pub document_ids: Option<Option<Vec<String>>>,
}

/// An item's details, every field valid and the rules between them kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub kind: ItemKind,
    pub title: String,
    pub notes: Option<String>,
    pub category: Category,
    pub tags: Vec<String>,
    pub money: Option<Money>,
    pub payee: Option<String>,
    pub due_on: Date,
    pub due_time: Option<Time>,
    pub time_zone: Option<TimeZoneName>,
    pub expires_on: Option<Date>,
    pub recurrence: Option<Recurrence>,
    pub repeat_from: RepeatFrom,
    /// None: the kind's defaults (only when creating).
    pub reminders: Option<Vec<Reminder>>,
    /// Not checked against the vault yet.
    pub document_ids: Vec<String>,
}

impl NewItemRequest {
    /// Parses every field, then checks the rules between them.
    pub fn validate(&self) -> Result<Draft, Invalid> {
        let draft = Draft {
            kind: ItemKind::parse(&self.kind)?,
            title: parse_title(&self.title)?,
            notes: self.notes.as_deref().map(parse_notes).transpose()?.flatten(),
            category: self
                .category
                .as_deref()
                .map(Category::parse)
                .transpose()?
                .unwrap_or(Category::Other),
            tags: parse_tags(self.tags.as_deref().unwrap_or_default())?,
            money: Money::parse(self.amount_minor, self.currency.as_deref())?,
            payee: self.payee.as_deref().map(parse_payee).transpose()?.flatten(),
            due_on: parse_date("due_on", &self.due_on)?,
            due_time: self.due_time.as_deref().map(|t| parse_time("due_time", t)).transpose()?,
            time_zone: self.time_zone.as_deref().map(TimeZoneName::parse).transpose()?,
            expires_on: self
                .expires_on
                .as_deref()
                .map(|d| parse_date("expires_on", d))
                .transpose()?,
            recurrence: self.recurrence.as_deref().map(Recurrence::parse).transpose()?,
            repeat_from: self
                .repeat_from
                .as_deref()
                .map(RepeatFrom::parse)
                .transpose()?
                .unwrap_or(RepeatFrom::Schedule),
            reminders: self.reminders.as_deref().map(parse_list).transpose()?,
            document_ids: parse_document_ids(self.document_ids.as_deref().unwrap_or_default())?,
        };
        draft.check()?;
        Ok(draft)
    }
}

impl UpdateItemRequest {
    /// `item`'s details with these changes, checked as a new item's are.
    pub fn apply_to(&self, item: &Item, document_ids: Vec<String>) -> Result<Draft, Invalid> {
        let text = |raw: &Option<String>, parse: fn(&str) -> Result<Option<String>, Invalid>| {
            raw.as_deref().map(parse).transpose().map(Option::flatten)
        };
        let money = match (&self.amount_minor, &self.currency) {
            (None, None) => item.money,
            // Clearing either clears the money.
            (Some(None), None) | (None, Some(None)) => None,
            (amount, currency) => {
                let amount = amount.unwrap_or(item.money.map(|m| m.amount_minor));
                let currency = match currency {
                    Some(code) => code.clone(),
                    None => item.money.map(|m| m.currency.code().to_string()),
                };
                Money::parse(amount, currency.as_deref())?
            }
        };
        let draft = Draft {
            kind: required(&self.kind, "kind", codes::INVALID_ITEM_KIND, ItemKind::parse)?.unwrap_or(item.kind),
            title: required(&self.title, "title", codes::TITLE_REQUIRED, parse_title)?
                .unwrap_or_else(|| item.title.clone()),
            notes: match &self.notes {
                Some(raw) => text(raw, parse_notes)?,
                None => item.notes.clone(),
            },
            category: required(&self.category, "category", codes::INVALID_CATEGORY, Category::parse)?
                .unwrap_or(item.category),
            tags: match &self.tags {
                Some(raw) => parse_tags(raw.as_deref().unwrap_or_default())?,
                None => item.tags.clone(),
            },
            money,
            payee: match &self.payee {
                Some(raw) => text(raw, parse_payee)?,
                None => item.payee.clone(),
            },
            due_on: required(&self.due_on, "due_on", codes::INVALID_DATE, |d| parse_date("due_on", d))?
                .unwrap_or(item.due_on),
            due_time: match &self.due_time {
                Some(raw) => raw.as_deref().map(|t| parse_time("due_time", t)).transpose()?,
                None => item.due_time,
            },
            time_zone: match &self.time_zone {
                Some(raw) => raw.as_deref().map(TimeZoneName::parse).transpose()?,
                None => item
                    .time_zone
                    .as_deref()
                    .map(TimeZoneName::parse)
                    .transpose()
                    .ok()
                    .flatten(),
            },
            expires_on: match &self.expires_on {
                Some(raw) => raw
                    .as_deref()
                    .map(|d| parse_date("expires_on", d))
                    .transpose()?,
                None => item.expires_on,
            },
            recurrence: match &self.recurrence {
                Some(raw) => raw.as_deref().map(Recurrence::parse).transpose()?,
                None => item.recurrence.clone(),
            },
            repeat_from: required(
                &self.repeat_from,
                "repeat_from",
                codes::INVALID_REPEAT_FROM,
                RepeatFrom::parse,
            )?
            .unwrap_or(item.repeat_from),
            reminders: match &self.reminders {
                Some(raw) => Some(parse_list(raw.as_deref().unwrap_or_default())?),
                None => None,
            },
            document_ids: match &self.document_ids {
                Some(raw) => parse_document_ids(raw.as_deref().unwrap_or_default())?,
                None => document_ids,
            },
        };
        draft.check()?;
        Ok(draft)
    }

    /// The status asked for, or `current`.
    pub fn status(&self, current: Status) -> Result<Status, Invalid> {
        Ok(required(&self.status, "status", codes::INVALID_STATUS, Status::parse)?.unwrap_or(current))
    }

    /// Whether the change starts the series again from its due date.
    pub fn restarts_series(&self) -> bool {
        self.due_on.is_some() || self.recurrence.is_some() || self.repeat_from.is_some()
    }
}

/// A field every item has: absent is None, `null` a 422 naming it.
fn required<T>(
    raw: &Option<Option<String>>,
    field: &'static str,
    code: codes::Code,
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Result<Option<T>, Invalid> {
    match raw {
        None => Ok(None),
        Some(None) => Err(Invalid::new(
            field,
            code,
            format!("Every item has a {field}: send a new one or leave the field out."),
        )),
        Some(Some(value)) => parse(value).map(Some),
    }
}

/// Document ids as the vault writes them (UUIDs), each once, at most [`MAX_DOCUMENTS`].
fn parse_document_ids(raw: &[String]) -> Result<Vec<String>, Invalid> {
    let refused = |detail: &str| Invalid::new("document_ids", codes::UNKNOWN_DOCUMENT, detail);
    if raw.len() > MAX_DOCUMENTS {
        return Err(refused("An item links at most 20 documents."));
    }
    let mut ids: Vec<String> = Vec::with_capacity(raw.len());
    for id in raw {
        let id = uuid::Uuid::parse_str(id.trim())
            .map_err(|_| refused("A document id is not one of your documents' ids."))?
            .hyphenated()
            .to_string();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

impl Draft {
    /// The rules between fields.
    fn check(&self) -> Result<(), Invalid> {
        if let Some(rule) = &self.recurrence {
            if self.repeat_from == RepeatFrom::Completion && !rule.is_plain() {
                return Err(Invalid::new(
                    "repeat_from",
                    codes::INVALID_REPEAT_FROM,
                    "A repeat counted from completion takes FREQ, INTERVAL, COUNT and UNTIL only: \"every 3 months from when it was done\" has no weekday or month day.",
                ));
            }
            if rule.until().is_some_and(|until| until < self.due_on) {
                return Err(Invalid::new(
                    "recurrence",
                    codes::INVALID_RECURRENCE,
                    "UNTIL is before the item is first due.",
                ));
            }
        }
        Ok(())
    }
}
