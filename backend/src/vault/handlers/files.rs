//! Downloads. With S3, a redirect to a presigned GET valid five minutes whose response
//! carries the sniffed type and `attachment`; on local disk, the bytes streamed with the
//! same headers. Either way a stored file is never rendered inline by a browser.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::owned_document;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::AuthUser;
use crate::platform::storage::{Delivery, DownloadAs};
use crate::vault::context::Vault;
use crate::vault::keys;

/// How long a presigned download URL is valid.
pub const DOWNLOAD_URL_LIFETIME: Duration = Duration::from_secs(300);

/// The original file, byte for byte as uploaded.
#[utoipa::path(get, path = "/documents/{id}/file", tag = "vault", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The file (local disk)", content_type = "application/octet-stream"),
        (status = 302, description = "Redirect to a presigned URL valid 5 minutes (S3)"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn download_file(
    State(state): State<Vault>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let document = owned_document(&state, &auth, &id).await?;
    serve(
        &state,
        &document.object_key,
        &document.content_type,
        &document.filename,
    )
    .await
}

/// A small JPEG of an image document, without the original's metadata.
#[utoipa::path(get, path = "/documents/{id}/thumbnail", tag = "vault", security(("bearer" = [])),
    params(("id" = String, Path, description = "Document id")),
    responses(
        (status = 200, description = "The thumbnail (local disk)", content_type = "image/jpeg"),
        (status = 302, description = "Redirect to a presigned URL valid 5 minutes (S3)"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document of yours, or it has no thumbnail", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn download_thumbnail(
    State(state): State<Vault>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let document = owned_document(&state, &auth, &id).await?;
    let key = document.thumbnail_key.as_deref().ok_or(ApiError::NOT_FOUND)?;
    let stem = document
        .filename
        .rsplit_once('.')
        .map_or(document.filename.as_str(), |(s, _)| s);
    serve(&state, key, "image/jpeg", &format!("{stem} (thumbnail).jpg")).await
}

async fn serve(state: &Vault, key: &str, content_type: &str, filename: &str) -> Result<Response, ApiError> {
    let key = keys::stored(key)?;
    let disposition = content_disposition(filename);
    let download = DownloadAs {
        content_type,
        content_disposition: &disposition,
        expires_in: DOWNLOAD_URL_LIFETIME,
    };
    let object = match state.store.deliver(&key, download).await? {
        Some(Delivery::Redirect(url)) => {
            let location = HeaderValue::from_str(&url).map_err(anyhow::Error::new)?;
            return Ok((StatusCode::FOUND, [(header::LOCATION, location)]).into_response());
        }
        Some(Delivery::Stream(object)) => object,
        None => return Err(ApiError::NOT_FOUND),
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).map_err(anyhow::Error::new)?,
        ),
        (header::CONTENT_LENGTH, HeaderValue::from(object.size)),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).map_err(anyhow::Error::new)?,
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
    ];
    Ok((headers, Body::from_stream(object.body)).into_response())
}

/// `attachment` with an ASCII fallback name and the exact name as RFC 8187 UTF-8.
pub fn content_disposition(filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(filename.len() * 3);
    for byte in filename.bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte);
        if unreserved {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn names_are_quoted_safely_and_kept_exactly_in_utf8() {
        assert_eq!(
            content_disposition("Pässport \"scan\".pdf"),
            "attachment; filename=\"P_ssport _scan_.pdf\"; filename*=UTF-8''P%C3%A4ssport%20%22scan%22.pdf"
        );
        assert_eq!(
            content_disposition("a;b\r\n.pdf"),
            "attachment; filename=\"a;b__.pdf\"; filename*=UTF-8''a%3Bb%0D%0A.pdf"
        );
    }
}
