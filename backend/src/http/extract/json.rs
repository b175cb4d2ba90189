use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

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
