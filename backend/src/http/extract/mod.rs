//! Extractors whose rejections are problem responses.

mod auth;
mod json;

pub use auth::{AuthUser, Authentication, Authenticator, UserSlot};
pub use json::Json;
