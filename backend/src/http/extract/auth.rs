use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::accounts;
use crate::http::ApiError;
use crate::state::AppState;

/// The signed-in user of a request: a valid access token of a live session.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: String,
    pub session_id: String,
}

/// Where the auth extractor leaves the user id for the request log line.
#[derive(Debug, Clone, Default)]
pub struct UserSlot(Arc<OnceLock<String>>);

impl UserSlot {
    pub fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

const MISSING: ApiError = ApiError::Unauthorized {
    code: "missing_token",
    detail: "Sign in: send an access token as Authorization: Bearer <token>.",
};

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(AUTHORIZATION).ok_or(MISSING)?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or(MISSING)?;
        let user = accounts::authenticate(state, token).await?;
        if let Some(slot) = parts.extensions.get::<UserSlot>() {
            let _ = slot.0.set(user.user_id.clone());
        }
        Ok(user)
    }
}
