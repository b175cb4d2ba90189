//! What every route shares: the error type, extractors, middleware, the router and the
//! OpenAPI document.

pub mod error;
pub mod extract;
pub mod health;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod page;
pub mod router;
pub mod serve;
pub mod web_app;

pub use error::ApiError;

/// The header the web app adds to every call authenticated by the refresh cookie: a form
/// or a simple cross-site request cannot carry it, and it makes any other origin's request
/// preflighted, which CORS refuses (`accounts::cookie` checks it).
pub const CSRF_HEADER: &str = "x-softly-csrf";
