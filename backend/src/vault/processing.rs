//! After each upload: the stored object is read back and checked against what the
//! upload recorded (size, SHA-256, sniffed type); images get their dimensions and a
//! thumbnail. The document moves from `processing` to `ready`, or to `failed` with a
//! reason the user can read. Re-running the job is harmless: a settled document is
//! left alone.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::context::Vault;
use super::domain::{DocumentStatus, FileType};
use super::intake::{Intake, TempFile};
use super::events::DocumentStored;
use super::store::documents::{self, Document, Outcome};
use super::{keys, thumbnail};
use crate::platform::jobs::{Job, JobHandler};

#[derive(Debug, Serialize, Deserialize)]
pub struct ProcessDocument {
    pub document_id: String,
}

impl Job for ProcessDocument {
    const KIND: &'static str = "vault_process_document";
}

pub struct ProcessDocumentHandler {
    pub vault: Vault,
}

impl JobHandler<ProcessDocument> for ProcessDocumentHandler {
    async fn run(&self, _job_id: &str, job: ProcessDocument) -> anyhow::Result<()> {
        let Some(document) = documents::find(self.vault.db.pool(), &job.document_id).await? else {
            return Ok(()); // deleted meanwhile
        };
        if document.status != DocumentStatus::Processing {
            return Ok(());
        }
        let (outcome, thumbnail_key) = self.process(&document).await?;
        let mut work = self.vault.work.begin().await?;
        let now = work.now_ms();
        let written = documents::settle(work.conn(), &document.id, &outcome, now).await?;
        if written && matches!(outcome, Outcome::Ready { .. }) {
            work.publish(&DocumentStored {
                document_id: document.id.clone(),
                user_id: document.user_id.clone(),
                content_type: document.content_type.clone(),
                created_at: document.created_at,
            })
            .await?;
        }
        work.commit().await?;
        if !written && let Some(key) = thumbnail_key {
            // The document went while we worked: its thumbnail must not outlive it.
            self.vault.store.delete(&key).await?;
        }
        tracing::info!(document_id = %document.id, outcome = ?outcome, "document processed");
        Ok(())
    }
}

fn failed(reason: impl Into<String>) -> Outcome {
    Outcome::Failed {
        reason: reason.into(),
    }
}

impl ProcessDocumentHandler {
    /// Errors are transient (storage, disk) and retried; a bad file is an outcome.
    async fn process(
        &self,
        document: &Document,
    ) -> anyhow::Result<(Outcome, Option<crate::platform::storage::ObjectKey>)> {
        let store = &self.vault.store;
        let Some(object) = store.get(&keys::stored(&document.object_key)?).await? else {
            return Ok((failed("The stored file is missing."), None));
        };
        let mut intake = Intake::create(&self.vault.scratch, u64::MAX).await?;
        let mut body = object.body;
        while let Some(chunk) = body.next().await {
            intake.write(&chunk?).await?;
        }
        let received = intake.finish().await?;
        if received.byte_size != document.byte_size as u64
            || STANDARD.encode(received.sha256) != document.checksum_sha256
        {
            return Ok((failed("The stored file does not match what was uploaded."), None));
        }
        let Some(file_type) = FileType::sniff(&received.head) else {
            return Ok((failed("The stored file is not a type Softly accepts."), None));
        };
        if !matches!(file_type, FileType::Jpeg | FileType::Png | FileType::Webp) {
            // PDFs have no thumbnail; HEIC/HEIF have no decoder in this build.
            let ready = Outcome::Ready {
                width: None,
                height: None,
                thumbnail_key: None,
            };
            return Ok((ready, None));
        }
        let target = TempFile::name_in(&self.vault.scratch, "thumbnail");
        let (source, destination) = (received.file.path().to_path_buf(), target.path().to_path_buf());
        let max_pixels = self.vault.limits.max_image_pixels;
        let planned = {
            let source = source.clone();
            tokio::task::spawn_blocking(move || thumbnail::plan(&source, max_pixels)).await?
        };
        let plan = match planned {
            Ok(plan) => plan,
            Err(refusal) => return Ok((failed(refusal.to_string()), None)),
        };
        // Decoding waits for its memory while other images hold the budget; an image
        // that could never fit is refused without being decoded.
        let reservation = match self.vault.memory.reserve(plan.memory_bytes).await {
            Ok(reservation) => reservation,
            Err(over) => {
                let refusal = thumbnail::Refusal::TooMuchMemory {
                    needed_mib: over.wanted_mib,
                    budget_mib: over.total_mib,
                };
                return Ok((failed(refusal.to_string()), None));
            }
        };
        let made = tokio::task::spawn_blocking(move || thumbnail::make(&source, &destination, plan)).await?;
        drop(reservation);
        match made {
            Ok(dimensions) => {
                let key = keys::thumbnail(&document.user_id, &document.id);
                store.put_file(&key, target.path(), "image/jpeg").await?;
                let ready = Outcome::Ready {
                    width: Some(i64::from(dimensions.width)),
                    height: Some(i64::from(dimensions.height)),
                    thumbnail_key: Some(key.as_str().to_string()),
                };
                Ok((ready, Some(key)))
            }
            Err(refusal) => Ok((failed(refusal.to_string()), None)),
        }
    }
}
