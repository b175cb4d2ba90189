//! One file per endpoint group; each handler documents itself for OpenAPI.

mod credentials;
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
