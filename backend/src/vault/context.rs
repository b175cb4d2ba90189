use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::FromRef;

use crate::accounts::Directory;
use crate::plans::Plans;
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
    /// Each user's plan, whose quota is theirs unless their usage row names another.
    pub plans: Plans,
}

impl Vault {
    /// What `user_id`'s plan lets them keep, in bytes.
    pub async fn plan_quota(&self, user_id: &str) -> sqlx::Result<i64> {
        Ok(self.plans.of(user_id).await?.limits.vault_quota_bytes as i64)
    }
}

impl FromRef<Vault> for Authentication {
    fn from_ref(vault: &Vault) -> Self {
        vault.authentication.clone()
    }
}
