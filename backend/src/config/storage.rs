//! Where the document vault keeps files: `S3_BUCKET` selects S3, else local disk.

use std::path::{Path, PathBuf};

use super::{ConfigError, Lookup};

/// The vault bucket and how to reach it.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    /// An S3-compatible server instead of AWS (path-style addressing), for tests.
    pub endpoint: Option<String>,
    /// The KMS key every write asks S3 to encrypt with (SSE-KMS); None: S3's own keys
    /// (SSE-S3). Production's is the vault key only the task role may use.
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone)]
pub enum StorageConfig {
    /// Files below this folder (`$SOFTLY_DATA_DIR/objects`).
    LocalDisk(PathBuf),
    S3(S3Settings),
}

impl StorageConfig {
    pub fn from_lookup(lookup: Lookup<'_>, data_dir: &Path) -> Result<Self, ConfigError> {
        let Some(bucket) = lookup("S3_BUCKET") else {
            return Ok(Self::LocalDisk(data_dir.join("objects")));
        };
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
        if !valid_bucket {
            return Err(ConfigError::new(
                "S3_BUCKET",
                format!("{bucket:?} is not a valid bucket name"),
            ));
        }
        let endpoint = lookup("S3_ENDPOINT");
        if let Some(endpoint) = &endpoint
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            return Err(ConfigError::new(
                "S3_ENDPOINT",
                "must start with http:// or https://",
            ));
        }
        Ok(Self::S3(S3Settings {
            bucket,
            region: lookup("AWS_REGION")
                .or_else(|| lookup("AWS_DEFAULT_REGION"))
                .unwrap_or_else(|| "eu-west-2".into()),
            endpoint,
            kms_key_id: lookup("S3_KMS_KEY_ID"),
        }))
    }

    /// Its lines for `softly config`.
    pub fn describe(&self) -> Vec<String> {
        match self {
            Self::LocalDisk(root) => vec![format!("S3_BUCKET= (none: local disk at {})", root.display())],
            Self::S3(s3) => vec![
                format!("S3_BUCKET={}", s3.bucket),
                format!("AWS_REGION={}", s3.region),
                format!("S3_ENDPOINT={}", s3.endpoint.as_deref().unwrap_or("")),
                format!("S3_KMS_KEY_ID={}", s3.kms_key_id.as_deref().unwrap_or("")),
            ],
        }
    }
}
