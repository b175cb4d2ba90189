//! The spans Softly makes for export, in one place: a request, a job run, a call to a
//! provider. Their names and the fields the logs show are set when they begin; what is
//! known only at the end (status, outcome, user) is set on the exported span alone
//! (`set_attribute`), so the log layer never formats a span twice. When traces are not
//! exported a request keeps the one field its logs had, and the rest is skipped.

use opentelemetry::trace::Status;
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::context::{adopt_remote_parent, hashed_user_id, set_job_parent};
use super::exporting;

/// A request's span, `METHOD /route`, in its caller's trace when it sent a `traceparent`.
pub fn request(request_id: &str, method: &str, route: &str, headers: &axum::http::HeaderMap) -> Span {
    if !exporting() {
        return tracing::info_span!("request", request_id = %request_id);
    }
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        otel.name = %format_args!("{method} {route}"),
        otel.kind = "server",
    );
    adopt_remote_parent(&span, headers);
    span.set_attribute("http.request.method", method.to_string());
    span.set_attribute("http.route", route.to_string());
    span
}

/// What a request's span learns at the end: its status and whose it was (hashed).
pub fn request_answered(span: &Span, status: u16, user_id: &str) {
    if !exporting() {
        return;
    }
    span.set_attribute("http.response.status_code", i64::from(status));
    if !user_id.is_empty() {
        span.set_attribute("user.hash", hashed_user_id(user_id));
    }
    if status >= 500 {
        span.set_status(Status::error(""));
    }
}

/// A job run's span, named by its kind, in the trace of the work that enqueued it.
pub fn job(kind: &str, id: &str, attempt: i64, trace_context: Option<&str>) -> Span {
    let span = tracing::info_span!(
        "job",
        otel.name = %kind,
        job.kind = %kind,
        job.id = %id,
        job.attempt = attempt,
    );
    set_job_parent(&span, trace_context);
    span
}

/// How a job run ended: `succeeded`, `failed`, `dead` or `aborted`.
pub fn job_ended(span: &Span, outcome: &'static str) {
    if !exporting() {
        return;
    }
    span.set_attribute("job.outcome", outcome);
    if matches!(outcome, "failed" | "dead") {
        span.set_status(Status::error(""));
    }
}

/// The span of one call to a provider (S3, SES, Deepgram, Anthropic, RevenueCat); none
/// when traces are not exported. [`call_ended`] records its outcome.
pub fn external_call(provider: &'static str, operation: &str) -> Span {
    if !exporting() {
        return Span::none();
    }
    tracing::info_span!(
        "external call",
        otel.name = %format_args!("{provider} {operation}"),
        otel.kind = "client",
        peer.service = provider,
        rpc.method = %operation,
    )
}

/// The current call's outcome (`ok`, `refused`, `unreachable`), on its span.
pub fn call_ended(outcome: &'static str) {
    if !exporting() {
        return;
    }
    let span = Span::current();
    span.set_attribute("outcome", outcome);
    if outcome != "ok" {
        span.set_status(Status::error(""));
    }
}
