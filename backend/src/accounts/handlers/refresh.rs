use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::accounts::context::Accounts;
use crate::accounts::error::AccountsError;
use crate::accounts::session_tokens;
use crate::accounts::store::{refresh, sessions, users};
use crate::accounts::views::TokenPair;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::platform::time::SECOND_MS;

/// A spent refresh token presented again this soon gets the session's current pair:
/// concurrent refreshes from one app are not an attack.
pub const GRACE_MS: i64 = 10 * SECOND_MS;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

const INVALID: AccountsError = AccountsError::InvalidRefreshToken;

const REUSED: AccountsError = AccountsError::RefreshTokenReused;

/// Spend a refresh token for a new token pair.
///
/// Presenting an already spent token within 10 seconds of its use returns the current
/// pair; later, it ends the whole session (the token may have been stolen).
#[utoipa::path(post, path = "/auth/refresh", tag = "accounts", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        (status = 401, description = "Invalid, expired or replayed token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    State(state): State<Accounts>,
    Json(body): Json<RefreshRequest>,
) -> Result<axum::Json<TokenPair>, ApiError> {
    let token = body.refresh_token.trim();
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    // Writing first serialises concurrent refreshes of one token on both engines.
    let spent_now = refresh::spend(work.conn(), token, now).await?;
    let presented = refresh::find(work.conn(), token).await?.ok_or(INVALID)?;
    let session = presented.session;
    if !session.is_live(now) {
        return Err(INVALID.into());
    }
    let user = users::find(work.conn(), &session.user_id).await?.ok_or(INVALID)?;

    if spent_now && presented.generation == session.generation {
        let next = session.generation + 1;
        let next_token = state.tokens.refresh_token(&session.id, next);
        refresh::insert(work.conn(), &session.id, next, &next_token, now).await?;
        refresh::advance(work.conn(), &session.id, next, now).await?;
        work.commit().await?;
        return Ok(axum::Json(session_tokens::pair(
            &state,
            &user,
            &session.id,
            next_token,
            now,
        )?));
    }

    let within_grace = presented.generation == session.generation - 1
        && presented.spent_at.is_some_and(|spent| now - spent <= GRACE_MS);
    if within_grace {
        work.commit().await?;
        let current = state.tokens.refresh_token(&session.id, session.generation);
        // After a key rotation the derived token no longer matches what was stored.
        let stored = refresh::find(state.db.pool(), &current).await?;
        if !stored.is_some_and(|s| s.generation == session.generation && s.spent_at.is_none()) {
            return Err(INVALID.into());
        }
        return Ok(axum::Json(session_tokens::pair(
            &state,
            &user,
            &session.id,
            current,
            now,
        )?));
    }

    sessions::revoke(work.conn(), &session.id, &session.user_id, now).await?;
    work.user_changed(&session.user_id);
    work.commit().await?;
    tracing::warn!(session_id = %session.id, user_id = %session.user_id, "a spent refresh token was replayed; session revoked");
    Err(REUSED.into())
}
