//! The rules of items, free of HTTP and storage: the closed lists their fields choose
//! from, what a person writes about them, how they repeat and move through their
//! series, where their dates land in time, and when their reminders are sent.

mod choices;
mod details;
mod moment;
mod plan;
mod recurrence;
mod reminder;
mod series;

pub use choices::{Category, Delivery, ItemKind, OffsetUnit, RepeatFrom, Status};
pub use details::{MAX_TITLE_CHARS, Money, parse_notes, parse_payee, parse_tags, parse_title};
pub use moment::{before, instant, today, zone};
pub use plan::{Occasion, Planned, Preferences, fire_at};
pub use recurrence::{MAX_COUNT, MAX_INTERVAL, Recurrence};
pub use reminder::{MAX_REMINDERS, Reminder, ReminderInput, built_in_defaults, parse_list};
pub use series::{Next, Series};
