//! Extractors whose rejections are problem responses.

mod auth;
mod json;
mod path_id;

pub use auth::{AuthUser, Authentication, Authenticator, UserSlot};
pub use json::{Json, OptionalJson, present};
pub use path_id::PathId;
