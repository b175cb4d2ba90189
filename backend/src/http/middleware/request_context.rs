use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::{ClientIp, TrustedProxies};
use crate::http::extract::UserSlot;

/// The id that ties a request's log lines together; echoed as `X-Request-Id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

const HEADER: &str = "x-request-id";

/// Gives each request its id (the caller's `X-Request-Id` when it is sane, else a new
/// one), its client address, a slot for the user id, and writes one log line when the
/// response is ready: method, matched route, status, latency, request id, user id.
pub async fn request_context(
    State(proxies): State<TrustedProxies>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let request_id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| is_sane(id))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let client_ip = proxies.client_ip(peer.ip(), request.headers());
    let user = UserSlot::default();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let extensions = request.extensions_mut();
    extensions.insert(RequestId(request_id.clone()));
    extensions.insert(ClientIp(client_ip));
    extensions.insert(user.clone());

    let span = tracing::info_span!("request", request_id = %request_id);
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(HEADER, value);
    }
    let status = response.status();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let user_id = user.get().unwrap_or("");
    if status.is_server_error() {
        tracing::error!(%method, route, status = status.as_u16(), latency_ms, request_id, user_id, client_ip = %client_ip, "request");
    } else if status == StatusCode::NOT_FOUND && route == "unmatched" {
        tracing::debug!(%method, route, status = status.as_u16(), latency_ms, request_id, user_id, client_ip = %client_ip, "request");
    } else {
        tracing::info!(%method, route, status = status.as_u16(), latency_ms, request_id, user_id, client_ip = %client_ip, "request");
    }
    response
}

/// Up to 128 visible ASCII characters: anything else is replaced, not logged.
fn is_sane(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}
