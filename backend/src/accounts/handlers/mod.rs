//! One file per endpoint group; each handler documents itself for OpenAPI.

pub mod login;
pub mod logout;
pub mod me;
pub mod password_change;
pub mod password_reset;
pub mod refresh;
pub mod sessions;
pub mod signup;
pub mod verify_email;

use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;

/// The client's User-Agent, bounded, for the sessions list.
fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(256).collect())
}

use crate::accounts::limits::{self, LOGIN_PER_ACCOUNT};
use crate::accounts::store::users::User;
use crate::http::ApiError;
use crate::state::AppState;

/// Re-checks the signed-in user's password before a sensitive change; failures count
/// against the same per-account limit as sign-in.
async fn confirm_password(state: &AppState, user: &User, password: String) -> Result<(), ApiError> {
    let slot = [(&LOGIN_PER_ACCOUNT, user.email.as_str())];
    limits::hit_all(state.limiter.as_ref(), &slot).await?;
    if !state
        .passwords
        .verify(password, Some(user.password_hash.clone()))
        .await?
    {
        return Err(ApiError::Forbidden {
            code: "wrong_password",
            detail: "The password is wrong.",
        });
    }
    state.limiter.forgive(slot[0].0, slot[0].1).await;
    Ok(())
}
