//! `REDIS_URL` (optional: without it the embedded behaviour stays) and `REDIS_PREFIX`,
//! which namespaces every key so environments can share a server.

use super::{ConfigError, Lookup, Secret};

#[derive(Debug, Clone)]
pub struct RedisConfig {
    /// `redis://` or `rediss://` (TLS, as ElastiCache with transit encryption needs).
    pub url: Secret,
    pub prefix: String,
}

impl RedisConfig {
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Option<Self>, ConfigError> {
        let Some(url) = lookup("REDIS_URL") else {
            return Ok(None);
        };
        if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
            return Err(ConfigError::new(
                "REDIS_URL",
                "must start with redis:// or rediss://",
            ));
        }
        let prefix = lookup("REDIS_PREFIX").unwrap_or_else(|| "softly".into());
        if prefix.is_empty()
            || !prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(ConfigError::new(
                "REDIS_PREFIX",
                "use letters, digits, '-', '_' or '.'",
            ));
        }
        Ok(Some(Self {
            url: Secret::new(url),
            prefix,
        }))
    }

    /// Its lines for `softly config`.
    pub fn describe(config: Option<&Self>) -> Vec<String> {
        match config {
            Some(redis) => vec![
                format!("REDIS_URL={}", redis.url.redacted_url()),
                format!("REDIS_PREFIX={}", redis.prefix),
            ],
            None => {
                vec!["REDIS_URL= (none: no cache, limits in memory, jobs polled from the database)".into()]
            }
        }
    }
}
