//! Extractors whose rejections are problem responses.

mod auth;
mod body;
mod json;
mod path_id;

pub use auth::{AuthUser, Authentication, Authenticator, Bearer, UserSlot};
pub use body::{declared_length, limited};
pub use json::{Json, OptionalJson, present};
pub use path_id::PathId;
