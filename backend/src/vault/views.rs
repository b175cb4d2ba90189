//! What the vault API answers with.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::store::documents::Document;
use crate::platform::time::rfc3339;

/// A document as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub title: String,
    /// passport, id_card, driving_licence, insurance, bill, certificate or other.
    pub kind: String,
    #[schema(format = Date)]
    pub issued_on: Option<String>,
    #[schema(format = Date)]
    pub expires_on: Option<String>,
    pub notes: Option<String>,
    /// The name the file had on upload (metadata only).
    pub filename: String,
    /// The type read from the file's bytes.
    pub content_type: String,
    pub byte_size: i64,
    /// Base64 SHA-256 of the original.
    pub checksum_sha256: String,
    /// processing, ready or failed.
    pub status: String,
    /// Why processing failed.
    pub failure_reason: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Path of the original, relative to the API.
    pub file_url: String,
    /// Path of the thumbnail, when there is one.
    pub thumbnail_url: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&Document> for DocumentView {
    fn from(d: &Document) -> Self {
        Self {
            id: d.id.clone(),
            title: d.title.clone(),
            kind: d.kind.as_str().to_string(),
            issued_on: d.issued_on.clone(),
            expires_on: d.expires_on.clone(),
            notes: d.notes.clone(),
            filename: d.filename.clone(),
            content_type: d.content_type.clone(),
            byte_size: d.byte_size,
            checksum_sha256: d.checksum_sha256.clone(),
            status: d.status.as_str().to_string(),
            failure_reason: d.failure_reason.clone(),
            width: d.width,
            height: d.height,
            file_url: format!("/v1/documents/{}/file", d.id),
            thumbnail_url: d
                .thumbnail_key
                .as_ref()
                .map(|_| format!("/v1/documents/{}/thumbnail", d.id)),
            created_at: rfc3339(d.created_at),
            updated_at: rfc3339(d.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentEnvelope {
    pub document: DocumentView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    pub documents: Vec<DocumentView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Where and how to send a file directly.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadTicket {
    /// Complete with `POST /v1/documents/uploads/{upload_id}/complete`.
    pub upload_id: String,
    pub url: String,
    pub method: &'static str,
    /// Send exactly these headers with the file.
    pub headers: BTreeMap<String, String>,
    #[schema(format = DateTime)]
    pub expires_at: String,
}
