//! Middleware every request passes through.

mod client_ip;
mod linger;
mod metrics;
mod request_context;
mod security_headers;
mod timeout;

pub use client_ip::{ClientIp, TrustedProxies};
pub use linger::linger;
pub use request_context::{RequestId, request_context};
pub use security_headers::security_headers;
pub use timeout::timeout;
