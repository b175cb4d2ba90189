//! What other capabilities may know of a user, read through this service: nobody but
//! accounts queries the `users` table.

use sqlx::AnyConnection;

use super::store::users;
use crate::platform::db::Db;

/// A user as other capabilities see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub time_zone: String,
    pub email_verified: bool,
}

/// Read-only lookups of users, provided to every capability at start-up.
#[derive(Clone)]
pub struct Directory {
    db: Db,
}

impl Directory {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// The user `user_id`, or None when there is no such user (any more). A database
    /// error stays one, so callers answer 503 when the database is away.
    pub async fn find(&self, user_id: &str) -> sqlx::Result<Option<UserSummary>> {
        Ok(users::find(self.db.pool(), user_id).await?.map(summary))
    }

    /// As [`Directory::find`], through `conn`: the caller's transaction. A change that
    /// holds a connection must not wait for a second one (under load every connection of
    /// the pool would be held by a change waiting for another).
    pub async fn find_in(&self, conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<Option<UserSummary>> {
        Ok(users::find(conn, user_id).await?.map(summary))
    }
}

fn summary(user: users::User) -> UserSummary {
    UserSummary {
        email_verified: user.email_verified_at.is_some(),
        id: user.id,
        email: user.email,
        name: user.name,
        time_zone: user.time_zone,
    }
}
