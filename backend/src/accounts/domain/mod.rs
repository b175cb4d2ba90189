//! Account values that cannot hold a bad value: each is built by `parse`.

mod display_name;
mod email_address;
mod password;
mod time_zone;

pub use display_name::DisplayName;
pub use email_address::EmailAddress;
pub use password::Password;
pub use time_zone::TimeZoneName;

/// Why a value was refused; becomes a 422 naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct Invalid {
    pub field: &'static str,
    pub code: &'static str,
    pub detail: String,
}

impl Invalid {
    fn new(field: &'static str, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            field,
            code,
            detail: detail.into(),
        }
    }
}

impl From<Invalid> for crate::http::ApiError {
    fn from(invalid: Invalid) -> Self {
        Self::invalid(invalid.field, invalid.code, invalid.detail)
    }
}
