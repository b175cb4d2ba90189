//! The vault's decisions, as one error type; mapped to problem responses in one place.

use crate::codes;
use crate::http::ApiError;
use crate::invalid::Invalid;
use crate::platform::storage::ReceiveError;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("This file does not fit in your storage quota; delete documents to make room.")]
    QuotaExceeded,
    #[error("Confirm your email address first: follow the link in the email Softly sent you.")]
    EmailUnverified,
    #[error("You have {0} uploads announced and not completed; complete them, or wait for them to expire.")]
    TooManyUploads(u64),
    /// No such document or upload of the caller's (another user's answers the same).
    #[error("There is nothing here, or it is not yours.")]
    NotFound,
    #[error("This upload URL is not valid; ask for a new one.")]
    InvalidSignature,
    #[error("This upload URL has expired; ask for a new one.")]
    UrlExpired,
    #[error("the request body is too large")]
    TooLarge,
    #[error("The upload was interrupted: {0}.")]
    BodyInterrupted(std::io::Error),
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
            VaultError::TooLarge => return ApiError::PAYLOAD_TOO_LARGE,
            VaultError::BodyInterrupted(_) => codes::BODY_INTERRUPTED,
            VaultError::QuotaExceeded => codes::QUOTA_EXCEEDED,
            VaultError::EmailUnverified => codes::EMAIL_UNVERIFIED,
            VaultError::TooManyUploads(_) => codes::TOO_MANY_UPLOADS,
            VaultError::InvalidSignature => codes::INVALID_SIGNATURE,
            VaultError::UrlExpired => codes::URL_EXPIRED,
        };
        ApiError::explained(code, error.to_string())
    }
}

impl From<ReceiveError> for VaultError {
    fn from(error: ReceiveError) -> Self {
        match error {
            // Only the local-disk store receives through the API.
            ReceiveError::NotHere => Self::NotFound,
            ReceiveError::InvalidSignature => Self::InvalidSignature,
            ReceiveError::Expired => Self::UrlExpired,
            ReceiveError::TooLarge => Self::TooLarge,
            ReceiveError::Interrupted(e) => Self::BodyInterrupted(e),
            ReceiveError::Failed(e) => Self::Internal(e),
        }
    }
}
