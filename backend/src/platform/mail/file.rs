use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;

use anyhow::Context;

use super::{Mailer, OutgoingEmail};

/// The embedded transport: each message becomes `<id>.eml` in one folder, written
/// atomically (temporary file, fsync, rename), so a retried job overwrites, never doubles.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
}

impl FileMailer {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }
}

impl Mailer for FileMailer {
    fn send<'a>(
        &'a self,
        email: &'a OutgoingEmail,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let bytes = email.to_rfc5322()?;
            let dir = self.dir.clone();
            let id = email.id.clone();
            let path = tokio::task::spawn_blocking(move || write_atomically(&dir, &id, &bytes))
                .await
                .context("while writing an email file")??;
            tracing::info!(
                to = %email.to.email, subject = %email.subject, path = %path.display(),
                link = email.action_url.as_deref().unwrap_or(""), "email written"
            );
            Ok(())
        })
    }
}

fn write_atomically(dir: &std::path::Path, id: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("while creating {}", dir.display()))?;
    let target = dir.join(format!("{id}.eml"));
    let temporary = dir.join(format!(".{id}.eml.tmp"));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, &target)?;
    Ok(target)
}
