use super::cache::{self, LiveSession};
use super::store::sessions;
use crate::http::ApiError;
use crate::http::extract::AuthUser;
use crate::platform::cache::Lookup;
use crate::platform::time::now_ms;
use crate::state::AppState;

const REVOKED: ApiError = ApiError::Unauthorized {
    code: "session_ended",
    detail: "This session has ended; sign in again.",
};

/// Checks an access token and that its session is still live, so that logout and
/// revocation take effect at once rather than when the token expires. A warm session is
/// read from the cache; logout and revocation retire it there before they answer.
pub async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let claims = state.tokens.verify_access(token)?;
    let now = now_ms();
    let ticket = match cache::session(&state.cache, &claims.sid, &claims.sub).await {
        Lookup::Hit(live) if live.is_live(now) && live.user_id == claims.sub => {
            return Ok(AuthUser {
                user_id: live.user_id,
                session_id: live.session_id,
            });
        }
        Lookup::Miss(ticket) => Some(ticket),
        Lookup::Hit(_) | Lookup::Bypass => None,
    };
    let session = sessions::find(state.db.pool(), &claims.sid, &claims.sub)
        .await?
        .filter(|s| s.is_live(now))
        .ok_or(REVOKED)?;
    if now - session.last_used_at > sessions::TOUCH_EVERY_MS {
        sessions::touch(state.db.pool(), &session.id, now).await?;
    }
    if let Some(ticket) = ticket {
        cache::keep(&state.cache, ticket, &LiveSession::of(&session)).await;
    }
    Ok(AuthUser {
        user_id: session.user_id,
        session_id: session.id,
    })
}
