//! The accounts capability's decisions, as one error type; mapped to problem responses
//! in one place.

use std::time::Duration;

use crate::codes;
use crate::http::ApiError;
use crate::invalid::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error("The access token is invalid or has expired; refresh it or sign in again.")]
    InvalidToken,
    #[error("This session has ended; sign in again.")]
    SessionEnded,
    #[error("The email or password is wrong.")]
    InvalidCredentials,
    #[error("The refresh token is invalid or its session has ended; sign in again.")]
    InvalidRefreshToken,
    #[error("This refresh token was already used; the session has been ended for safety. Sign in again.")]
    RefreshTokenReused,
    #[error("The password is wrong.")]
    WrongPassword,
    #[error("This link is invalid, used or expired; ask for a new one.")]
    InvalidLink,
    #[error("This email address is already verified.")]
    EmailAlreadyVerified,
    #[error("too many attempts")]
    RateLimited { retry_after: Duration },
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<AccountsError> for ApiError {
    fn from(error: AccountsError) -> Self {
        let code = match error {
            AccountsError::Invalid(invalid) => return invalid.into(),
            AccountsError::Database(e) => return e.into(),
            AccountsError::Internal(e) => return e.into(),
            AccountsError::RateLimited { retry_after } => return ApiError::TooManyRequests { retry_after },
            AccountsError::InvalidLink => {
                return ApiError::invalid("token", codes::INVALID_LINK, error.to_string());
            }
            AccountsError::InvalidToken => codes::INVALID_TOKEN,
            AccountsError::SessionEnded => codes::SESSION_ENDED,
            AccountsError::InvalidCredentials => codes::INVALID_CREDENTIALS,
            AccountsError::InvalidRefreshToken => codes::INVALID_REFRESH_TOKEN,
            AccountsError::RefreshTokenReused => codes::REFRESH_TOKEN_REUSED,
            AccountsError::WrongPassword => codes::WRONG_PASSWORD,
            AccountsError::EmailAlreadyVerified => codes::EMAIL_ALREADY_VERIFIED,
        };
        ApiError::explained(code, error.to_string())
    }
}
