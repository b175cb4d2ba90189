//! The exported web app (`web/out`), served from the API's own origin when `WEB_DIR`
//! names it: one process, one origin, no CORS, on the embedded default. In production
//! Cloudflare Pages serves the same build with the same headers (`web/public/_headers`).
//!
//! `/today` is `today.html`, `/` is `index.html`, anything unknown is `404.html` with a
//! 404. Hashed assets under `/_next/static/` are immutable; HTML is `no-cache`, so a new
//! build is picked up on the next navigation. API paths never fall through to the app: an
//! unknown `/v1/…` is the API's JSON 404.

use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, X_FRAME_OPTIONS};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::ApiError;

/// Hashed by the build: a new build has new names, so a year is safe.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Kept, but revalidated before every use.
const REVALIDATE: &str = "no-cache";

/// The app's policy: its own scripts and styles (Next.js inlines its bootstrap, hence
/// `'unsafe-inline'`), pictures and previews from the vault (`blob:` once fetched with the
/// access token), no other origin, no framing.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; font-src 'self'; connect-src 'self'; \
frame-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The web app in `dir`, as a fallback service of the router.
#[derive(Clone)]
pub struct WebApp {
    root: PathBuf,
    files: ServeDir<tower_http::set_status::SetStatus<ServeFile>>,
}

impl WebApp {
    pub fn new(dir: &Path) -> Self {
        let files = ServeDir::new(dir)
            .html_as_default_extension(true)
            .append_index_html_on_directories(true)
            .not_found_service(ServeFile::new(dir.join("404.html")));
        Self {
            root: dir.to_path_buf(),
            files,
        }
    }

    /// `/today` as `/today.html` when that page exists: the export also writes a `today/`
    /// folder (the page's prefetch data), which would otherwise answer with a redirect.
    async fn page_for(&self, mut request: Request) -> Request {
        let path = request.uri().path();
        let plain = path.len() > 1
            && !path.ends_with('/')
            && path
                .split('/')
                .all(|segment| segment != ".." && !segment.contains('.'));
        if !plain {
            return request;
        }
        let page = format!("{path}.html");
        if !tokio::fs::metadata(self.root.join(&page[1..]))
            .await
            .is_ok_and(|m| m.is_file())
        {
            return request;
        }
        let target = match request.uri().query() {
            Some(query) => format!("{page}?{query}"),
            None => page,
        };
        if let Ok(uri) = target.parse() {
            *request.uri_mut() = uri;
        }
        request
    }

    /// Answers `request` from the app's files, or as the API when it names an API path.
    pub async fn serve(&self, request: Request) -> Response {
        let path = request.uri().path();
        if path == "/v1" || path.starts_with("/v1/") {
            return ApiError::NOT_FOUND.into_response();
        }
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return ApiError::METHOD_NOT_ALLOWED.into_response();
        }
        let immutable = path.starts_with("/_next/static/");
        let request = self.page_for(request).await;
        let mut response = match self.files.clone().oneshot(request).await {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        };
        let cache = if immutable && response.status() == StatusCode::OK {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let headers = response.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
        );
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        response
    }
}
