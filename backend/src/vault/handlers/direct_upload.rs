//! Direct uploads, for large files and the mobile app: the client announces the file,
//! sends it straight to the store (a presigned S3 PUT; on the embedded default, the
//! API's own signed `PUT …/content`), then asks to complete. Completion reads back what
//! landed and accepts it only with the announced size, SHA-256 and an accepted type;
//! otherwise the object and the upload are dropped and the answer says which check failed.

use std::time::Duration;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{Landed, new_document, parse_id, unsupported_type};
use crate::codes::{self, Code};
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json};
use crate::platform::storage::SignedPut;
use crate::platform::time::{DAY_MS, rfc3339};
use crate::vault::admit::{admit, ensure_verified};
use crate::vault::context::Vault;
use crate::vault::domain::{DetailsInput, FileType, Filename};
use crate::vault::error::VaultError;
use crate::vault::intake::digest;
use crate::vault::store::uploads::{self, Upload};
use crate::vault::views::{DocumentEnvelope, DocumentView, UploadTicket};
use crate::vault::{keys, reservation};

/// How long the URL to send the file to is valid.
pub const UPLOAD_URL_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// How long an announced upload may wait for completion.
const UPLOAD_LIFETIME_MS: i64 = DAY_MS;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUploadRequest {
    /// The file's name on the device (metadata only).
    filename: String,
    byte_size: u64,
    /// Base64 SHA-256 of the file.
    checksum_sha256: String,
    /// One of image/jpeg, image/png, image/webp, image/heic, image/heif, application/pdf.
    content_type: String,
}

/// Announce a file to send directly to storage.
#[utoipa::path(post, path = "/documents/uploads", tag = "vault", security(("bearer" = [])),
    request_body = CreateUploadRequest,
    responses(
        (status = 201, description = "Send the file as the ticket says, then complete", body = UploadTicket),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "email_unverified (confirm the address first), or quota_exceeded: the announced size, reserved until the upload completes or expires, does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "too_many_uploads: VAULT_MAX_OPEN_UPLOADS announced and not completed", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_upload(
    State(state): State<Vault>,
    auth: AuthUser,
    Json(body): Json<CreateUploadRequest>,
) -> Result<(StatusCode, axum::Json<UploadTicket>), ApiError> {
    ensure_verified(&state, &auth.user_id).await?;
    let filename = Filename::sanitise(&body.filename)
        .ok_or_else(|| ApiError::invalid("filename", codes::INVALID_FILENAME, "Give the file's name."))?;
    let limit = state.limits.max_upload_bytes;
    if body.byte_size == 0 || body.byte_size > limit {
        return Err(ApiError::invalid(
            "byte_size",
            codes::INVALID_BYTE_SIZE,
            format!("A file has from 1 to {limit} bytes."),
        ));
    }
    let checksum = STANDARD
        .decode(body.checksum_sha256.trim())
        .ok()
        .filter(|bytes| bytes.len() == 32)
        .ok_or_else(|| {
            ApiError::invalid(
                "checksum_sha256",
                codes::INVALID_CHECKSUM,
                "Send the SHA-256 of the file in base64.",
            )
        })?;
    let content_type = FileType::ALL
        .into_iter()
        .map(FileType::mime)
        .find(|mime| mime.eq_ignore_ascii_case(body.content_type.trim()))
        .ok_or_else(|| {
            ApiError::invalid(
                "content_type",
                codes::UNSUPPORTED_TYPE,
                "Softly keeps image/jpeg, image/png, image/webp, image/heic, image/heif and application/pdf.",
            )
        })?;
    let id = uuid::Uuid::now_v7().to_string();
    let key = keys::original(&auth.user_id, &id);
    let now = state.clock.now_ms();
    let upload = Upload {
        id: id.clone(),
        user_id: auth.user_id.clone(),
        object_key: key.as_str().to_string(),
        filename: filename.as_str().to_string(),
        byte_size: body.byte_size as i64,
        checksum_sha256: STANDARD.encode(checksum),
        content_type: content_type.to_string(),
        expires_at: now + UPLOAD_LIFETIME_MS,
        created_at: now,
        reserved_bytes: body.byte_size as i64,
    };
    reservation::announce(&state, &upload).await?;

    // The store decides where the bytes go: S3 itself, or (local disk) the route below.
    let receiver = format!("{}/v1/documents/uploads/{id}/content", state.api_url);
    let presigned = state
        .store
        .presign_put(
            &key,
            content_type,
            &upload.checksum_sha256,
            body.byte_size,
            UPLOAD_URL_LIFETIME,
            &receiver,
        )
        .await?;
    let ticket = UploadTicket {
        upload_id: id,
        url: presigned.url,
        method: presigned.method,
        headers: presigned.headers.into_iter().collect(),
        expires_at: rfc3339(now + UPLOAD_URL_LIFETIME.as_millis() as i64),
    };
    Ok((StatusCode::CREATED, axum::Json(ticket)))
}

/// A file's bytes, sent as they are.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(#[allow(dead_code)] Vec<u8>);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignedUrl {
    expires: i64,
    signature: String,
}

// The local-disk store signed the URL and checks it (`ObjectStore::receive`).
/// Receive the file of a direct upload (embedded default only; with S3 the ticket
/// points at the bucket). Authorised by the URL's signature, not a bearer token.
#[utoipa::path(put, path = "/documents/uploads/{upload_id}/content", tag = "vault",
    params(("upload_id" = String, Path, description = "Upload id"), SignedUrl),
    request_body(content = FileBytes, content_type = "application/octet-stream"),
    responses(
        (status = 204, description = "Stored; now complete the upload"),
        (status = 403, description = "The URL's signature is wrong or expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such upload", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the size announced: nothing is kept", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_upload_content(
    State(state): State<Vault>,
    Path(id): Path<String>,
    signed: Result<Query<SignedUrl>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    let Query(signed) = signed.map_err(|_| VaultError::InvalidSignature)?;
    let upload = uploads::find_live(state.db.pool(), &id, None, state.clock.now_ms())
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    let key = keys::stored(&upload.object_key)?;
    let body = request
        .into_body()
        .into_data_stream()
        .map(|chunk| chunk.map_err(std::io::Error::other));
    let signed = SignedPut {
        expires_secs: signed.expires,
        signature: &signed.signature,
    };
    // Not a byte past what was announced (and reserved) is taken.
    state
        .store
        .receive(&key, signed, Box::pin(body), upload.byte_size as u64)
        .await
        .map_err(VaultError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turn a landed upload into a document.
#[utoipa::path(post, path = "/documents/uploads/{upload_id}/complete", tag = "vault", security(("bearer" = [])),
    params(("upload_id" = String, Path, description = "Upload id")), request_body = DetailsInput,
    responses(
        (status = 201, description = "Accepted; processing follows", body = DocumentEnvelope),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "quota_exceeded", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such upload of yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "upload_missing, size_mismatch, checksum_mismatch, unsupported_type, or a field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn complete_upload(
    State(state): State<Vault>,
    auth: AuthUser,
    Path(id): Path<String>,
    Json(body): Json<DetailsInput>,
) -> Result<(StatusCode, axum::Json<DocumentEnvelope>), ApiError> {
    let id = parse_id(&id)?;
    let upload = uploads::find_live(state.db.pool(), &id, Some(&auth.user_id), state.clock.now_ms())
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    let filename = Filename::sanitise(&upload.filename).expect("stored names were sanitised");
    let details = body.validate(&filename)?;
    let key = keys::stored(&upload.object_key)?;
    let store = &state.store;

    let Some(object) = store.get(&key).await? else {
        // Nothing landed yet: the client may still send it.
        return Err(ApiError::invalid(
            "upload_id",
            codes::UPLOAD_MISSING,
            "No file has arrived for this upload; send it, then complete.",
        ));
    };
    if object.size != upload.byte_size as u64 {
        return Err(discard(
            &state,
            &upload,
            codes::SIZE_MISMATCH,
            "The file that arrived is not the size announced.",
        )
        .await);
    }
    let (size, sha256, head) = digest(object.body).await.map_err(anyhow::Error::new)?;
    if size != upload.byte_size as u64 {
        return Err(discard(
            &state,
            &upload,
            codes::SIZE_MISMATCH,
            "The file that arrived is not the size announced.",
        )
        .await);
    }
    if STANDARD.encode(sha256) != upload.checksum_sha256 {
        return Err(discard(
            &state,
            &upload,
            codes::CHECKSUM_MISMATCH,
            "The file that arrived does not have the SHA-256 announced.",
        )
        .await);
    }
    let Some(file_type) = FileType::sniff(&head) else {
        let refused = unsupported_type();
        return Err(discard(&state, &upload, codes::UNSUPPORTED_TYPE, &refused.to_string()).await);
    };
    let landed = Landed {
        id: upload.id.clone(),
        object_key: upload.object_key.clone(),
        filename: &filename,
        file_type,
        byte_size: size,
        sha256,
    };
    let document = new_document(&auth.user_id, landed, details, state.clock.now_ms());
    match admit(&state, &document, Some(&upload)).await {
        Ok(()) => {}
        Err(VaultError::QuotaExceeded) => {
            // What landed can never fit: it goes, and the client is told why.
            drop_upload(&state, &upload).await?;
            return Err(VaultError::QuotaExceeded.into());
        }
        Err(refused) => return Err(refused.into()),
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(DocumentEnvelope {
            document: DocumentView::from(&document),
        }),
    ))
}

/// Drops the upload and (through a deletion job) whatever landed for it; answers the
/// 422 to send.
async fn discard(state: &Vault, upload: &Upload, code: Code, detail: &str) -> ApiError {
    match drop_upload(state, upload).await {
        Ok(()) => ApiError::invalid("upload_id", code, detail.to_string()),
        Err(e) => ApiError::Internal(e.context("while discarding a refused upload")),
    }
}

/// Deletes the upload row, gives its reservation back and enqueues the deletion of its
/// object, in one change.
async fn drop_upload(state: &Vault, upload: &Upload) -> anyhow::Result<()> {
    let mut work = state.work.begin().await?;
    reservation::give_back(&mut work, upload).await?;
    work.commit().await?;
    Ok(())
}
