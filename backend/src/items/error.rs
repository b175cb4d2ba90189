//! The items capability's decisions, as one error type; mapped to problem responses in
//! one place.

use crate::codes;
use crate::http::ApiError;
use crate::invalid::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum ItemsError {
    /// No such item of the caller's (another user's answers the same).
    #[error("There is nothing here, or it is not yours.")]
    NotFound,
    #[error("This occurrence was already completed, skipped or moved: the item is now due on {0}.")]
    OccurrenceNotCurrent(String),
    #[error("This item is {0}: reopen it (status open) first.")]
    NotOpen(&'static str),
    #[error("This item does not repeat: there is no next occurrence to skip to.")]
    NotRepeating,
    /// The user's plan keeps reminders on this many open items at most.
    #[error(
        "Your plan keeps reminders on {0} open items at most: finish or remove reminders from one first, or save this one without reminders."
    )]
    TooManyWithReminders(u64),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<ItemsError> for ApiError {
    fn from(error: ItemsError) -> Self {
        let code = match error {
            ItemsError::Invalid(invalid) => return invalid.into(),
            ItemsError::Database(e) => return e.into(),
            ItemsError::Internal(e) => return e.into(),
            ItemsError::NotFound => return ApiError::NOT_FOUND,
            ItemsError::OccurrenceNotCurrent(_) => codes::OCCURRENCE_NOT_CURRENT,
            ItemsError::NotOpen(_) => codes::ITEM_NOT_OPEN,
            ItemsError::NotRepeating => codes::NOT_REPEATING,
            ItemsError::TooManyWithReminders(_) => codes::PLAN_LIMIT_REACHED,
        };
        ApiError::explained(code, error.to_string())
    }
}
