//! The router: every capability's routes under `/v1`, the platform routes, and the
//! middleware every request passes through.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::middleware::{self, TrustedProxies};
use super::openapi::ApiDoc;
use super::{ApiError, health};
use crate::state::AppState;
use crate::{accounts, vault};

/// JSON bodies larger than this are refused with 413.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// The routes and their OpenAPI description, before middleware.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::up))
        .nest("/v1", accounts::routes().merge(vault::routes()))
        .split_for_parts()
}

/// The complete application.
pub fn build(state: AppState) -> Router {
    let (routes, openapi) = api();
    // Serialised once; each request clones a reference-counted buffer.
    let openapi_json = Bytes::from(openapi.to_json().expect("the OpenAPI document serialises"));
    let config = state.config.clone();
    routes
        .route(
            "/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(from_fn_with_state(
            middleware::Timeouts {
                request: config.request_timeout,
                upload: config.upload_timeout,
            },
            middleware::timeout,
        ))
        .layer(from_fn(middleware::security_headers))
        .layer(cors(&config.app_url))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(from_fn_with_state(
            TrustedProxies::new(config.trusted_proxies.clone()),
            middleware::request_context,
        ))
        .with_state(state)
}

fn cors(app_url: &str) -> CorsLayer {
    let origin = HeaderValue::from_str(app_url).expect("APP_URL was validated as an origin");
    let request_id = HeaderName::from_static("x-request-id");
    CorsLayer::new()
        // Only the web app's origin is echoed; any other gets no CORS headers at all.
        .allow_origin(AllowOrigin::predicate(move |candidate, _| *candidate == origin))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, request_id.clone()])
        .expose_headers([request_id, header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
}
