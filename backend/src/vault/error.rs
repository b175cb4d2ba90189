//! The vault's decisions, as one error type; mapped to problem responses in one place.

use crate::codes;
use crate::http::ApiError;
use crate::invalid::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("This file does not fit in your storage quota; delete documents to make room.")]
    QuotaExceeded,
    /// No such document or upload of the caller's (another user's answers the same).
    #[error("There is nothing here, or it is not yours.")]
    NotFound,
    #[error("This upload URL is not valid; ask for a new one.")]
    InvalidSignature,
    #[error("This upload URL has expired; ask for a new one.")]
    UrlExpired,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<VaultError> for ApiError {
    fn from(error: VaultError) -> Self {
        let code = match error {
            VaultError::Invalid(invalid) => return invalid.into(),
            VaultError::Database(e) => return e.into(),
            VaultError::Internal(e) => return e.into(),
            VaultError::NotFound => return ApiError::NOT_FOUND,
            VaultError::QuotaExceeded => codes::QUOTA_EXCEEDED,
            VaultError::InvalidSignature => codes::INVALID_SIGNATURE,
            VaultError::UrlExpired => codes::URL_EXPIRED,
        };
        ApiError::explained(code, error.to_string())
    }
}
