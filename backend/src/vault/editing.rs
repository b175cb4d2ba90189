//! Changing a document's details: the API's `PATCH /v1/documents/{id}` and, through the
//! public [`DocumentEditor`], other capabilities (capture applies reviewed suggestions).
//! One merge, one validation, and the details-changed event in the caller's change.

use serde::Deserialize;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::domain::{Details, DocumentKind, parse_notes, parse_title};
use super::events::DocumentDetailsChanged;
use super::store::documents::{self, Document};
use crate::civil::parse_date;
use crate::codes;
use crate::http::extract::present;
use crate::invalid::Invalid;
use crate::platform::work::UnitOfWork;

/// Changes to a document's details: an absent field stays as it is, `Some(None)` clears
/// it (`title` and `kind` cannot be cleared).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailsChange {
    pub title: Option<Option<String>>,
    pub kind: Option<Option<String>>,
    pub issued_on: Option<Option<String>>,
    pub expires_on: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

/// Changes to a document's details, as clients send them (`PATCH /v1/documents/{id}`,
/// and reviewed suggestions): absent leaves a field alone; `null` clears it (where it may
/// be empty).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDocumentRequest {
    /// Cannot be cleared: `null` is refused.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// Cannot be cleared: `null` is refused.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

impl From<UpdateDocumentRequest> for DetailsChange {
    fn from(request: UpdateDocumentRequest) -> Self {
        Self {
            title: request.title,
            kind: request.kind,
            issued_on: request.issued_on,
            expires_on: request.expires_on,
            notes: request.notes,
        }
    }
}

/// `document` with `change` applied, every field checked and the dates in order.
pub(super) fn merge(document: &Document, change: &DetailsChange) -> Result<Document, Invalid> {
    let current_date = |raw: &Option<String>, field| raw.as_deref().map(|d| parse_date(field, d)).transpose();
    let cannot_clear = |field: &'static str, code| {
        Invalid::new(field, code, format!("Every document has a {field}: send a new one or leave the field out."))
    };
    let merged = Details {
        title: match &change.title {
            Some(Some(raw)) => parse_title(raw)?,
            Some(None) => return Err(cannot_clear("title", codes::TITLE_REQUIRED)),
            None => document.title.clone(),
        },
        kind: match &change.kind {
            Some(Some(raw)) => DocumentKind::parse(raw)?,
            Some(None) => return Err(cannot_clear("kind", codes::INVALID_KIND)),
            None => document.kind,
        },
        issued_on: match &change.issued_on {
            Some(raw) => current_date(raw, "issued_on")?,
            None => current_date(&document.issued_on, "issued_on")?,
        },
        expires_on: match &change.expires_on {
            Some(raw) => current_date(raw, "expires_on")?,
            None => current_date(&document.expires_on, "expires_on")?,
        },
        notes: match &change.notes {
            Some(Some(raw)) => parse_notes(raw)?,
            Some(None) => None,
            None => document.notes.clone(),
        },
    };
    merged.check_dates()?;
    Ok(Document {
        title: merged.title,
        kind: merged.kind,
        issued_on: merged.issued_on.map(|d| d.to_string()),
        expires_on: merged.expires_on.map(|d| d.to_string()),
        notes: merged.notes,
        ..document.clone()
    })
}

/// Writes the merged details and publishes the change, in `work`.
pub(super) async fn save(work: &mut UnitOfWork, mut document: Document) -> anyhow::Result<Document> {
    document.updated_at = work.now_ms();
    documents::update_details(work.conn(), &document).await?;
    work.publish(&DocumentDetailsChanged::of(&document)).await?;
    Ok(document)
}

/// Why the editor changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("no such document of the user's")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Changes a user's document's details on behalf of another capability, in its unit of
/// work; the vault's details-changed event follows as for any edit.
#[derive(Clone, Default)]
pub struct DocumentEditor;

impl DocumentEditor {
    pub async fn apply(
        &self,
        work: &mut UnitOfWork,
        user_id: &str,
        document_id: &str,
        change: &DetailsChange,
    ) -> Result<(), EditError> {
        let conn: &mut AnyConnection = work.conn();
        let document = documents::find_owned(conn, user_id, document_id)
            .await
            .map_err(anyhow::Error::from)?
            .ok_or(EditError::NotFound)?;
        let merged = merge(&document, change)?;
        save(work, merged).await?;
        Ok(())
    }
}
