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
mod processing;
mod store;
mod thumbnail;
mod upload_urls;
mod views;

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use context::Vault;
pub use deletion::{DeleteObjects, DeleteObjectsHandler, forget_user};
pub use processing::{ProcessDocument, ProcessDocumentHandler};
pub use store::quota::usage;
pub use thumbnail::THUMBNAIL_SIZE;

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
