//! Receiving a file: streamed chunk by chunk into a temporary file, hashed and counted
//! on the way, its first bytes kept for sniffing. Nothing holds the whole file.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::domain::FileType;

/// A file in the scratch folder, removed when dropped.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// A fresh name in `scratch`; the file itself is made by whoever writes it.
    pub fn name_in(scratch: &Path, prefix: &str) -> Self {
        Self {
            path: scratch.join(format!("{prefix}-{}", uuid::Uuid::now_v7().simple())),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A file received whole.
#[derive(Debug)]
pub struct Received {
    pub file: TempFile,
    pub byte_size: u64,
    pub sha256: [u8; 32],
    pub head: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("the file is larger than {0} bytes")]
    TooLarge(u64),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// A file being received.
pub struct Intake {
    file: tokio::fs::File,
    temp: TempFile,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    limit: u64,
}

impl Intake {
    /// Starts a file in `scratch` that refuses to grow beyond `limit` bytes.
    pub async fn create(scratch: &Path, limit: u64) -> io::Result<Self> {
        let temp = TempFile::name_in(scratch, "upload");
        let file = tokio::fs::File::create(&temp.path).await?;
        Ok(Self {
            file,
            temp,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(FileType::SNIFF_LEN),
            limit,
        })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), IntakeError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(IntakeError::TooLarge(self.limit));
        }
        let wanted = FileType::SNIFF_LEN
            .saturating_sub(self.head.len())
            .min(chunk.len());
        self.head.extend_from_slice(&chunk[..wanted]);
        self.hasher.update(chunk);
        self.file.write_all(chunk).await?;
        Ok(())
    }

    pub async fn finish(mut self) -> io::Result<Received> {
        self.file.flush().await?;
        Ok(Received {
            file: self.temp,
            byte_size: self.size,
            sha256: self.hasher.finalize().into(),
            head: self.head,
        })
    }
}

/// Keeps the first [`FileType::SNIFF_LEN`] bytes of a file as its chunks go by.
fn keep_head(head: &mut Vec<u8>, chunk: &[u8]) {
    let wanted = FileType::SNIFF_LEN.saturating_sub(head.len()).min(chunk.len());
    head.extend_from_slice(&chunk[..wanted]);
}

/// SHA-256, size and first bytes of a stream, without keeping it.
pub async fn digest(mut body: crate::platform::storage::ByteStream) -> io::Result<(u64, [u8; 32], Vec<u8>)> {
    use futures_util::StreamExt;
    let (mut size, mut hasher, mut head) = (0u64, Sha256::new(), Vec::with_capacity(FileType::SNIFF_LEN));
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        size += chunk.len() as u64;
        keep_head(&mut head, &chunk);
        hasher.update(&chunk);
    }
    Ok((size, hasher.finalize().into(), head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_is_counted_hashed_and_cut_off_past_its_limit() {
        let scratch = std::env::temp_dir();
        let mut intake = Intake::create(&scratch, 10).await.unwrap();
        intake.write(b"%PDF-").await.unwrap();
        intake.write(b"12345").await.unwrap();
        let received = intake.finish().await.unwrap();
        assert_eq!(received.byte_size, 10);
        assert_eq!(received.head, b"%PDF-12345");
        assert_eq!(received.sha256, <[u8; 32]>::from(Sha256::digest(b"%PDF-12345")));
        assert_eq!(std::fs::read(received.file.path()).unwrap(), b"%PDF-12345");
        let path = received.file.path().to_path_buf();
        drop(received);
        assert!(!path.exists(), "the temporary file goes with its owner");

        let mut intake = Intake::create(&scratch, 10).await.unwrap();
        intake.write(b"12345").await.unwrap();
        assert!(matches!(
            intake.write(b"123456").await,
            Err(IntakeError::TooLarge(10))
        ));
    }
}
