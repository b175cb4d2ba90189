//! Counts every request by route template, method and status, times it, and keeps the
//! number in flight ([`crate::platform::metrics`]).

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::platform::metrics::metrics;

pub async fn record_metrics(request: Request, next: Next) -> Response {
    let started = Instant::now();
    // Templates, never raw paths (ids would make a series each); methods outside the
    // standard ones are one label, for the same reason.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let method: &'static str = match *request.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let _in_flight = InFlight::enter();
    let response = next.run(request).await;
    metrics().request(route, method, response.status().as_u16(), started.elapsed());
    response
}

/// One request in flight, for as long as it is answered (or until the client leaves).
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        metrics().in_flight.inc();
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics().in_flight.dec();
    }
}
