//! The vault's limits: how large one upload may be, how much a user may keep, how many
//! direct uploads a user may have announced and not completed, and how many pixels an
//! image may declare before the processing job refuses to decode it.

use super::{ConfigError, Lookup, parse_var};

#[derive(Debug, Clone, Copy)]
pub struct VaultLimits {
    /// `VAULT_MAX_UPLOAD_BYTES`: the largest file one upload may carry.
    pub max_upload_bytes: u64,
    /// `VAULT_QUOTA_BYTES`: what a user on the free plan may keep unless their row says
    /// otherwise (see [`super::PlansConfig`]).
    pub quota_bytes: u64,
    /// `VAULT_MAX_IMAGE_PIXELS`: width × height above which no thumbnail is attempted.
    pub max_image_pixels: u64,
    /// `VAULT_MAX_OPEN_UPLOADS`: direct uploads a user may have announced and not yet
    /// completed (or let expire) at once.
    pub max_open_uploads: u64,
}

const MIB: u64 = 1024 * 1024;

impl VaultLimits {
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let limits = Self {
            max_upload_bytes: parse_var(
                "VAULT_MAX_UPLOAD_BYTES",
                lookup("VAULT_MAX_UPLOAD_BYTES"),
                25 * MIB,
            )?,
            quota_bytes: parse_var("VAULT_QUOTA_BYTES", lookup("VAULT_QUOTA_BYTES"), 1024 * MIB)?,
            max_image_pixels: parse_var(
                "VAULT_MAX_IMAGE_PIXELS",
                lookup("VAULT_MAX_IMAGE_PIXELS"),
                50_000_000,
            )?,
            max_open_uploads: parse_var("VAULT_MAX_OPEN_UPLOADS", lookup("VAULT_MAX_OPEN_UPLOADS"), 20)?,
        };
        if limits.max_upload_bytes == 0 {
            return Err(ConfigError::new("VAULT_MAX_UPLOAD_BYTES", "must be at least 1"));
        }
        // Sizes travel through the database as signed 64-bit integers.
        if limits.quota_bytes > i64::MAX as u64 || limits.max_upload_bytes > i64::MAX as u64 {
            return Err(ConfigError::new("VAULT_QUOTA_BYTES", "is too large"));
        }
        if limits.max_image_pixels == 0 {
            return Err(ConfigError::new("VAULT_MAX_IMAGE_PIXELS", "must be at least 1"));
        }
        if limits.max_open_uploads == 0 || limits.max_open_uploads > 10_000 {
            return Err(ConfigError::new(
                "VAULT_MAX_OPEN_UPLOADS",
                "must be from 1 to 10000",
            ));
        }
        Ok(limits)
    }

    /// Lines for `softly config`.
    pub fn describe(&self) -> [String; 4] {
        [
            format!("VAULT_MAX_UPLOAD_BYTES={}", self.max_upload_bytes),
            format!("VAULT_QUOTA_BYTES={}", self.quota_bytes),
            format!("VAULT_MAX_IMAGE_PIXELS={}", self.max_image_pixels),
            format!("VAULT_MAX_OPEN_UPLOADS={}", self.max_open_uploads),
        ]
    }
}
