//! The events the vault publishes, for capabilities that act on documents (reminders
//! before a document expires).

use serde::{Deserialize, Serialize};

use crate::platform::events::Event;

/// A document was added or its details were edited: its kind, title or expiry date may
/// be new.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentDetailsChanged {
    pub document_id: String,
    pub user_id: String,
    /// The stored kind, e.g. `passport`.
    pub kind: String,
    pub title: String,
    /// `YYYY-MM-DD`, or None when the document does not expire.
    pub expires_on: Option<String>,
    /// When the change was made (ms): deliveries may arrive out of order, and a
    /// subscriber keeps the latest. 0 in deliveries queued before it was added.
    #[serde(default)]
    pub changed_at: i64,
}

impl Event for DocumentDetailsChanged {
    const NAME: &'static str = "vault.document_details_changed";
}

/// A document's file was stored and checked (its processing finished well): it can be
/// read now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentStored {
    pub document_id: String,
    pub user_id: String,
    /// The sniffed media type, e.g. `image/jpeg`.
    pub content_type: String,
    /// When the document was uploaded (ms).
    pub created_at: i64,
}

impl Event for DocumentStored {
    const NAME: &'static str = "vault.document_stored";
}

/// A document was deleted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentDeleted {
    pub document_id: String,
    pub user_id: String,
}

impl Event for DocumentDeleted {
    const NAME: &'static str = "vault.document_deleted";
}

impl DocumentDetailsChanged {
    pub(super) fn of(document: &super::store::documents::Document) -> Self {
        Self {
            document_id: document.id.clone(),
            user_id: document.user_id.clone(),
            kind: document.kind.as_str().to_string(),
            title: document.title.clone(),
            expires_on: document.expires_on.clone(),
            changed_at: document.updated_at,
        }
    }
}
