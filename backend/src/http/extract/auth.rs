//! Who is signed in: the `AuthUser` extractor, for any capability whose context can
//! give it an [`Authentication`] (the accounts capability provides the one there is).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::codes;
use crate::http::ApiError;

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

    fn fill(&self, user_id: &str) {
        let _ = self.0.set(user_id.to_owned());
    }
}

/// Checks bearer tokens: a valid access token of a live session, or a 401.
pub trait Authenticator: Send + Sync + 'static {
    fn authenticate<'a>(
        &'a self,
        token: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<AuthUser, ApiError>> + Send + 'a>>;
}

/// The authenticator a capability's context carries, for [`AuthUser`].
#[derive(Clone)]
pub struct Authentication(pub Arc<dyn Authenticator>);

const MISSING: ApiError = ApiError::new(
    codes::MISSING_TOKEN,
    "Sign in: send an access token as Authorization: Bearer <token>.",
);

/// The bearer token of a request, its session not yet checked: for a handler that
/// checks the session in its own query (one round trip instead of two). It must call
/// [`Bearer::signed_in`] once it knows who that is, for the request's log line.
pub struct Bearer {
    pub token: String,
    slot: Option<UserSlot>,
}

impl Bearer {
    pub fn signed_in(&self, user_id: &str) {
        if let Some(slot) = &self.slot {
            slot.fill(user_id);
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self {
            token: bearer_token(parts)?.to_owned(),
            slot: parts.extensions.get::<UserSlot>().cloned(),
        })
    }
}

fn bearer_token(parts: &Parts) -> Result<&str, ApiError> {
    let header = parts.headers.get(AUTHORIZATION).ok_or(MISSING)?;
    header
        .to_str()
        .ok()
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or(MISSING)
}

impl<S> FromRequestParts<S> for AuthUser
where
    S: Send + Sync,
    Authentication: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts)?;
        let Authentication(authenticator) = Authentication::from_ref(state);
        let user = authenticator.authenticate(token).await?;
        if let Some(slot) = parts.extensions.get::<UserSlot>() {
            slot.fill(&user.user_id);
        }
        Ok(user)
    }
}
