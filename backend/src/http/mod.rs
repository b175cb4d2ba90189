//! What every route shares: the error type, extractors, middleware, the router and the
//! OpenAPI document.

pub mod error;
pub mod extract;
pub mod health;
pub mod middleware;
pub mod openapi;
pub mod page;
pub mod router;
pub mod serve;
pub mod web_app;

pub use error::ApiError;
