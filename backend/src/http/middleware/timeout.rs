use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::codes;
use crate::http::ApiError;

/// Answers 503 `request_timeout` when a handler runs longer than `limit`. Layered per
/// group of routes: the JSON routes get `REQUEST_TIMEOUT_SECS`, those that carry files
/// `UPLOAD_TIMEOUT_SECS`.
pub async fn timeout(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::unavailable(codes::REQUEST_TIMEOUT).into_response(),
    }
}
