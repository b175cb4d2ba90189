//! One file per endpoint group; each handler documents itself for OpenAPI.

pub mod direct_upload;
pub mod documents;
pub mod files;
pub mod upload;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::domain::DocumentStatus;
use super::domain::{Details, FileType, Filename};
use super::intake::{IntakeError, Received};
use super::store::documents::Document;
use crate::codes;
use crate::http::ApiError;

/// Path ids that are not UUIDs name nothing: 404, like another user's document.
fn parse_id(raw: &str) -> Result<String, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| ApiError::NOT_FOUND)
}

/// The caller's document `raw_id`, or 404 (for another user's too).
async fn owned_document(
    state: &crate::vault::context::Vault,
    auth: &crate::http::extract::AuthUser,
    raw_id: &str,
) -> Result<Document, ApiError> {
    let id = parse_id(raw_id)?;
    super::store::documents::find_owned(state.db.pool(), &auth.user_id, &id)
        .await?
        .ok_or(ApiError::NOT_FOUND)
}

impl From<IntakeError> for ApiError {
    fn from(error: IntakeError) -> Self {
        match error {
            IntakeError::TooLarge(_) => ApiError::PAYLOAD_TOO_LARGE,
            IntakeError::Io(e) => ApiError::Internal(anyhow::Error::new(e).context("while receiving a file")),
        }
    }
}

fn unsupported_type() -> ApiError {
    ApiError::new(
        codes::UNSUPPORTED_MEDIA_TYPE,
        "Softly keeps JPEG, PNG, WebP, HEIC/HEIF images and PDF documents; this file is none of them.",
    )
}

/// A file in the store, checked, that is about to become a document.
struct Landed<'a> {
    id: String,
    object_key: String,
    filename: &'a Filename,
    file_type: FileType,
    byte_size: u64,
    sha256: [u8; 32],
}

/// A new document row for a landed file, still processing.
fn new_document(user_id: &str, landed: Landed<'_>, details: Details, now: i64) -> Document {
    let Landed {
        id,
        object_key,
        filename,
        file_type,
        byte_size,
        sha256,
    } = landed;
    Document {
        id,
        user_id: user_id.to_string(),
        title: details.title,
        kind: details.kind,
        issued_on: details.issued_on.map(|d| d.to_string()),
        expires_on: details.expires_on.map(|d| d.to_string()),
        notes: details.notes,
        filename: filename.as_str().to_string(),
        content_type: file_type.mime().to_string(),
        byte_size: byte_size as i64,
        checksum_sha256: STANDARD.encode(sha256),
        status: DocumentStatus::Processing,
        failure_reason: None,
        width: None,
        height: None,
        object_key,
        thumbnail_key: None,
        created_at: now,
        updated_at: now,
    }
}

/// The sniffed type of a received file.
fn sniffed(received: &Received) -> Result<FileType, ApiError> {
    FileType::sniff(&received.head).ok_or_else(unsupported_type)
}
