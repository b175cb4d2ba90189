//! Lingering on a refused upload: when a handler answers before it has read the whole
//! body (413, 401, 415…), the rest is read and discarded, within bounds, before the
//! answer is sent.
//!
//! A server that answers and closes while the client is still sending makes the
//! client's kernel receive a reset, which can destroy the answer before the client
//! reads it: the client sees "broken pipe" instead of the 413 that explains what to
//! fix. nginx's `lingering_close` reads on for the same reason. The bounds keep a
//! refusal cheap: a body that declares more than [`LINGER_MAX_BYTES`] is not read at
//! all, and reading stops after [`LINGER_MAX_BYTES`] or [`LINGER_TIME`], whichever
//! comes first, and the connection is then closed.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::sync::oneshot;

use crate::http::extract::declared_length;

/// The most a refusal reads past what the handler read.
pub const LINGER_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// The longest a refusal waits for the rest of the body.
pub const LINGER_TIME: Duration = Duration::from_secs(2);

/// Reads and discards what the handler left of the body (see the module's comment).
pub async fn linger(request: Request, next: Next) -> Response {
    let declared = declared_length(request.headers());
    let (parts, body) = request.into_parts();
    let (back, returned) = oneshot::channel();
    let body = Body::new(Returning {
        body: Some(body),
        back: Some(back),
    });
    let mut response = next.run(Request::from_parts(parts, body)).await;
    // The handler has finished, so its part of the request is dropped: an unread rest
    // has been handed back, a body read to its end has not.
    let Ok(rest) = returned.await else {
        return response;
    };
    let read_to_end = declared.is_none_or(|length| length <= LINGER_MAX_BYTES)
        && tokio::time::timeout(LINGER_TIME, discard(rest, LINGER_MAX_BYTES))
            .await
            .unwrap_or(false);
    if !read_to_end {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Reads `body` to its end, at most `limit` bytes; whether the end was reached.
async fn discard(mut body: Body, limit: u64) -> bool {
    let mut read = 0u64;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return false };
        read += frame.data_ref().map_or(0, |data| data.len() as u64);
        if read > limit {
            return false;
        }
    }
    true
}

/// A request body that, dropped before its end, hands itself back through `back`.
struct Returning {
    body: Option<Body>,
    back: Option<oneshot::Sender<Body>>,
}

impl http_body::Body for Returning {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let Some(body) = self.body.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(body).poll_frame(cx);
        if let Poll::Ready(None) = polled {
            // Read to the end: nothing to hand back.
            self.body = None;
            self.back = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.as_ref().is_none_or(http_body::Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.body
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), http_body::Body::size_hint)
    }
}

impl Drop for Returning {
    fn drop(&mut self) {
        if let (Some(body), Some(back)) = (self.body.take(), self.back.take())
            && !http_body::Body::is_end_stream(&body)
        {
            let _ = back.send(body);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn discarding_stops_at_the_limit_and_says_whether_it_reached_the_end() {
        let small = Body::from(vec![0u8; 1000]);
        assert!(discard(small, 1000).await);
        let large = Body::from(vec![0u8; 1001]);
        assert!(!discard(large, 1000).await);
    }
}
