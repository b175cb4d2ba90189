//! Account values that cannot hold a bad value: each is built by `parse`.

mod display_name;
mod email_address;
mod password;

pub use display_name::DisplayName;
pub use email_address::EmailAddress;
pub use password::Password;
pub use crate::civil::TimeZoneName;

pub use crate::invalid::Invalid;
