//! Plans: `free`, everyone's, and `plus`, which an active RevenueCat entitlement grants.
//! Each is a set of limits the other capabilities read through the plans service. Free's
//! are the vault's and capture's own variables (`VAULT_QUOTA_BYTES`,
//! `CAPTURE_AUDIO_MINUTES_PER_MONTH`, `CAPTURE_EXTRACTIONS_PER_MONTH`) and
//! `FREE_MAX_ITEMS_WITH_REMINDERS`, `FREE_DIGEST`; plus has its own (`PLUS_…`). Items with
//! reminders are unlimited and the digest offered on both unless configured.
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
    /// How many open items may have reminders at once; None: no limit.
    pub items_with_reminders: Option<u64>,
    /// Whether reminders may come as a daily digest (else one email each).
    pub digest: bool,
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
            items_with_reminders: items_with_reminders(lookup, "FREE_MAX_ITEMS_WITH_REMINDERS")?,
            digest: parse_var("FREE_DIGEST", lookup("FREE_DIGEST"), true)?,
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
            items_with_reminders: items_with_reminders(lookup, "PLUS_MAX_ITEMS_WITH_REMINDERS")?,
            digest: parse_var("PLUS_DIGEST", lookup("PLUS_DIGEST"), true)?,
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
            format!(
                "FREE_MAX_ITEMS_WITH_REMINDERS={}",
                describe_count(self.free.items_with_reminders)
            ),
            format!(
                "PLUS_MAX_ITEMS_WITH_REMINDERS={}",
                describe_count(self.plus.items_with_reminders)
            ),
            format!("FREE_DIGEST={}", self.free.digest),
            format!("PLUS_DIGEST={}", self.plus.digest),
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

/// `unlimited` (the default) or how many open items may have reminders: 1 or more.
fn items_with_reminders(lookup: Lookup<'_>, name: &'static str) -> Result<Option<u64>, ConfigError> {
    match lookup(name).as_deref().map(str::trim) {
        None | Some("") | Some("unlimited") => Ok(None),
        Some(value) => match value.parse::<u64>() {
            Ok(count @ 1..=1_000_000) => Ok(Some(count)),
            _ => Err(ConfigError::new(name, "must be unlimited or 1 to 1000000")),
        },
    }
}

fn describe_count(count: Option<u64>) -> String {
    count.map_or_else(|| "unlimited".into(), |n| n.to_string())
}
