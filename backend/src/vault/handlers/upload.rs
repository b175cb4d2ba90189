//! `POST /v1/documents`: a file in a multipart form, streamed to a temporary file (hashed
//! and counted on the way, cut off past the limit), then to the store.

use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use utoipa::ToSchema;

use super::{Landed, new_document, sniffed};
use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, declared_length, limited};
use crate::vault::admit::{admit, ensure_room, ensure_verified};
use crate::vault::context::Vault;
use crate::vault::domain::{DetailsInput, Filename};
use crate::vault::intake::{Intake, Received};
use crate::vault::keys;
use crate::vault::views::{DocumentEnvelope, DocumentView};

/// Room for the form's other fields and part headers beyond the file itself.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;
/// The longest text field (notes: 2000 characters of up to 4 bytes).
const MAX_TEXT_FIELD: usize = 8 * 1024;

/// The form, for the OpenAPI document.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct UploadForm {
    /// The file: JPEG, PNG, WebP, HEIC/HEIF or PDF, decided by its bytes.
    #[schema(format = Binary, content_media_type = "application/octet-stream")]
    file: String,
    title: Option<String>,
    kind: Option<String>,
    issued_on: Option<String>,
    expires_on: Option<String>,
    notes: Option<String>,
}

/// Upload a document.
#[utoipa::path(post, path = "/documents", tag = "vault", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored; processing follows", body = DocumentEnvelope),
        (status = 400, description = "Not a well-formed multipart body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "email_unverified (confirm the address first), or quota_exceeded", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than VAULT_MAX_UPLOAD_BYTES", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart, or the file is not an accepted type", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload_document(
    State(state): State<Vault>,
    auth: AuthUser,
    request: Request,
) -> Result<(StatusCode, axum::Json<DocumentEnvelope>), ApiError> {
    let limit = state.limits.max_upload_bytes;
    let body_limit = limit + MULTIPART_OVERHEAD;
    let declared = declared_length(request.headers());
    if declared.is_some_and(|length| length > body_limit) {
        return Err(ApiError::PAYLOAD_TOO_LARGE);
    }
    ensure_verified(&state, &auth.user_id).await?;
    ensure_room(
        &state,
        &auth.user_id,
        declared.unwrap_or(0).saturating_sub(MULTIPART_OVERHEAD),
    )
    .await?;

    // The route has no default body limit; this one stops reading at the first byte past it.
    let mut multipart = Multipart::from_request(limited(request, body_limit), &state)
        .await
        .map_err(rejected)?;

    let mut input = DetailsInput::default();
    let mut file: Option<(Option<String>, Received)> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            if file.is_some() {
                return Err(ApiError::invalid(
                    "file",
                    codes::ONE_FILE_ONLY,
                    "Send one file per upload.",
                ));
            }
            let filename = field.file_name().map(str::to_string);
            let mut intake = Intake::create(&state.scratch, limit)
                .await
                .map_err(|e| ApiError::Internal(e.into()))?;
            while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                intake.write(&chunk).await?;
            }
            file = Some((
                filename,
                intake.finish().await.map_err(|e| ApiError::Internal(e.into()))?,
            ));
            continue;
        }
        let slot = match name.as_str() {
            "title" => &mut input.title,
            "kind" => &mut input.kind,
            "issued_on" => &mut input.issued_on,
            "expires_on" => &mut input.expires_on,
            "notes" => &mut input.notes,
            _ => {
                return Err(ApiError::explained(
                    codes::UNKNOWN_FIELD,
                    format!(
                        "The form has no field {name:?}; send file, title, kind, issued_on, expires_on, notes."
                    ),
                ));
            }
        };
        *slot = Some(text(&mut field).await?);
    }
    let Some((filename, received)) = file else {
        return Err(ApiError::invalid(
            "file",
            codes::FILE_REQUIRED,
            "Attach the file as the form field `file`.",
        ));
    };
    let file_type = sniffed(&received)?;
    let filename = filename
        .as_deref()
        .and_then(Filename::sanitise)
        .unwrap_or_else(|| {
            Filename::sanitise(&format!("document.{}", file_type.extension())).expect("a plain name")
        });
    let details = input.validate(&filename)?;

    let id = uuid::Uuid::now_v7().to_string();
    let key = keys::original(&auth.user_id, &id);
    state
        .store
        .put_temp_file(&key, received.file.path(), file_type.mime())
        .await?;
    let landed = Landed {
        id,
        object_key: key.as_str().to_string(),
        filename: &filename,
        file_type,
        byte_size: received.byte_size,
        sha256: received.sha256,
    };
    let document = new_document(&auth.user_id, landed, details, state.clock.now_ms());
    if let Err(refused) = admit(&state, &document, None).await {
        // Not a document after all: the stored object must not linger.
        if let Err(e) = state.store.delete(&key).await {
            tracing::error!(error = format!("{e:#}"), key = %key, "an unadmitted upload could not be deleted");
        }
        return Err(refused.into());
    }
    tracing::info!(document_id = %document.id, bytes = document.byte_size, "document uploaded");
    Ok((
        StatusCode::CREATED,
        axum::Json(DocumentEnvelope {
            document: DocumentView::from(&document),
        }),
    ))
}

/// A text field, bounded.
async fn text(field: &mut Field<'_>) -> Result<String, ApiError> {
    let name: &'static str = match field.name() {
        Some("title") => "title",
        Some("kind") => "kind",
        Some("issued_on") => "issued_on",
        Some("expires_on") => "expires_on",
        _ => "notes",
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
            return Err(ApiError::invalid(
                name,
                codes::FIELD_TOO_LONG,
                "This field is far too long.",
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::invalid(name, codes::INVALID_TEXT, "Send text as UTF-8."))
}

fn rejected(rejection: MultipartRejection) -> ApiError {
    ApiError::explained(
        codes::UNSUPPORTED_MEDIA_TYPE,
        format!("Send the file as multipart/form-data with a `file` part ({rejection})."),
    )
}

fn malformed(error: MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PAYLOAD_TOO_LARGE;
    }
    ApiError::explained(
        codes::INVALID_MULTIPART,
        format!("The multipart body could not be read: {}.", error.body_text()),
    )
}
