//! The events the accounts capability publishes.

use serde::{Deserialize, Serialize};

use crate::platform::events::Event;

/// An account and its rows are gone; every capability forgets what the user kept.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserDeleted {
    pub user_id: String,
}

impl Event for UserDeleted {
    const NAME: &'static str = "accounts.user_deleted";
}

/// A user chose another time zone: what follows their zone (reminders of items that
/// float with the user) is planned again. Carries the new zone; a subscriber that may
/// see deliveries out of order reads the current one instead.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimeZoneChanged {
    pub user_id: String,
    /// IANA name, e.g. `Asia/Tokyo`.
    pub time_zone: String,
}

impl Event for TimeZoneChanged {
    const NAME: &'static str = "accounts.time_zone_changed";
}
