//! The accounts capability's queries, in the SQL both engines share.

pub mod email_tokens;
pub mod profile;
pub mod refresh;
pub mod sessions;
pub mod users;
