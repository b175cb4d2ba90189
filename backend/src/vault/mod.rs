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
mod editing;
mod error;
mod events;
mod handlers;
mod intake;
mod keys;
mod lookup;
mod maintenance;
mod processing;
mod reading;
mod reservation;
mod store;
mod thumbnail;
mod views;

use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use deletion::DeleteObjects;
pub use editing::{DetailsChange, DocumentEditor, EditError, UpdateDocumentRequest};
pub use events::{DocumentDeleted, DocumentDetailsChanged, DocumentStored};
pub use reading::{DocumentFile, DocumentReader, ReadError};
pub use lookup::{DocumentLookup, DocumentSummary};
pub use maintenance::{PurgeExpiredUploads, RetryStuckDeletions};

use crate::accounts::{Directory, UserDeleted};
use crate::capability::profile::SqlSection;
use crate::capability::{Capability, Definition, Wiring};
use crate::plans::Plans;
use crate::http::extract::Authentication;
use crate::platform::db::Migration;
use crate::platform::events::Subscriptions;
use crate::platform::jobs::JobRegistry;
use crate::platform::schedule::Schedule;
use context::Vault;
use deletion::{DeleteObjectsHandler, ForgetDeletedUser};
use maintenance::{PurgeExpiredUploadsHandler, RetryStuckDeletionsHandler};
use processing::{ProcessDocument, ProcessDocumentHandler};

pub const CAPABILITY: Definition = Definition {
    name: "vault",
    migrations: &[
        Migration {
            version: 3,
            name: "vault",
            sql: include_str!("migrations/0003_vault.sql"),
        },
        Migration {
            version: 5,
            name: "vault_usage",
            sql: include_str!("migrations/0005_vault_usage.sql"),
        },
        Migration {
            version: 6,
            name: "upload_reservations",
            sql: include_str!("migrations/0006_upload_reservations.sql"),
        },
    ],
    wire,
};

/// What the vault adds to the signed-in user's profile.
#[derive(Debug, Serialize, ToSchema)]
struct StorageUsage {
    /// Bytes of documents kept.
    storage_used_bytes: i64,
    /// Bytes the user may keep.
    storage_quota_bytes: i64,
}

fn wire(wiring: &mut Wiring) -> anyhow::Result<Capability> {
    let platform = wiring.platform().clone();
    let config = &platform.config;
    let scratch = config.data_dir.join("tmp");
    std::fs::create_dir_all(&scratch)
        .map_err(|e| anyhow::anyhow!("cannot create the scratch folder {}: {e}", scratch.display()))?;
    let vault = Vault {
        db: platform.db.clone(),
        clock: platform.clock.clone(),
        work: platform.work(),
        store: platform.storage.clone(),
        limits: config.vault,
        memory: platform.memory.clone(),
        scratch,
        api_url: config.api_url.clone(),
        authentication: wiring.service::<Authentication>()?,
        directory: wiring.service::<Directory>()?,
        plans: wiring.service::<Plans>()?,
    };
    wiring.provide(DocumentLookup::new(platform.db.clone()))?;
    wiring.provide(DocumentReader::new(platform.db.clone(), platform.storage.clone()))?;
    wiring.provide(DocumentEditor)?;
    let plans = vault.plans.clone();
    wiring.profile_section(SqlSection::new(
        move |_now| store::quota::profile_columns(),
        move |row, _now| {
            let (used, quota) = store::quota::from_profile_row(row)?;
            // The plans section selects the plan for everyone.
            let plan = plans.from_profile_row(row)?;
            Ok(StorageUsage {
                storage_used_bytes: used,
                storage_quota_bytes: quota.unwrap_or(plan.limits.vault_quota_bytes as i64),
            })
        },
    ));
    let jobs = JobRegistry::new()
        .register::<ProcessDocument, _>(ProcessDocumentHandler { vault: vault.clone() })
        .register::<DeleteObjects, _>(DeleteObjectsHandler {
            store: vault.store.clone(),
        })
        .register::<PurgeExpiredUploads, _>(PurgeExpiredUploadsHandler { vault: vault.clone() })
        .register::<RetryStuckDeletions, _>(RetryStuckDeletionsHandler { vault: vault.clone() });
    const HOUR: Duration = Duration::from_secs(3600);
    let schedule = Schedule::new()
        .every("vault.purge_expired_uploads", HOUR, PurgeExpiredUploads {})
        .every("vault.retry_stuck_deletions", 6 * HOUR, RetryStuckDeletions {});
    let subscriptions = Subscriptions::new().on::<UserDeleted, _>(
        "vault.forget_deleted_user",
        ForgetDeletedUser {
            work: vault.work.clone(),
        },
    );
    Ok(Capability::new(routes().with_state(vault.clone()))
        .file_routes(file_routes().with_state(vault))
        .jobs(jobs)
        .schedule(schedule)
        .subscriptions(subscriptions))
}

/// The vault's JSON routes, nested under `/v1`.
fn routes() -> OpenApiRouter<Vault> {
    OpenApiRouter::new()
        .routes(routes!(handlers::documents::list_documents))
        .routes(routes!(
            handlers::documents::show_document,
            handlers::documents::update_document,
            handlers::documents::delete_document
        ))
        .routes(routes!(handlers::direct_upload::create_upload))
        .routes(routes!(handlers::direct_upload::complete_upload))
        .routes(routes!(handlers::files::download_file))
        .routes(routes!(handlers::files::download_thumbnail))
}

/// The routes that carry files: their handlers limit the body (VAULT_MAX_UPLOAD_BYTES).
fn file_routes() -> OpenApiRouter<Vault> {
    OpenApiRouter::new()
        .routes(routes!(handlers::upload::upload_document))
        .routes(routes!(handlers::direct_upload::put_upload_content))
}
