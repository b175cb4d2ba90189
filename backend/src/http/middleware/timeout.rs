use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::ApiError;

/// How long a request may run: most are short; those that carry a file may take longer.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub request: Duration,
    pub upload: Duration,
}

/// Answers 503 `request_timeout` when a handler runs longer than its limit.
pub async fn timeout(State(limits): State<Timeouts>, request: Request, next: Next) -> Response {
    let limit = if crate::vault::carries_file(request.method(), request.uri().path()) {
        limits.upload
    } else {
        limits.request
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unavailable {
            code: "request_timeout",
        }
        .into_response(),
    }
}
