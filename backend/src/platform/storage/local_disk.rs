use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use super::{
    BoxFuture, ByteStream, Delivery, DownloadAs, ObjectKey, ObjectStore, Presigned, ReceiveError, SignedPut,
    StoredObject, UrlSigner,
};
use crate::config::Secret;
use crate::platform::clock::Clock;

/// Objects as files below one folder. Writes go to a temporary file in the target's
/// folder, are fsynced, then renamed over the target, and the folder is fsynced: a
/// crash leaves the old object or the whole new one. Clients send bytes to the API's
/// receiving route with a URL this store signed; downloads stream through the API.
#[derive(Clone)]
pub struct LocalDisk {
    root: PathBuf,
    signer: UrlSigner,
    clock: Clock,
}

impl LocalDisk {
    /// Objects below `root`; upload URLs signed with a key derived from `secret`, dated
    /// by `clock`.
    pub fn new(root: PathBuf, secret: &Secret, clock: Clock) -> Self {
        Self {
            root,
            signer: UrlSigner::new(secret),
            clock,
        }
    }

    /// A new, empty temporary file beside `key`'s target, with its path and folder. A
    /// folder that a deletion emptied and removed in the meantime is made again; once the
    /// file exists the folder is not empty, so it stays until the file is renamed.
    async fn temporary_beside(&self, key: &ObjectKey) -> anyhow::Result<(tokio::fs::File, PathBuf, PathBuf)> {
        let (_, folder) = self.target_and_folder(key).await?;
        let temporary = folder.join(format!(".{}.tmp", uuid::Uuid::now_v7().simple()));
        let created = match tokio::fs::File::create(&temporary).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tokio::fs::create_dir_all(&folder).await?;
                tokio::fs::File::create(&temporary).await
            }
            created => created,
        };
        let file = created.with_context(|| format!("while creating {}", temporary.display()))?;
        Ok((file, temporary, folder))
    }

    /// Streams `body` into `output`, `limit` bytes at most.
    async fn write_body(
        mut output: tokio::fs::File,
        mut body: ByteStream,
        limit: u64,
    ) -> Result<(), ReceiveError> {
        let mut written: u64 = 0;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(ReceiveError::Interrupted)?;
            written += chunk.len() as u64;
            if written > limit {
                return Err(ReceiveError::TooLarge);
            }
            output
                .write_all(&chunk)
                .await
                .context("while writing an upload")?;
        }
        output.flush().await.context("while writing an upload")?;
        Ok(())
    }

    /// Where `key` lives and its folder, which is created if missing.
    async fn target_and_folder(&self, key: &ObjectKey) -> anyhow::Result<(PathBuf, PathBuf)> {
        let target = self.path(key);
        let folder = target
            .parent()
            .context("an object key names a file")?
            .to_path_buf();
        tokio::fs::create_dir_all(&folder)
            .await
            .with_context(|| format!("while creating {}", folder.display()))?;
        Ok((target, folder))
    }

    fn path(&self, key: &ObjectKey) -> PathBuf {
        // ObjectKey admits no absolute paths and no `..`: the result stays below root.
        self.root.join(key.as_str())
    }
}

impl ObjectStore for LocalDisk {
    fn put_file<'a>(
        &'a self,
        key: &'a ObjectKey,
        source: &'a Path,
        _content_type: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let target = self.path(key);
            let (mut output, temporary, folder) = self.temporary_beside(key).await?;
            let written = async {
                let mut input = tokio::fs::File::open(source).await?;
                tokio::io::copy(&mut input, &mut output).await?;
                output.flush().await?;
                output.sync_all().await?;
                tokio::fs::rename(&temporary, &target).await?;
                tokio::fs::File::open(&folder).await?.sync_all().await
            }
            .await;
            if written.is_err() {
                let _ = tokio::fs::remove_file(&temporary).await;
            }
            written.with_context(|| format!("while storing {key}"))
        })
    }

    fn put_temp_file<'a>(
        &'a self,
        key: &'a ObjectKey,
        source: &'a Path,
        content_type: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let (target, folder) = self.target_and_folder(key).await?;
            // The bytes reach the disk before the name does.
            tokio::fs::File::open(source)
                .await?
                .sync_all()
                .await
                .with_context(|| format!("while syncing {}", source.display()))?;
            let renamed = match tokio::fs::rename(source, &target).await {
                // A deletion emptied and removed the folder meanwhile: make it again.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && source.exists() => {
                    tokio::fs::create_dir_all(&folder).await?;
                    tokio::fs::rename(source, &target).await
                }
                renamed => renamed,
            };
            match renamed {
                Ok(()) => {
                    tokio::fs::File::open(&folder).await?.sync_all().await?;
                    Ok(())
                }
                // Scratch space on another filesystem: copy instead.
                Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {
                    self.put_file(key, source, content_type).await
                }
                Err(e) => Err(e).with_context(|| format!("while storing {key}")),
            }
        })
    }

    fn size<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<Option<u64>>> {
        Box::pin(async move {
            match tokio::fs::metadata(self.path(key)).await {
                Ok(metadata) => Ok(Some(metadata.len())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e).with_context(|| format!("while reading the size of {key}")),
            }
        })
    }

    fn get<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<Option<StoredObject>>> {
        Box::pin(async move {
            let file = match tokio::fs::File::open(self.path(key)).await {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e).with_context(|| format!("while opening {key}")),
            };
            let size = file.metadata().await?.len();
            Ok(Some(StoredObject {
                size,
                body: Box::pin(ReaderStream::new(file)),
            }))
        })
    }

    /// Removes the file, then the folders it leaves empty (up to the root).
    fn delete<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let path = self.path(key);
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("while deleting {key}")),
            }
            // A folder another object still uses is not empty and stays; one a writer
            // is about to use is made again by it (`target_and_folder`).
            let mut folder = path.parent();
            while let Some(current) = folder.filter(|f| *f != self.root && f.starts_with(&self.root)) {
                if tokio::fs::remove_dir(current).await.is_err() {
                    break;
                }
                folder = current.parent();
            }
            Ok(())
        })
    }

    /// `receiver`, signed for `key` until `expires_in` from now.
    fn presign_put<'a>(
        &'a self,
        key: &'a ObjectKey,
        content_type: &'a str,
        _checksum_sha256: &'a str,
        _byte_size: u64,
        expires_in: Duration,
        receiver: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Presigned>> {
        Box::pin(async move {
            let expires = self.clock.now_secs() + expires_in.as_secs() as i64;
            let signature = self.signer.signature(key, expires);
            Ok(Presigned {
                method: "PUT",
                url: format!("{receiver}?expires={expires}&signature={signature}"),
                headers: vec![("content-type".to_string(), content_type.to_string())],
            })
        })
    }

    fn receive<'a>(
        &'a self,
        key: &'a ObjectKey,
        signed: SignedPut<'a>,
        body: ByteStream,
        limit: u64,
    ) -> BoxFuture<'a, Result<(), ReceiveError>> {
        Box::pin(async move {
            if !self.signer.verify(key, signed.expires_secs, signed.signature) {
                return Err(ReceiveError::InvalidSignature);
            }
            if signed.expires_secs < self.clock.now_secs() {
                return Err(ReceiveError::Expired);
            }
            let (output, temporary, _) = self.temporary_beside(key).await?;
            let received = match Self::write_body(output, body, limit).await {
                Ok(()) => self
                    .put_temp_file(key, &temporary, "")
                    .await
                    .map_err(ReceiveError::from),
                Err(refused) => Err(refused),
            };
            if received.is_err() {
                let _ = tokio::fs::remove_file(&temporary).await;
            }
            received
        })
    }

    /// The bytes, streamed through the API.
    fn deliver<'a>(
        &'a self,
        key: &'a ObjectKey,
        _download: DownloadAs<'a>,
    ) -> BoxFuture<'a, anyhow::Result<Option<Delivery>>> {
        Box::pin(async move { Ok(self.get(key).await?.map(Delivery::Stream)) })
    }
}
