//! `SECRET_KEY_BASE`: required in production; generated once and kept in the data
//! directory in development so tokens survive restarts.

use std::io::Write;
use std::path::Path;

use super::{ConfigError, Environment, Lookup, Secret};

const MIN_LEN: usize = 32;
const FILE_NAME: &str = "secret_key_base";

/// The keys that sign and verify: always a current one, then any older ones still
/// accepted while the secret rotates.
#[derive(Clone, Debug)]
pub struct SecretKeyBases {
    /// Signs everything new.
    pub current: Secret,
    /// `SECRET_KEY_BASE_PREVIOUS`: still verify, never sign.
    pub previous: Vec<Secret>,
}

impl SecretKeyBases {
    /// The current key first, then the previous ones.
    pub fn all(&self) -> impl Iterator<Item = &Secret> {
        std::iter::once(&self.current).chain(&self.previous)
    }
}

/// The current key, then `SECRET_KEY_BASE_PREVIOUS` (comma-separated) for rotation.
pub fn resolve(
    lookup: Lookup<'_>,
    environment: Environment,
    data_dir: &Path,
) -> Result<SecretKeyBases, ConfigError> {
    let current = match lookup("SECRET_KEY_BASE") {
        Some(value) => value,
        None if environment == Environment::Production => {
            return Err(ConfigError::new("SECRET_KEY_BASE", "is required in production"));
        }
        None => load_or_generate(data_dir)?,
    };
    let mut keys = SecretKeyBases {
        current: checked("SECRET_KEY_BASE", current)?,
        previous: Vec::new(),
    };
    // Terraform's placeholder: no rotation under way (the parameter exists so that ECS,
    // which refuses to start a task whose secret is missing, can always inject it).
    let previous = lookup("SECRET_KEY_BASE_PREVIOUS").filter(|value| value.trim() != super::SSM_PLACEHOLDER);
    if let Some(previous) = previous {
        for key in previous.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            keys.previous
                .push(checked("SECRET_KEY_BASE_PREVIOUS", key.to_string())?);
        }
    }
    Ok(keys)
}

fn checked(var: &'static str, value: String) -> Result<Secret, ConfigError> {
    if value.len() < MIN_LEN {
        return Err(ConfigError::new(
            var,
            format!("must be at least {MIN_LEN} characters"),
        ));
    }
    Ok(Secret::new(value))
}

fn load_or_generate(data_dir: &Path) -> Result<String, ConfigError> {
    let path = data_dir.join(FILE_NAME);
    let fail = |e: std::io::Error| {
        ConfigError::new(
            "SECRET_KEY_BASE",
            format!("cannot keep a generated key at {}: {e}", path.display()),
        )
    };
    match std::fs::read_to_string(&path) {
        Ok(existing) => return Ok(existing.trim().to_string()),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(e)),
        Err(_) => {}
    }
    std::fs::create_dir_all(data_dir).map_err(fail)?;
    let mut bytes = [0u8; 64];
    getrandom::fill(&mut bytes).map_err(|e| fail(std::io::Error::other(e.to_string())))?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(key.as_bytes()).map_err(fail)?;
            file.sync_all().map_err(fail)?;
            Ok(key)
        }
        // Another process generated it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read_to_string(&path)
            .map(|s| s.trim().to_string())
            .map_err(fail),
        Err(e) => Err(fail(e)),
    }
}
