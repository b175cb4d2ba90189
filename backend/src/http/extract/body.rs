//! Bodies read by handlers themselves (uploads): what the client announced, and a limit
//! that stops reading at the first byte past it.

use axum::extract::Request;
use axum::http::{HeaderMap, header};

/// The `Content-Length` the client announced, if it did (and it is a number).
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// `request` with a body that fails once more than `limit` bytes have been read: a route
/// without the default limit stays bounded.
pub fn limited(request: Request, limit: u64) -> Request {
    let (parts, body) = request.into_parts();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Request::from_parts(
        parts,
        axum::body::Body::new(http_body_util::Limited::new(body, limit)),
    )
}
