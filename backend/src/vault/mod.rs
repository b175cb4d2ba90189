//! The document vault: passports, ID cards, licences, insurance papers and bills.
//!
//! Files reach the store streamed through the API (`POST /v1/documents`) or directly
//! (presigned upload, then completion); either way a document row exists only once its
//! bytes are stored and counted against the owner's quota. A processing job checks what
//! was stored and makes thumbnails; deletion jobs remove objects after their rows.

mod admit;
mod context;
mod deletion;
pub mod domain;
mod handlers;
mod intake;
mod keys;
mod maintenance;
mod processing;
mod store;
mod thumbnail;
mod upload_urls;
mod views;

use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use context::Vault;
pub use deletion::{DeleteObjects, DeleteObjectsHandler, forget_user};
pub use maintenance::{
    PurgeExpiredUploads, PurgeExpiredUploadsHandler, RetryStuckDeletions, RetryStuckDeletionsHandler,
};
pub use processing::{ProcessDocument, ProcessDocumentHandler};
pub use store::quota::usage;
pub use upload_urls::UploadUrls;

use crate::state::AppState;

/// The vault API, to be nested under `/v1`.
pub fn routes() -> OpenApiRouter<AppState> {
    // File bodies are limited by the handlers (VAULT_MAX_UPLOAD_BYTES), not the JSON limit.
    let file_bodies = OpenApiRouter::new()
        .routes(routes!(
            handlers::upload::upload_document,
            handlers::documents::list_documents
        ))
        .routes(routes!(handlers::direct_upload::put_upload_content))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .routes(routes!(
            handlers::documents::show_document,
            handlers::documents::update_document,
            handlers::documents::delete_document
        ))
        .routes(routes!(handlers::direct_upload::create_upload))
        .routes(routes!(handlers::direct_upload::complete_upload))
        .routes(routes!(handlers::files::download_file))
        .routes(routes!(handlers::files::download_thumbnail))
        .merge(file_bodies)
}

/// Whether a request sends a file to the vault (the routes with their own body limit,
/// which also get `UPLOAD_TIMEOUT_SECS`).
pub fn carries_file(method: &Method, path: &str) -> bool {
    match *method {
        Method::POST => path == "/v1/documents",
        Method::PUT => path
            .strip_prefix("/v1/documents/uploads/")
            .is_some_and(|rest| rest.ends_with("/content") && rest.matches('/').count() == 1),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_file_bodies_are_recognised() {
        assert!(carries_file(&Method::POST, "/v1/documents"));
        assert!(carries_file(&Method::PUT, "/v1/documents/uploads/0190/content"));
        assert!(!carries_file(&Method::GET, "/v1/documents"));
        assert!(!carries_file(&Method::POST, "/v1/documents/uploads"));
        assert!(!carries_file(&Method::PUT, "/v1/documents/uploads/a/b/content"));
        assert!(!carries_file(&Method::POST, "/v1/me"));
    }
}
