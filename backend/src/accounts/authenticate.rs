use super::store::sessions;
use crate::http::ApiError;
use crate::http::extract::AuthUser;
use crate::platform::time::now_ms;
use crate::state::AppState;

const REVOKED: ApiError = ApiError::Unauthorized {
    code: "session_ended",
    detail: "This session has ended; sign in again.",
};

/// Checks an access token and that its session is still live, so that logout and
/// revocation take effect at once rather than when the token expires.
pub async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let claims = state.tokens.verify_access(token)?;
    let now = now_ms();
    let session = sessions::find(state.db.pool(), &claims.sid, &claims.sub)
        .await?
        .filter(|s| s.is_live(now))
        .ok_or(REVOKED)?;
    if now - session.last_used_at > sessions::TOUCH_EVERY_MS {
        sessions::touch(state.db.pool(), &session.id, now).await?;
    }
    Ok(AuthUser {
        user_id: session.user_id,
        session_id: session.id,
    })
}
