//! The rules of items, free of HTTP and storage: the closed lists their fields choose
//! from, how they repeat, where their dates land in time, and their reminders.

mod choices;
mod moment;
mod recurrence;
mod reminder;

pub use choices::{Category, Delivery, ItemKind, OffsetUnit, RepeatFrom, Status};
pub use moment::{before, instant, today, zone};
pub use recurrence::{MAX_COUNT, MAX_INTERVAL, Recurrence};
pub use reminder::{MAX_REMINDERS, Reminder, ReminderInput, built_in_defaults, parse_list};
