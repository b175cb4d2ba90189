use std::net::SocketAddr;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::metrics::{InFlight, method_label};
use super::{ClientIp, TrustedProxies};
use crate::http::extract::UserSlot;
use crate::platform::metrics::metrics;
use crate::telemetry;

/// The id that ties a request's log lines together; echoed as `X-Request-Id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

const HEADER: &str = "x-request-id";

/// Gives each request its id (the caller's `X-Request-Id` when it is sane, else a new
/// one), its client address, a slot for the user id, its span, and when the response is
/// ready counts it in the metrics and writes one log line: method, matched route,
/// status, latency, request id, user id.
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
        .unwrap_or_else(new_request_id);
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

    let span = telemetry::request(&request_id, method.as_str(), &route, request.headers());
    let in_flight = InFlight::enter();
    let mut response = next.run(request).instrument(span.clone()).await;
    drop(in_flight);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(HEADER, value);
    }
    let status = response.status();
    let took = started.elapsed();
    // Templates, never raw paths: ids would make a series each.
    metrics().request(route.clone(), method_label(&method), status.as_u16(), took);
    let latency_ms = took.as_secs_f64() * 1000.0;
    let user_id = user.get().unwrap_or("");
    telemetry::request_answered(&span, status.as_u16(), user_id);
    if status.is_server_error() {
        tracing::error!(%method, route, status = status.as_u16(), latency_ms, request_id, user_id, client_ip = %client_ip, "request");
    } else if status == StatusCode::NOT_FOUND && route == "unmatched" {
        tracing::debug!(%method, route, status = status.as_u16(), latency_ms, request_id, user_id, client_ip = %client_ip, "request");
    } else {
        tracing::info!(%method, route, status = status.as_u16(), latency_ms, request_id, user_id, client_ip = %client_ip, "request");
    }
    response
}

/// A UUIDv7 for a request that brought no id of its own. Its random part comes from a
/// per-process seed mixed with a counter (splitmix64), not from the operating system:
/// `Uuid::now_v7` asks the kernel for randomness on every call, a system call per
/// request for an id that needs to be unique, not secret.
fn new_request_id() -> String {
    static SEED: LazyLock<u64> = LazyLock::new(|| uuid::Uuid::now_v7().as_u64_pair().1);
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut z = SEED.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&z.to_le_bytes());
    random[8..].copy_from_slice(&(n as u16).to_le_bytes());
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64);
    uuid::Builder::from_unix_timestamp_millis(millis, &random)
        .into_uuid()
        .to_string()
}

/// Up to 128 visible ASCII characters: anything else is replaced, not logged.
fn is_sane(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::new_request_id;

    #[test]
    fn new_request_ids_are_distinct_version_7_uuids() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| new_request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(10) {
            let parsed = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(parsed.get_version_num(), 7, "{id}");
        }
    }
}
