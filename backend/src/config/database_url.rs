use std::path::{Path, PathBuf};

use super::{ConfigError, Secret};

/// Which database a `DATABASE_URL` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A validated database URL; its text is secret because it may carry a password.
#[derive(Debug, Clone)]
pub struct DatabaseUrl {
    backend: Backend,
    url: Secret,
}

impl DatabaseUrl {
    /// `postgres://…` selects PostgreSQL, `sqlite://…` SQLite; unset means the embedded
    /// SQLite file inside the data directory.
    pub fn parse(raw: Option<&str>, data_dir: &Path) -> Result<Self, ConfigError> {
        let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            let file = data_dir.join("softly.db");
            return Ok(Self {
                backend: Backend::Sqlite,
                url: Secret::new(format!("sqlite://{}?mode=rwc", file.display())),
            });
        };
        let backend = if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Backend::Postgres
        } else if raw.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(ConfigError::new(
                "DATABASE_URL",
                "must start with postgres://, postgresql:// or sqlite://",
            ));
        };
        Ok(Self {
            backend,
            url: Secret::new(raw),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn expose(&self) -> &str {
        self.url.expose()
    }

    /// The SQLite database's file; None for PostgreSQL or an in-memory database.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let path = self
            .expose()
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:")
            .split('?')
            .next()
            .unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }

    /// The URL without its password, for `softly config`.
    pub fn redacted(&self) -> String {
        self.url.redacted_url()
    }
}
