//! Items and reminders (issue 13), being built: so far the domain — item kinds and
//! categories, RFC 5545 repeats expanded by the `rrule` crate, due moments and reminder
//! offsets placed in time zones with jiff (daylight-saving gaps and folds resolved as
//! RFC 5545 says), and the reminders each kind gets by default. The storage, the routes,
//! the reminder sweep and its emails follow; this module becomes a capability (its
//! `CAPABILITY`, listed in `lib.rs`) when they land; `migrations/0007_items.sql` is
//! the schema drafted for them, applied by nothing yet.

pub mod domain;
