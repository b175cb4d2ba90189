//! The items capability's public service for other capabilities that make items: capture
//! creates the proposals a person accepted, in its own unit of work, through here.

use super::changes::check_documents;
use super::changes::create::{Source, create_in};
use super::context::Items;
use super::draft::NewItemRequest;
use super::error::ItemsError;
use crate::invalid::Invalid;
use crate::platform::work::UnitOfWork;

/// Creates items as the API would, inside a caller's unit of work.
#[derive(Clone)]
pub struct ItemDrafts {
    items: Items,
}

/// Why no item was created.
#[derive(Debug, thiserror::Error)]
pub enum DraftsError {
    /// The request at `index` breaks a rule.
    #[error("item {index}: {invalid}")]
    Invalid { index: usize, invalid: Invalid },
    /// The user's plan allows no more items with reminders.
    #[error("{0}")]
    PlanLimit(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ItemDrafts {
    pub(super) fn new(items: Items) -> Self {
        Self { items }
    }

    /// Checks every request without writing anything: the first invalid one, by index.
    pub fn check(requests: &[NewItemRequest]) -> Result<(), DraftsError> {
        for (index, request) in requests.iter().enumerate() {
            request.validate().map_err(|invalid| DraftsError::Invalid { index, invalid })?;
        }
        Ok(())
    }

    /// Creates an item of `user_id` for each request, with its reminders planned, in
    /// `work`: all of them or (when one is invalid) none. Answers the new items' ids.
    pub async fn create_all(
        &self,
        work: &mut UnitOfWork,
        user_id: &str,
        requests: &[NewItemRequest],
    ) -> Result<Vec<String>, DraftsError> {
        let mut ids = Vec::with_capacity(requests.len());
        for (index, request) in requests.iter().enumerate() {
            let invalid = |invalid| DraftsError::Invalid { index, invalid };
            let draft = request.validate().map_err(invalid)?;
            let checked = check_documents(&self.items, work, user_id, &draft.document_ids).await;
            let item = match checked {
                Ok(()) => create_in(&self.items, work, user_id, draft, Source::default()).await,
                Err(e) => Err(e),
            }
            .map_err(|e| match e {
                ItemsError::Invalid(i) => invalid(i),
                ItemsError::Database(e) => DraftsError::Database(e),
                limit @ ItemsError::TooManyWithReminders(_) => DraftsError::PlanLimit(limit.to_string()),
                other => DraftsError::Internal(anyhow::Error::new(other)),
            })?;
            ids.push(item.id);
        }
        Ok(ids)
    }
}
