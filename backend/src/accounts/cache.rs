//! The accounts' hot path through the cache: a live session and the profile (`/v1/me`)
//! are read from Redis when warm, so a signed-in request needs no database query.
//!
//! Both belong to the user's cache scope. Every change that could make them wrong —
//! logout, a session revoked, password changed or reset, profile edited, email verified,
//! stored bytes changed (the vault's profile section), account deleted — names the user
//! to its unit of work (`UnitOfWork::user_changed`), which retires them on every replica
//! after the commit and before the change is answered.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::store::sessions::{IDLE_LIFETIME_MS, Session};
use crate::platform::cache::{Cache, Confirmed, Lookup, Ticket};

/// What authentication needs to know of a live session.
#[derive(Debug, Serialize, Deserialize)]
pub struct LiveSession {
    pub user_id: String,
    pub session_id: String,
    expires_at: i64,
    last_used_at: i64,
}

impl LiveSession {
    pub fn of(session: &Session) -> Self {
        Self {
            user_id: session.user_id.clone(),
            session_id: session.id.clone(),
            expires_at: session.expires_at,
            last_used_at: session.last_used_at,
        }
    }

    pub fn is_live(&self, now: i64) -> bool {
        now < self.expires_at && now < self.last_used_at + IDLE_LIFETIME_MS
    }
}

/// The live session, and, on a hit, what the lookup saw of the user's scope.
pub async fn session(cache: &Cache, session_id: &str, user_id: &str) -> (Lookup<LiveSession>, Option<Confirmed>) {
    cache
        .get_confirming(&format!("session:{session_id}"), &Cache::user_scope(user_id))
        .await
}

/// The profile's JSON as cached: none of the round trip's cost when the session's
/// lookup in this request (`confirmed`) already saw the user's scope current.
pub async fn me(cache: &Cache, user_id: &str, confirmed: Option<&Confirmed>) -> Lookup<Arc<str>> {
    cache
        .get_json(&format!("me:{user_id}"), &Cache::user_scope(user_id), confirmed)
        .await
}

/// Stores what was read under a ticket from [`session`] or [`me`].
pub async fn keep<T: Serialize>(cache: &Cache, ticket: Ticket, value: &T) {
    cache.put(ticket, value).await;
}
