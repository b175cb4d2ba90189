//! Starting a session and minting the token pair a client holds for it.

use sqlx::AnyConnection;

use super::store::sessions::{self, Session};
use super::store::{refresh, users::User};
use super::tokens::ACCESS_TOKEN_SECONDS;
use super::views::{TokenPair, UserView};
use crate::accounts::context::Accounts;
use crate::http::ApiError;

/// Inserts a new session for `user` (generation 1) with its first refresh token.
pub async fn start(
    conn: &mut AnyConnection,
    state: &Accounts,
    user: &User,
    user_agent: Option<String>,
    ip: String,
    now: i64,
) -> Result<TokenPair, ApiError> {
    let session = Session {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user.id.clone(),
        generation: 1,
        created_at: now,
        last_used_at: now,
        expires_at: now + sessions::ABSOLUTE_LIFETIME_MS,
        user_agent,
        ip: Some(ip),
        revoked_at: None,
    };
    sessions::insert(&mut *conn, &session).await?;
    let refresh_token = state.tokens.refresh_token(&session.id, session.generation);
    refresh::insert(&mut *conn, &session.id, session.generation, &refresh_token, now).await?;
    pair(state, user, &session.id, refresh_token, now)
}

/// The pair for `session_id` with the given refresh token and a fresh access token.
pub fn pair(
    state: &Accounts,
    user: &User,
    session_id: &str,
    refresh_token: String,
    now: i64,
) -> Result<TokenPair, ApiError> {
    let access_token = state.tokens.issue_access(&user.id, session_id, now / 1000)?;
    Ok(TokenPair {
        access_token,
        refresh_token: Some(refresh_token),
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_SECONDS,
        device_token: state.devices.issue(&user.id, now / 1000),
        user: UserView::from(user),
    })
}
