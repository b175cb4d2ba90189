//! The router: every capability's routes under `/v1`, the platform routes, and the
//! middleware every request passes through.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
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
use super::web_app::WebApp;
use super::{ApiError, health};
use crate::platform::Platform;

/// JSON bodies larger than this are refused with 413.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// The capabilities' routes under `/v1` and the platform's, with their OpenAPI
/// description, before the middleware every request passes through. JSON routes get
/// the JSON body limit and `REQUEST_TIMEOUT_SECS`; routes that carry files limit their
/// own bodies, get `UPLOAD_TIMEOUT_SECS`, and read on (within bounds) past a refusal.
pub fn api(
    platform: &Platform,
    routes: OpenApiRouter,
    file_routes: OpenApiRouter,
) -> (Router, utoipa::openapi::OpenApi) {
    let config = &platform.config;
    let json = routes
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(from_fn_with_state(config.request_timeout, middleware::timeout));
    let files = file_routes
        .layer(DefaultBodyLimit::disable())
        .layer(from_fn_with_state(config.upload_timeout, middleware::timeout))
        .layer(from_fn(middleware::linger));
    let health = OpenApiRouter::new()
        .routes(routes!(health::up))
        .with_state(health::Liveness::new(platform.clone()));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health)
        .nest("/v1", json.merge(files))
        .split_for_parts()
}

/// The complete application: `routes` (from [`api`]), `/openapi.json` serving
/// `openapi`, and the middleware every request passes through.
pub fn build(platform: &Platform, routes: Router, openapi: &utoipa::openapi::OpenApi) -> Router {
    // Serialised once; each request clones a reference-counted buffer.
    let openapi_json = Bytes::from(openapi.to_json().expect("the OpenAPI document serialises"));
    let config = platform.config.clone();
    let routes = routes.route(
        "/openapi.json",
        get(move || {
            let body = openapi_json.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], body) }
        }),
    );
    let routes = match &config.web_dir {
        Some(dir) => {
            let app = std::sync::Arc::new(WebApp::new(dir));
            routes.fallback(move |request: Request| {
                let app = app.clone();
                async move { app.serve(request).await }
            })
        }
        None => routes.fallback(not_found),
    };
    routes
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn(middleware::security_headers))
        .layer(cors(&config.app_url))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(from_fn_with_state(
            TrustedProxies::new(config.trusted_proxies.clone()),
            middleware::request_context,
        ))
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
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            request_id.clone(),
            HeaderName::from_static(super::CSRF_HEADER),
        ])
        // The refresh cookie: only for exactly this origin, never a wildcard.
        .allow_credentials(true)
        .expose_headers([request_id, header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}

async fn not_found() -> ApiError {
    ApiError::NOT_FOUND
}

async fn method_not_allowed() -> ApiError {
    ApiError::METHOD_NOT_ALLOWED
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
}
