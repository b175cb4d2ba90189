//! The one error every domain value's `parse` returns.

use crate::codes::Code;

/// Why a value was refused; becomes a 422 naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct Invalid {
    pub field: &'static str,
    pub code: Code,
    pub detail: String,
}

impl Invalid {
    pub fn new(field: &'static str, code: Code, detail: impl Into<String>) -> Self {
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
