use std::path::{Path, PathBuf};

use anyhow::Context;
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use super::{BoxFuture, ObjectKey, ObjectStore, StoredObject};

/// Objects as files below one folder. Writes go to a temporary file in the target's
/// folder, are fsynced, then renamed over the target, and the folder is fsynced: a
/// crash leaves the old object or the whole new one.
#[derive(Debug, Clone)]
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(root: PathBuf) -> Self {
        Self { root }
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
            let (target, folder) = self.target_and_folder(key).await?;
            let temporary = folder.join(format!(".{}.tmp", uuid::Uuid::now_v7().simple()));
            let written = async {
                let mut input = tokio::fs::File::open(source).await?;
                let mut output = tokio::fs::File::create(&temporary).await?;
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
            match tokio::fs::rename(source, &target).await {
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

    fn delete<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            match tokio::fs::remove_file(self.path(key)).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e).with_context(|| format!("while deleting {key}")),
            }
        })
    }
}
