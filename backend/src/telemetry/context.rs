//! Trace context across boundaries: from a caller's `traceparent` into the request's
//! span, and from the work that enqueued a job into the job's span (the job row keeps the
//! W3C `traceparent` of the span that enqueued it). Each is a no-op unless spans are
//! exported.

use std::collections::HashMap;

use opentelemetry::propagation::{Extractor, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use sha2::{Digest, Sha256};
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::exporting;

const TRACEPARENT: &str = "traceparent";

/// Makes the caller's trace (its `traceparent` header, when valid) the parent of `span`,
/// which must not have been used yet (called only while exporting).
pub fn adopt_remote_parent(span: &tracing::Span, headers: &axum::http::HeaderMap) {
    if !headers.contains_key(TRACEPARENT) {
        return;
    }
    let parent = TraceContextPropagator::new().extract(&Headers(headers));
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
}

/// A request's headers as the propagator reads them.
struct Headers<'a>(&'a axum::http::HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}

/// The current span's context as a `traceparent` value, to be stored with a job it
/// enqueues; None when not exporting or outside traced work.
pub fn current_trace_context() -> Option<String> {
    if !exporting() {
        return None;
    }
    let context = tracing::Span::current().context();
    if !context.span().span_context().is_valid() {
        return None;
    }
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove(TRACEPARENT)
}

/// Makes the trace a job was enqueued in (its stored `traceparent`) the parent of
/// `span`, the job run's span, which must not have been used yet.
pub fn set_job_parent(span: &tracing::Span, traceparent: Option<&str>) {
    let Some(traceparent) = traceparent.filter(|_| exporting()) else {
        return;
    };
    let carrier = HashMap::from([(TRACEPARENT.to_string(), traceparent.to_string())]);
    let parent = TraceContextPropagator::new().extract(&carrier);
    if parent.span().span_context().is_valid() {
        let _ = span.set_parent(parent);
    }
}

/// A user id as spans carry it: the first 16 hex digits of its SHA-256, so a trace
/// backend can group a user's requests without holding their id.
pub fn hashed_user_id(user_id: &str) -> String {
    let digest = Sha256::digest(user_id.as_bytes());
    hex::encode(&digest[..8])
}

#[cfg(test)]
mod tests {
    use super::hashed_user_id;

    #[test]
    fn a_hashed_user_id_is_stable_short_and_not_the_id() {
        let id = "0190d4a6-3c1e-7a55-9b1e-6d0c2f4e8a11";
        assert_eq!(hashed_user_id(id), hashed_user_id(id));
        assert_eq!(hashed_user_id(id).len(), 16);
        assert!(!hashed_user_id(id).contains("0190"));
        assert_ne!(hashed_user_id(id), hashed_user_id("another"));
    }
}
