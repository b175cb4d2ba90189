use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::accounts::Directory;
use crate::config::VaultLimits;
use crate::http::extract::Authentication;
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::memory::MemoryBudget;
use crate::platform::storage::ObjectStore;
use crate::platform::work::Work;

/// What the vault's handlers and jobs share: the database and the store, the limits, a
/// scratch folder for files being received, the memory images are decoded in.
#[derive(Clone)]
pub struct Vault {
    pub db: Db,
    pub clock: Clock,
    pub work: Work,
    pub store: Arc<dyn ObjectStore>,
    pub limits: VaultLimits,
    /// The process's budget for decoded images.
    pub memory: MemoryBudget,
    pub scratch: PathBuf,
    pub api_url: String,
    pub authentication: Authentication,
    /// Who users are (accounts' public service): uploads need a confirmed address.
    pub directory: Directory,
}

impl FromRef<Vault> for Authentication {
    fn from_ref(vault: &Vault) -> Self {
        vault.authentication.clone()
    }
}
