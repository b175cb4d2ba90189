//! What the accounts capability's handlers and jobs share.

use std::sync::Arc;

use axum::extract::FromRef;
use lettre::message::Mailbox;

use super::authenticate::SessionAuthenticator;
use super::cookie::RefreshCookie;
use super::devices::DeviceTokens;
use super::passwords::PasswordHasher;
use super::tokens::TokenKeys;
use crate::capability::profile::Profile;
use crate::http::extract::Authentication;
use crate::platform::cache::Cache;
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::limits::RateLimiter;
use crate::platform::work::Work;

/// The accounts capability's context: cloned for every request it serves, so a
/// reference count around what it holds.
#[derive(Clone)]
pub struct Accounts(Arc<AccountsParts>);

impl Accounts {
    pub fn new(parts: AccountsParts) -> Self {
        Self(Arc::new(parts))
    }
}

impl std::ops::Deref for Accounts {
    type Target = AccountsParts;

    fn deref(&self) -> &AccountsParts {
        &self.0
    }
}

pub struct AccountsParts {
    pub db: Db,
    pub clock: Clock,
    pub work: Work,
    pub cache: Cache,
    pub limiter: Arc<dyn RateLimiter>,
    pub tokens: Arc<TokenKeys>,
    pub devices: Arc<DeviceTokens>,
    pub passwords: PasswordHasher,
    /// The sections other capabilities add to `GET /v1/me`.
    pub profile: Profile,
    /// The session checks behind `authentication`, for handlers that fold the check
    /// into their own query (`GET /v1/me`).
    pub sessions: Arc<SessionAuthenticator>,
    pub authentication: Authentication,
    pub mail_from: Mailbox,
    pub app_url: String,
    pub refresh_cookie: RefreshCookie,
}

impl FromRef<Accounts> for Authentication {
    fn from_ref(accounts: &Accounts) -> Self {
        accounts.authentication.clone()
    }
}
