//! The exported web app (`web/out`), served from the API's own origin when `WEB_DIR`
//! names it: one process, one origin, no CORS, on the embedded default. In production
//! Cloudflare Pages serves the same build with the same headers (`web/public/_headers`).
//!
//! `/today` is `today.html`, `/` is `index.html`, anything unknown is `404.html` with a
//! 404. Hashed assets under `/_next/static/` are immutable; HTML is `no-cache`, so a new
//! build is picked up on the next navigation. API paths never fall through to the app: an
//! unknown `/v1/…` is the API's JSON 404.
//!
//! Each page's Content-Security-Policy allows exactly its own inline scripts, by hash
//! (Next.js inlines its bootstrap into every page), read from the build at start: no
//! `'unsafe-inline'` for scripts. `web/scripts/headers.mjs` writes the same policies into
//! Cloudflare's `_headers`.

use std::collections::HashMap;
use std::path::Path;

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::ApiError;

/// Hashed by the build: a new build has new names, so a year is safe.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Kept, but revalidated before every use.
const REVALIDATE: &str = "no-cache";

/// The app's policy around its scripts: its own files and styles, pictures and previews
/// from the vault (`blob:` once fetched with the access token), no other origin, no
/// framing. `script-src` is completed per page.
const POLICY_AFTER_SCRIPTS: &str = "style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; \
font-src 'self'; connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// The policy of a page whose inline scripts hash to `hashes`.
fn policy(hashes: &[String]) -> HeaderValue {
    let allowed: String = hashes.iter().map(|hash| format!(" 'sha256-{hash}'")).collect();
    HeaderValue::from_str(&format!(
        "default-src 'self'; script-src 'self'{allowed}; {POLICY_AFTER_SCRIPTS}"
    ))
    .expect("hashes are base64")
}

/// The base64 SHA-256 of each inline `<script>` of `html` (those without `src`), as CSP
/// hashes them: the exact text between the tags.
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + open_end];
        let body_start = start + open_end + 1;
        let Some(body_len) = rest[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let body = &rest[body_start..body_start + body_len];
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body.as_bytes()));
            if !hashes.contains(&hash) {
                hashes.push(hash);
            }
        }
        rest = &rest[body_start + body_len..];
    }
    hashes
}

/// Every page of the export in `dir` (`today.html`, `items/new.html`, …) and its policy.
fn page_policies(dir: &Path) -> HashMap<String, HeaderValue> {
    let mut policies = HashMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "html")
                && let (Ok(html), Ok(relative)) = (std::fs::read_to_string(&path), path.strip_prefix(dir))
            {
                let key = relative.to_string_lossy().replace('\\', "/");
                policies.insert(key, policy(&inline_script_hashes(&html)));
            }
        }
    }
    policies
}

/// The web app in `dir`, as a fallback service of the router. The other headers (frame,
/// sniffing, referrer, HSTS) are every response's (`middleware::security_headers`).
pub struct WebApp {
    files: ServeDir<tower_http::set_status::SetStatus<ServeFile>>,
    /// Every page of the build, by file (`today.html`), read once at start.
    policies: HashMap<String, HeaderValue>,
}

impl WebApp {
    pub fn new(dir: &Path) -> Self {
        let files = ServeDir::new(dir)
            .html_as_default_extension(true)
            .append_index_html_on_directories(true)
            .not_found_service(ServeFile::new(dir.join("404.html")));
        Self {
            files,
            policies: page_policies(dir),
        }
    }

    /// `/today` as `/today.html` when the build has that page: the export also writes a
    /// `today/` folder (the page's prefetch data), which would otherwise answer with a
    /// redirect. Known from the pages read at start, without touching the disk.
    fn page_for(&self, mut request: Request) -> Request {
        let path = request.uri().path();
        let page = format!("{path}.html");
        if path.ends_with('/') || !self.policies.contains_key(&page[1..]) {
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
        let request = self.page_for(request);
        let served = request.uri().path();
        let page = if served.ends_with('/') {
            format!("{}index.html", &served[1..])
        } else {
            served[1..].to_string()
        };
        let mut response = match self.files.clone().oneshot(request).await {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        };
        let cache = if immutable && response.status() == StatusCode::OK {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let page = if response.status() == StatusCode::NOT_FOUND {
            "404.html"
        } else {
            page.as_str()
        };
        let policy = self.policies.get(page).cloned().unwrap_or_else(|| policy(&[]));
        let headers = response.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(CONTENT_SECURITY_POLICY, policy);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_inline_script_is_hashed_and_scripts_with_a_source_are_not() {
        let html = r#"<head><script src="/_next/a.js" async=""></script><script id="_R_">self.a=1</script></head><body><script>alert(2)</script><script>alert(2)</script></body>"#;
        let hashes = inline_script_hashes(html);
        // echo -n 'self.a=1' | openssl dgst -sha256 -binary | base64, and so for alert(2).
        assert_eq!(
            hashes,
            [
                "U+8MK+0uDzz63CVi5Lllj/7310ahz5UzrVluFdPYEWw=",
                "4axlHpxgDbFzJObpXPFZgZhULrEGgJiud3OwxN9unHg="
            ]
        );
        let header = policy(&hashes);
        let header = header.to_str().unwrap();
        assert!(header.contains("script-src 'self' 'sha256-U+8MK+0uDzz63CVi5Lllj/7310ahz5UzrVluFdPYEWw='"));
        assert!(!header.contains("script-src 'self' 'unsafe-inline'"));
    }
}
