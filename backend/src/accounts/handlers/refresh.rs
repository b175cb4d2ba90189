use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{deliver, without_cookie};
use crate::accounts::context::Accounts;
use crate::accounts::cookie;
use crate::accounts::error::AccountsError;
use crate::accounts::session_tokens;
use crate::accounts::store::{refresh, sessions, users};
use crate::accounts::views::TokenPair;
use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::OptionalJson;
use crate::platform::time::SECOND_MS;

/// A spent refresh token presented again this soon gets the session's current pair:
/// concurrent refreshes from one app are not an attack.
pub const GRACE_MS: i64 = 10 * SECOND_MS;

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The token to spend. Without it (or without a body), the `softly_refresh` cookie is
    /// read instead, and the new token goes back in the cookie.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// With a token in the body: answer the new one in the cookie instead.
    #[serde(default)]
    pub refresh_cookie: bool,
}

const INVALID: AccountsError = AccountsError::InvalidRefreshToken;

const REUSED: AccountsError = AccountsError::RefreshTokenReused;

/// Spend a refresh token for a new token pair.
///
/// Presenting an already spent token within 10 seconds of its use returns the current
/// pair; later, it ends the whole session (the token may have been stolen).
///
/// The web app sends no token: its refresh token is in the `softly_refresh` cookie, and
/// the call must then come from the app (`Origin` = `APP_URL` and an `X-Softly-CSRF`
/// header, else 403 `csrf_refused`). The new token replaces the cookie; a refused one
/// removes it.
#[utoipa::path(post, path = "/auth/refresh", tag = "accounts", request_body(content = Option<RefreshRequest>),
    responses(
        (status = 200, description = "A new pair (the refresh token in the body, or in `Set-Cookie` in cookie mode)", body = TokenPair),
        (status = 401, description = "Invalid, expired or replayed token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Cookie mode, not from the web app", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    State(state): State<Accounts>,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<RefreshRequest>,
) -> Response {
    let in_body = body.refresh_token.filter(|token| !token.trim().is_empty());
    let (token, in_cookie) = match in_body {
        Some(token) => (token, body.refresh_cookie),
        None if !cookie::from_the_app(&headers, &state.app_url) => {
            return ApiError::explained(codes::CSRF_REFUSED, CSRF_REFUSED).into_response();
        }
        None => match cookie::read(&headers) {
            Some(token) => (token, true),
            None => return without_cookie(INVALID.into(), state.refresh_cookie),
        },
    };
    let cookie = in_cookie.then_some(state.refresh_cookie);
    match (rotate(&state, token.trim()).await, cookie) {
        (Ok(pair), cookie) => deliver(pair, cookie),
        (Err(error), Some(cookie)) => without_cookie(error, cookie),
        (Err(error), None) => error.into_response(),
    }
}

const CSRF_REFUSED: &str = "Refreshing by cookie needs the web app's Origin and the X-Softly-CSRF header.";

/// Spends `token`: the session's next pair, its current one within the grace period, or
/// the end of the session when a spent token comes back later.
async fn rotate(state: &Accounts, token: &str) -> Result<TokenPair, ApiError> {
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
        return session_tokens::pair(state, &user, &session.id, next_token, now);
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
        return session_tokens::pair(state, &user, &session.id, current, now);
    }

    sessions::revoke(work.conn(), &session.id, &session.user_id, now).await?;
    work.user_changed(&session.user_id);
    work.commit().await?;
    tracing::warn!(session_id = %session.id, user_id = %session.user_id, "a spent refresh token was replayed; session revoked");
    Err(REUSED.into())
}
