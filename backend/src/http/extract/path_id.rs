use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::http::ApiError;

/// A resource id from the path (`/…/{id}`), as stored: a hyphenated UUID. Anything else
/// names nothing, and answers 404 like another user's resource.
#[derive(Debug, Clone)]
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NOT_FOUND)?;
        uuid::Uuid::parse_str(&raw)
            .map(|id| Self(id.hyphenated().to_string()))
            .map_err(|_| ApiError::NOT_FOUND)
    }
}
