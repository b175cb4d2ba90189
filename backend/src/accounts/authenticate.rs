//! Who is signed in, for every capability: the accounts capability's implementation of
//! the [`Authenticator`] the `AuthUser` extractor asks.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::cache::{self, LiveSession};
use super::error::AccountsError;
use super::store::sessions;
use super::tokens::{AccessClaims, TokenKeys};
use crate::http::ApiError;
use crate::http::extract::{AuthUser, Authenticator};
use crate::platform::cache::{Cache, Confirmed, Lookup};
use crate::platform::clock::Clock;
use crate::platform::db::Db;

/// The answer for a token whose session has ended.
pub const REVOKED: AccountsError = AccountsError::SessionEnded;

/// Checks access tokens and that their session is still live.
pub struct SessionAuthenticator {
    pub db: Db,
    pub cache: Cache,
    pub clock: Clock,
    pub tokens: Arc<TokenKeys>,
}

impl Authenticator for SessionAuthenticator {
    fn authenticate<'a>(
        &'a self,
        token: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<AuthUser, ApiError>> + Send + 'a>> {
        Box::pin(async move { Ok(self.check(token).await?.user) })
    }
}

/// A request's signed-in user, and what the cache confirmed of their scope on the way.
pub struct Checked {
    pub user: AuthUser,
    pub confirmed: Option<Confirmed>,
}

impl SessionAuthenticator {
    /// The claims of a valid access token, its session not yet checked.
    pub fn claims(&self, token: &str) -> Result<AccessClaims, ApiError> {
        Ok(self.tokens.verify_access(token, self.clock.now_ms() / 1000)?)
    }

    /// Checks an access token and that its session is still live, so that logout and
    /// revocation take effect at once rather than when the token expires. A warm session
    /// is read from the cache; logout and revocation retire it there before they answer.
    pub async fn check(&self, token: &str) -> Result<Checked, ApiError> {
        let claims = self.claims(token)?;
        let now = self.clock.now_ms();
        let ticket = match cache::session(&self.cache, &claims.sid, &claims.sub).await {
            (Lookup::Hit(live), confirmed) if live.is_live(now) && live.user_id == claims.sub => {
                return Ok(Checked {
                    user: AuthUser {
                        user_id: live.user_id,
                        session_id: live.session_id,
                    },
                    confirmed,
                });
            }
            (Lookup::Miss(ticket), _) => Some(ticket),
            (Lookup::Hit(_) | Lookup::Bypass, _) => None,
        };
        let mut hot = self.db.hot().await?;
        let found = sessions::find(hot.conn(), &claims.sid, &claims.sub).await;
        let session = hot
            .finish(found)?
            .filter(|s| s.is_live(now))
            .ok_or(REVOKED)?;
        self.keep_alive(&session.id, session.last_used_at, now).await?;
        if let Some(ticket) = ticket {
            cache::keep(&self.cache, ticket, &LiveSession::of(&session)).await;
        }
        Ok(Checked {
            user: AuthUser {
                user_id: session.user_id,
                session_id: session.id,
            },
            confirmed: None,
        })
    }

    /// Records that a live session was used, at most every few minutes.
    pub async fn keep_alive(&self, session_id: &str, last_used_at: i64, now: i64) -> Result<(), ApiError> {
        if now - last_used_at > sessions::TOUCH_EVERY_MS {
            sessions::touch(self.db.pool(), session_id, now).await?;
        }
        Ok(())
    }
}
