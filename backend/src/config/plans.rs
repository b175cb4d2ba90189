//! Plans: `free`, everyone's, and `plus`, which an active RevenueCat entitlement grants.
//! Each is a set of limits the other capabilities read through the plans service. Free's
//! are the vault's and capture's own variables (`VAULT_QUOTA_BYTES`,
//! `CAPTURE_AUDIO_MINUTES_PER_MONTH`, `CAPTURE_EXTRACTIONS_PER_MONTH`); plus has its own.
//! RevenueCat reaches Softly by webhook (`REVENUECAT_WEBHOOK_AUTH`) and is asked back
//! (`REVENUECAT_API_KEY`, `REVENUECAT_URL`) when an event surprises.

use super::{
    CaptureConfig, ConfigError, Lookup, SSM_PLACEHOLDER, Secret, VaultLimits, parse_origin, parse_var,
};

/// What one plan lets a user do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimits {
    pub vault_quota_bytes: u64,
    pub audio_minutes_per_month: u64,
    pub extractions_per_month: u64,
}

#[derive(Debug, Clone)]
pub struct PlansConfig {
    pub free: PlanLimits,
    pub plus: PlanLimits,
    /// `PLUS_ENTITLEMENTS`: the RevenueCat entitlement identifiers that grant `plus`.
    pub plus_entitlements: Vec<String>,
    /// `REVENUECAT_WEBHOOK_AUTH`: the `Authorization` header value set in RevenueCat's
    /// dashboard; without it every webhook call is refused.
    pub webhook_auth: Option<Secret>,
    /// `REVENUECAT_API_KEY` (a secret key) and `REVENUECAT_URL`: to read a subscriber
    /// back; without the key, surprising events are recorded and left as they are.
    pub revenuecat: Option<RevenueCatApi>,
}

#[derive(Debug, Clone)]
pub struct RevenueCatApi {
    pub url: String,
    pub key: Secret,
}

const GIB: u64 = 1024 * 1024 * 1024;

impl PlansConfig {
    pub fn from_lookup(
        lookup: Lookup<'_>,
        vault: &VaultLimits,
        capture: &CaptureConfig,
    ) -> Result<Self, ConfigError> {
        let free = PlanLimits {
            vault_quota_bytes: vault.quota_bytes,
            audio_minutes_per_month: capture.audio_minutes_per_month,
            extractions_per_month: capture.extractions_per_month,
        };
        let plus = PlanLimits {
            vault_quota_bytes: parse_var(
                "PLUS_VAULT_QUOTA_BYTES",
                lookup("PLUS_VAULT_QUOTA_BYTES"),
                10 * GIB,
            )?,
            audio_minutes_per_month: parse_var(
                "PLUS_AUDIO_MINUTES_PER_MONTH",
                lookup("PLUS_AUDIO_MINUTES_PER_MONTH"),
                600,
            )?,
            extractions_per_month: parse_var(
                "PLUS_EXTRACTIONS_PER_MONTH",
                lookup("PLUS_EXTRACTIONS_PER_MONTH"),
                2000,
            )?,
        };
        if plus.vault_quota_bytes > i64::MAX as u64 {
            return Err(ConfigError::new("PLUS_VAULT_QUOTA_BYTES", "is too large"));
        }
        let plus_entitlements: Vec<String> = lookup("PLUS_ENTITLEMENTS")
            .unwrap_or_else(|| "plus".into())
            .split(',')
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty())
            .collect();
        // Identifiers are named in the profile's SQL: letters, digits, `_`, `-` and `.` only.
        let plain = |id: &String| {
            id.len() <= 100
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        };
        if plus_entitlements.is_empty() || !plus_entitlements.iter().all(plain) {
            return Err(ConfigError::new(
                "PLUS_ENTITLEMENTS",
                "must be comma-separated entitlement identifiers (letters, digits, _ - .)",
            ));
        }
        let secret = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_string())
                .filter(|value| !value.is_empty() && value != SSM_PLACEHOLDER)
                .map(Secret::new)
        };
        let revenuecat = secret("REVENUECAT_API_KEY")
            .map(|key| -> Result<RevenueCatApi, ConfigError> {
                Ok(RevenueCatApi {
                    url: parse_origin(
                        "REVENUECAT_URL",
                        lookup("REVENUECAT_URL"),
                        "https://api.revenuecat.com",
                    )?,
                    key,
                })
            })
            .transpose()?;
        Ok(Self {
            free,
            plus,
            plus_entitlements,
            webhook_auth: secret("REVENUECAT_WEBHOOK_AUTH"),
            revenuecat,
        })
    }

    /// Lines for `softly config` (secrets as set or not).
    pub fn describe(&self) -> Vec<String> {
        let set = |on: bool| if on { "(set)" } else { "" };
        vec![
            format!("PLUS_VAULT_QUOTA_BYTES={}", self.plus.vault_quota_bytes),
            format!(
                "PLUS_AUDIO_MINUTES_PER_MONTH={}",
                self.plus.audio_minutes_per_month
            ),
            format!("PLUS_EXTRACTIONS_PER_MONTH={}", self.plus.extractions_per_month),
            format!("PLUS_ENTITLEMENTS={}", self.plus_entitlements.join(",")),
            format!("REVENUECAT_WEBHOOK_AUTH={}", set(self.webhook_auth.is_some())),
            format!("REVENUECAT_API_KEY={}", set(self.revenuecat.is_some())),
            format!(
                "REVENUECAT_URL={}",
                self.revenuecat.as_ref().map_or("", |api| api.url.as_str())
            ),
        ]
    }
}
