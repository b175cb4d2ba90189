//! Reading vault documents into suggested details. Claude reads images and PDFs — only
//! for users who turned `ai_document_reading` on: in the background for documents stored
//! after they did, and on request for older ones. Without a model key, PDFs with a text
//! layer are read on this machine (labelled dates, a passport's machine-readable zone),
//! which sends nothing anywhere. Suggestions wait for the person: accepting applies them
//! through the vault's public editor, so the vault's details-changed event (and with it an
//! expiry item and its reminders) follows.

use serde::{Deserialize, Serialize};

use super::allowance::month_of;
use super::context::Captures;
use super::domain::document::{self, pdf_text};
use super::providers::with_retries;
use super::store::usage::{self, Call};
use super::store::{settings, suggestions};
use crate::accounts::UserDeleted;
use crate::platform::events::Subscriber;
use crate::platform::jobs::{Job, JobHandler};
use crate::vault::{DocumentDeleted, DocumentStored, ReadError};

/// The largest image Claude takes (5 MB); PDFs may be as large as the vault keeps (32 MB
/// is the API's limit, above the vault's 25 MiB).
pub const MAX_IMAGE_BYTES: u64 = 5 * 1024 * 1024;
pub const MAX_PDF_BYTES: u64 = 32 * 1024 * 1024;
/// What Claude reads (HEIC/HEIF it does not).
const CLAUDE_READS: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/pdf"];

/// Who reads a document of `content_type` for a user with `settings`; None: nobody may.
pub fn reader_for(captures: &Captures, content_type: &str, ai_allowed: bool) -> Option<&'static str> {
    match &captures.claude {
        Some(_) if ai_allowed && CLAUDE_READS.contains(&content_type) => Some("claude"),
        Some(_) if ai_allowed => None,
        _ if content_type == "application/pdf" => Some("local"),
        _ => None,
    }
}

/// Read the document of reading `read_id`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReadDocument {
    pub read_id: String,
}

impl Job for ReadDocument {
    const KIND: &'static str = "capture_read_document";
    const MAX_ATTEMPTS: i64 = 4;
}

pub struct ReadDocumentHandler(pub Captures);

impl JobHandler<ReadDocument> for ReadDocumentHandler {
    async fn run(&self, _job_id: &str, job: ReadDocument) -> anyhow::Result<()> {
        let captures = &self.0;
        let Some(reading) = suggestions::find_read(captures.db.pool(), &job.read_id).await? else {
            return Ok(());
        };
        if reading.status != "reading" {
            return Ok(());
        }
        let outcome = read(captures, &reading.user_id, &reading.document_id, &reading.reader).await?;
        let mut work = captures.work.begin().await?;
        let now = work.now_ms();
        match outcome {
            Ok((fields, cost)) => {
                if let Some((model, input_tokens, output_tokens)) = cost {
                    let call = Call {
                        user_id: &reading.user_id,
                        capture_id: &reading.read_id,
                        call: "document_reading",
                        provider: "anthropic",
                        model: &model,
                        audio_ms: 0,
                        input_tokens,
                        output_tokens,
                        month: &month_of(now),
                        at: now,
                    };
                    usage::record(work.conn(), &call).await?;
                }
                suggestions::finish(work.conn(), &reading.read_id, Some(&fields), None, now).await?;
            }
            Err(reason) => suggestions::finish(work.conn(), &reading.read_id, None, Some(&reason), now).await?,
        }
        work.commit().await?;
        Ok(())
    }
}

type Cost = Option<(String, i64, i64)>;

/// The suggestions and what they cost; or why there are none, for the person.
async fn read(
    captures: &Captures,
    user_id: &str,
    document_id: &str,
    reader: &str,
) -> anyhow::Result<Result<(document::DocumentSuggestions, Cost), String>> {
    let max = if reader == "claude" { MAX_PDF_BYTES } else { 25 * 1024 * 1024 };
    let file = match captures.documents.read(user_id, document_id, max).await {
        Ok(file) => file,
        Err(ReadError::NotFound) => return Ok(Err("The document is no longer in the vault.".into())),
        Err(ReadError::TooLarge(bytes)) => {
            return Ok(Err(format!("The file is too large to read ({} MB).", bytes / 1_000_000)));
        }
        Err(ReadError::Internal(e)) => return Err(e),
    };
    if reader == "local" {
        let text = pdf_text::text(&file.bytes);
        return Ok(Ok((document::read_text(&text), None)));
    }
    let Some(claude) = &captures.claude else {
        return Ok(Err("Reading documents by AI is off on this server now.".into()));
    };
    if !settings::get(captures.db.pool(), user_id).await?.ai_document_reading {
        return Ok(Err("AI document reading was turned off before this document was read.".into()));
    }
    if file.content_type != "application/pdf" && file.bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Ok(Err("The photo is larger than 5 MB, more than can be read: enter the details yourself.".into()));
    }
    let call = || claude.read_document(&file.bytes, &file.content_type);
    match with_retries(captures.backoff, call).await {
        Ok((fields, model, input, output)) => Ok(Ok((fields, Some((model, input, output))))),
        Err(error) => Ok(Err(error.to_string())),
    }
}

/// A document just stored is read in the background when its owner allowed it (stored
/// after they turned AI reading on) or when it can be read here (a PDF, no model).
pub struct ReadNewDocument(pub Captures);

impl Subscriber<DocumentStored> for ReadNewDocument {
    async fn handle(&self, _event_id: &str, event: DocumentStored) -> anyhow::Result<()> {
        let captures = &self.0;
        let allowed = settings::get(captures.db.pool(), &event.user_id)
            .await?
            .reads_in_background(event.created_at);
        let Some(reader) = reader_for(captures, &event.content_type, allowed) else {
            return Ok(());
        };
        let mut work = captures.work.begin().await?;
        let now = work.now_ms();
        if suggestions::of_document(work.conn(), &event.user_id, &event.document_id).await?.is_some() {
            return Ok(()); // delivered twice
        }
        let reading = suggestions::start(work.conn(), &event.user_id, &event.document_id, reader, now).await?;
        work.enqueue(&ReadDocument {
            read_id: reading.read_id,
        })
        .await?;
        work.commit().await?;
        Ok(())
    }
}

/// A deleted document's suggestions go with it.
pub struct ForgetDeletedDocument(pub Captures);

impl Subscriber<DocumentDeleted> for ForgetDeletedDocument {
    async fn handle(&self, _event_id: &str, event: DocumentDeleted) -> anyhow::Result<()> {
        suggestions::delete(self.0.db.pool(), &event.document_id).await?;
        Ok(())
    }
}

/// Forgets a deleted user's captures, recordings, usage, settings and suggestions.
pub struct ForgetDeletedUser(pub Captures);

impl Subscriber<UserDeleted> for ForgetDeletedUser {
    async fn handle(&self, _event_id: &str, event: UserDeleted) -> anyhow::Result<()> {
        let mut work = self.0.work.begin().await?;
        let keys = super::store::captures::delete_all_of(work.conn(), &event.user_id).await?;
        suggestions::delete_all_of(work.conn(), &event.user_id).await?;
        settings::forget(work.conn(), &event.user_id).await?;
        if !keys.is_empty() {
            work.enqueue(&crate::vault::DeleteObjects { keys }).await?;
        }
        work.commit().await?;
        Ok(())
    }
}
