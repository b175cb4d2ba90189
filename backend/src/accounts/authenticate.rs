//! Who is signed in, for every capability: the accounts capability's implementation of
//! the [`Authenticator`] the `AuthUser` extractor asks.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::cache::{self, LiveSession};
use super::error::AccountsError;
use super::store::sessions;
use super::tokens::TokenKeys;
use crate::http::ApiError;
use crate::http::extract::{AuthUser, Authenticator};
use crate::platform::cache::{Cache, Lookup};
use crate::platform::clock::Clock;
use crate::platform::db::Db;

const REVOKED: AccountsError = AccountsError::SessionEnded;

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
        Box::pin(self.check(token))
    }
}

impl SessionAuthenticator {
    /// Checks an access token and that its session is still live, so that logout and
    /// revocation take effect at once rather than when the token expires. A warm session
    /// is read from the cache; logout and revocation retire it there before they answer.
    async fn check(&self, token: &str) -> Result<AuthUser, ApiError> {
        let now = self.clock.now_ms();
        let claims = self.tokens.verify_access(token, now / 1000)?;
        let ticket = match cache::session(&self.cache, &claims.sid, &claims.sub).await {
            Lookup::Hit(live) if live.is_live(now) && live.user_id == claims.sub => {
                return Ok(AuthUser {
                    user_id: live.user_id,
                    session_id: live.session_id,
                });
            }
            Lookup::Miss(ticket) => Some(ticket),
            Lookup::Hit(_) | Lookup::Bypass => None,
        };
        let session = sessions::find(self.db.pool(), &claims.sid, &claims.sub)
            .await?
            .filter(|s| s.is_live(now))
            .ok_or(REVOKED)?;
        if now - session.last_used_at > sessions::TOUCH_EVERY_MS {
            sessions::touch(self.db.pool(), &session.id, now).await?;
        }
        if let Some(ticket) = ticket {
            cache::keep(&self.cache, ticket, &LiveSession::of(&session)).await;
        }
        Ok(AuthUser {
            user_id: session.user_id,
            session_id: session.id,
        })
    }
}
