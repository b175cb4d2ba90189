use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::{Deserialize, Deserializer};

use crate::codes;
use crate::http::ApiError;

/// `axum::Json` whose rejections become problems: wrong Content-Type → 415, a body over
/// the limit → 413, malformed JSON → 400, unknown or mistyped fields → 422.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_problem(rejection)),
        }
    }
}

/// [`Json`] for bodies that may be left out: a request without a body (no
/// `Content-Length`, or 0, and no `Transfer-Encoding`) gets `T::default()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub T);

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    T: Default,
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let headers = req.headers();
        let empty = !headers.contains_key(header::TRANSFER_ENCODING)
            && headers
                .get(header::CONTENT_LENGTH)
                .is_none_or(|length| length.as_bytes() == b"0");
        if empty {
            return Ok(Self(T::default()));
        }
        Json::<T>::from_request(req, state)
            .await
            .map(|Json(value)| Self(value))
    }
}

fn rejection_to_problem(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            codes::UNSUPPORTED_MEDIA_TYPE,
            "Send the body as JSON with Content-Type: application/json.",
        ),
        JsonRejection::JsonDataError(error) => ApiError::explained(codes::INVALID_BODY, error.body_text()),
        JsonRejection::JsonSyntaxError(error) => {
            ApiError::explained(codes::MALFORMED_JSON, error.body_text())
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PAYLOAD_TOO_LARGE,
        other => ApiError::explained(codes::UNREADABLE_BODY, other.body_text()),
    }
}

/// For PATCH bodies, with `#[serde(default, deserialize_with = "present")]` on an
/// `Option<Option<T>>`: an absent field stays `None` (leave it alone), `null` becomes
/// `Some(None)` (clear it), a value `Some(Some(value))`.
pub fn present<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
