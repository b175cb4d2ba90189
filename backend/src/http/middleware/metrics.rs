//! What a request adds to the metrics ([`crate::platform::metrics`]), recorded by
//! [`super::request_context`], which already knows the route, the status and the time.

use axum::http::Method;

use crate::platform::metrics::metrics;

/// The method as a label: the standard ones by name, any other as one label (each would
/// otherwise make a series).
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// One request in flight, for as long as it is answered (or until the client leaves).
pub struct InFlight;

impl InFlight {
    pub fn enter() -> Self {
        metrics().in_flight.inc();
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics().in_flight.dec();
    }
}
