//! Capture's providers and limits: Deepgram for speech (`DEEPGRAM_API_KEY`), Claude for
//! understanding text (`ANTHROPIC_API_KEY`), each optional — without Deepgram voice
//! capture is off; without Anthropic text is read by the local extractor — and the
//! monthly limits per user. A key still holding the SSM placeholder `unset` counts as none.

use std::time::Duration;

use super::{ConfigError, Lookup, SSM_PLACEHOLDER, Secret, parse_origin, parse_var};

/// One provider's address and key.
#[derive(Debug, Clone)]
pub struct Provider {
    pub url: String,
    pub key: Secret,
    pub model: String,
}

#[derive(Debug, Clone)]
pub struct CaptureConfig {
    /// `DEEPGRAM_API_KEY`, `DEEPGRAM_URL` (https://api.deepgram.com), `DEEPGRAM_MODEL` (nova-3).
    pub deepgram: Option<Provider>,
    /// `ANTHROPIC_API_KEY`, `ANTHROPIC_URL` (https://api.anthropic.com), `ANTHROPIC_MODEL`.
    pub anthropic: Option<Provider>,
    /// `CAPTURE_CALL_TIMEOUT_SECS`: one call to a provider, start to end (60).
    pub call_timeout: Duration,
    /// `CAPTURE_MAX_AUDIO_BYTES` (10 MiB) and `CAPTURE_MAX_AUDIO_SECS` (300).
    pub max_audio_bytes: u64,
    pub max_audio_secs: u64,
    /// `CAPTURE_AUDIO_MINUTES_PER_MONTH` (60) and `CAPTURE_EXTRACTIONS_PER_MONTH` (300: texts
    /// and documents read by a model),
    /// per user and calendar month (UTC), until plans set them.
    pub audio_minutes_per_month: u64,
    pub extractions_per_month: u64,
}

/// Claude's small, fast model: extraction is a short structured answer.
pub const DEFAULT_ANTHROPIC_MODEL: &str = "claude-haiku-4-5";

impl CaptureConfig {
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let provider = |key: &str, url: &'static str, default_url: &str, model: &str, default_model: &str| {
            lookup(key)
                // A provider key still holding the placeholder is not configured (that way
                // of capturing is off), rather than a key every call would have refused.
                .filter(|secret| secret.trim() != SSM_PLACEHOLDER)
                .map(|secret| -> Result<Provider, ConfigError> {
                    Ok(Provider {
                        url: parse_origin(url, lookup(url), default_url)?,
                        key: Secret::new(secret.trim()),
                        model: lookup(model).unwrap_or_else(|| default_model.into()),
                    })
                })
                .transpose()
        };
        let config = Self {
            deepgram: provider(
                "DEEPGRAM_API_KEY",
                "DEEPGRAM_URL",
                "https://api.deepgram.com",
                "DEEPGRAM_MODEL",
                "nova-3",
            )?,
            anthropic: provider(
                "ANTHROPIC_API_KEY",
                "ANTHROPIC_URL",
                "https://api.anthropic.com",
                "ANTHROPIC_MODEL",
                DEFAULT_ANTHROPIC_MODEL,
            )?,
            call_timeout: Duration::from_secs(parse_var(
                "CAPTURE_CALL_TIMEOUT_SECS",
                lookup("CAPTURE_CALL_TIMEOUT_SECS"),
                60,
            )?),
            max_audio_bytes: parse_var(
                "CAPTURE_MAX_AUDIO_BYTES",
                lookup("CAPTURE_MAX_AUDIO_BYTES"),
                10 * 1024 * 1024,
            )?,
            max_audio_secs: parse_var("CAPTURE_MAX_AUDIO_SECS", lookup("CAPTURE_MAX_AUDIO_SECS"), 300)?,
            audio_minutes_per_month: parse_var(
                "CAPTURE_AUDIO_MINUTES_PER_MONTH",
                lookup("CAPTURE_AUDIO_MINUTES_PER_MONTH"),
                60,
            )?,
            extractions_per_month: parse_var(
                "CAPTURE_EXTRACTIONS_PER_MONTH",
                lookup("CAPTURE_EXTRACTIONS_PER_MONTH"),
                300,
            )?,
        };
        if config.call_timeout.is_zero() || config.call_timeout > Duration::from_secs(600) {
            return Err(ConfigError::new("CAPTURE_CALL_TIMEOUT_SECS", "must be 1 to 600"));
        }
        if config.max_audio_bytes == 0 || config.max_audio_bytes > 100 * 1024 * 1024 {
            return Err(ConfigError::new(
                "CAPTURE_MAX_AUDIO_BYTES",
                "must be 1 to 104857600",
            ));
        }
        if config.max_audio_secs == 0 {
            return Err(ConfigError::new("CAPTURE_MAX_AUDIO_SECS", "must be at least 1"));
        }
        Ok(config)
    }

    /// Lines for `softly config`.
    pub fn describe(&self) -> Vec<String> {
        let provider = |name: &str, provider: &Option<Provider>| match provider {
            Some(p) => vec![
                format!("{name}_API_KEY=[redacted]"),
                format!("{name}_URL={}", p.url),
                format!("{name}_MODEL={}", p.model),
            ],
            None => vec![format!("{name}_API_KEY=(none)")],
        };
        let mut lines = provider("DEEPGRAM", &self.deepgram);
        lines.extend(provider("ANTHROPIC", &self.anthropic));
        lines.extend([
            format!("CAPTURE_CALL_TIMEOUT_SECS={}", self.call_timeout.as_secs()),
            format!("CAPTURE_MAX_AUDIO_BYTES={}", self.max_audio_bytes),
            format!("CAPTURE_MAX_AUDIO_SECS={}", self.max_audio_secs),
            format!("CAPTURE_AUDIO_MINUTES_PER_MONTH={}", self.audio_minutes_per_month),
            format!("CAPTURE_EXTRACTIONS_PER_MONTH={}", self.extractions_per_month),
        ]);
        lines
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<CaptureConfig, ConfigError> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        CaptureConfig::from_lookup(&|name| vars.get(name).cloned())
    }

    #[test]
    fn keys_turn_providers_on_and_the_ssm_placeholder_does_not() {
        let none = config(&[]).unwrap();
        assert!(none.deepgram.is_none() && none.anthropic.is_none());
        let placeholder = config(&[("DEEPGRAM_API_KEY", "unset"), ("ANTHROPIC_API_KEY", "unset")]).unwrap();
        assert!(placeholder.deepgram.is_none() && placeholder.anthropic.is_none());
        let on = config(&[
            ("DEEPGRAM_API_KEY", "dg"),
            ("ANTHROPIC_API_KEY", "sk"),
            ("ANTHROPIC_MODEL", "claude-x"),
        ])
        .unwrap();
        assert_eq!(on.deepgram.unwrap().url, "https://api.deepgram.com");
        let claude = on.anthropic.unwrap();
        assert_eq!((claude.key.expose(), claude.model.as_str()), ("sk", "claude-x"));
        assert!(config(&[("DEEPGRAM_API_KEY", "dg"), ("DEEPGRAM_URL", "ftp://x")]).is_err());
        assert!(config(&[("CAPTURE_CALL_TIMEOUT_SECS", "0")]).is_err());
        assert!(config(&[("CAPTURE_MAX_AUDIO_BYTES", "0")]).is_err());
    }
}
