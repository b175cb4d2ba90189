use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use super::upload_urls::UploadUrls;
use crate::config::{Config, VaultLimits};
use crate::platform::storage::{self, ObjectStore};

/// What the vault's handlers and jobs share: the store, the limits, a scratch folder
/// for files being received, and the signer of embedded upload URLs.
#[derive(Clone)]
pub struct Vault {
    pub store: Arc<dyn ObjectStore>,
    pub limits: VaultLimits,
    pub scratch: PathBuf,
    pub upload_urls: UploadUrls,
    pub api_url: String,
}

impl Vault {
    /// Connects the configured store and prepares the scratch folder
    /// (`$SOFTLY_DATA_DIR/tmp`, on the same disk as local objects).
    pub async fn connect(config: &Config) -> anyhow::Result<Self> {
        Self::new(config, storage::connect(&config.storage).await)
    }

    pub fn new(config: &Config, store: Arc<dyn ObjectStore>) -> anyhow::Result<Self> {
        let scratch = config.data_dir.join("tmp");
        std::fs::create_dir_all(&scratch).with_context(|| format!("while creating {}", scratch.display()))?;
        Ok(Self {
            store,
            limits: config.vault,
            scratch,
            upload_urls: UploadUrls::new(&config.secret_key_bases[0]),
            api_url: config.api_url.clone(),
        })
    }
}
