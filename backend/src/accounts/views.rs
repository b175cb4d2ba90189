//! What the accounts API answers with.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::store::{sessions::Session, users::User};
use crate::platform::time::rfc3339;

/// A user as the API shows it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    /// IANA time zone used for reminders.
    pub time_zone: String,
    pub email_verified: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.clone(),
            email: user.email.clone(),
            name: user.name.clone(),
            time_zone: user.time_zone.clone(),
            email_verified: user.email_verified_at.is_some(),
            created_at: rfc3339(user.created_at),
        }
    }
}

// The fields of the sections other capabilities add (the vault: what the user keeps)
// join this schema when the capabilities are wired (`capability::profile`).
/// The signed-in user, with what they keep in the vault.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    pub user: UserView,
    #[serde(flatten)]
    #[schema(ignore)]
    pub sections: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserEnvelope {
    pub user: UserView,
}

/// The tokens of a session.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// JWT for `Authorization: Bearer`, valid `expires_in` seconds.
    pub access_token: String,
    /// Opaque; spend it at `/v1/auth/refresh` for a new pair. Absent when it was set in
    /// the `softly_refresh` cookie instead (`refresh_cookie: true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub token_type: &'static str,
    pub expires_in: i64,
    /// Keep it and send it with the next sign-in from this device: a device that signed
    /// in before is not locked out by failed attempts from elsewhere. Valid a year.
    pub device_token: String,
    pub user: UserView,
}

/// A signed-in device.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub last_used_at: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// Whether this is the session making the request.
    pub current: bool,
}

impl SessionView {
    pub fn new(session: &Session, current_id: &str) -> Self {
        Self {
            id: session.id.clone(),
            created_at: rfc3339(session.created_at),
            last_used_at: rfc3339(session.last_used_at),
            user_agent: session.user_agent.clone(),
            ip: session.ip.clone(),
            current: session.id == current_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
}
