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
