//! Capture's decisions, as one error type; mapped to problem responses in one place.

use crate::codes;
use crate::http::ApiError;
use crate::invalid::Invalid;
use crate::items::DraftsError;

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("There is nothing here, or it is not yours.")]
    NotFound,
    #[error("{0}")]
    NotReady(String),
    #[error("{0}")]
    Unavailable(&'static str),
    #[error("{0}")]
    LimitReached(String),
    #[error("{0}")]
    PlanLimit(String),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("Proposal {} cannot be saved: {}", .index + 1, .invalid.detail)]
    Proposal { index: usize, invalid: Invalid },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DraftsError> for CaptureError {
    fn from(error: DraftsError) -> Self {
        match error {
            DraftsError::Invalid { index, invalid } => Self::Proposal { index, invalid },
            DraftsError::PlanLimit(why) => Self::PlanLimit(why),
            DraftsError::Database(e) => Self::Database(e),
            DraftsError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<CaptureError> for ApiError {
    fn from(error: CaptureError) -> Self {
        let code = match &error {
            CaptureError::Invalid(invalid) => return invalid.clone().into(),
            CaptureError::Database(_) | CaptureError::Internal(_) => {
                return match error {
                    CaptureError::Database(e) => e.into(),
                    CaptureError::Internal(e) => e.into(),
                    _ => unreachable!(),
                };
            }
            CaptureError::NotFound => return ApiError::NOT_FOUND,
            CaptureError::Proposal { invalid, .. } => {
                return ApiError::invalid("proposals", invalid.code, error.to_string());
            }
            CaptureError::NotReady(_) => codes::CAPTURE_NOT_READY,
            CaptureError::Unavailable(_) => codes::CAPTURE_UNAVAILABLE,
            CaptureError::LimitReached(_) => codes::CAPTURE_LIMIT_REACHED,
            CaptureError::PlanLimit(_) => codes::PLAN_LIMIT_REACHED,
        };
        ApiError::explained(code, error.to_string())
    }
}
