//! The durable job that turns a capture into proposals: transcribe (audio), then extract.
//!
//! Each step's result is committed with its cost before the next begins, so a worker
//! that dies mid-way leaves a retry that repeats at most the call it was making, and the
//! cost is counted once (`capture_usage` is unique per capture and kind of call). The
//! audio is deleted from storage as soon as its transcript is stored. Transcripts are
//! never logged.

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::allowance::month_of;
use super::context::Captures;
use super::domain::{CaptureStatus, Source};
use super::providers::{Situation, with_retries};
use super::store::captures::{self, Capture};
use super::store::usage::{self, Call};
use crate::items::domain::{today, zone};
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::storage::ObjectKey;

/// Process capture `capture_id`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProcessCapture {
    pub capture_id: String,
}

impl Job for ProcessCapture {
    const KIND: &'static str = "capture_process";
    /// Provider failures are retried inside a run; another run is for a worker that died.
    const MAX_ATTEMPTS: i64 = 4;
}

pub struct ProcessCaptureHandler(pub Captures);

impl JobHandler<ProcessCapture> for ProcessCaptureHandler {
    async fn run(&self, _job_id: &str, job: ProcessCapture) -> anyhow::Result<()> {
        let captures = &self.0;
        let Some(capture) = captures::find(captures.db.pool(), &job.capture_id).await? else {
            return Ok(()); // discarded meanwhile
        };
        if capture.status != CaptureStatus::Processing {
            return Ok(());
        }
        let Some(user) = captures.directory.find(&capture.user_id).await? else {
            return Ok(()); // the account is being deleted
        };
        let text = match &capture.transcript {
            Some(text) => text.clone(),
            None => match transcribe(captures, &capture).await? {
                Some(text) => text,
                None => return Ok(()),
            },
        };
        drop_audio(captures, &capture).await?;
        let now = captures.clock.now_ms();
        let situation = Situation {
            today: today(now, &zone(&user.time_zone)),
            time_zone: user.time_zone,
        };
        let extractor = &captures.extractor;
        let extraction = if text.trim().is_empty() {
            None
        } else {
            match with_retries(captures.backoff, || extractor.extract(&text, &situation)).await {
                Ok(extraction) => Some(extraction),
                Err(error) => return fail(captures, &capture.id, &error.to_string()).await,
            }
        };
        let mut work = captures.work.begin().await?;
        let now = work.now_ms();
        let proposals = extraction.as_ref().map(|e| e.proposals.as_slice()).unwrap_or_default();
        if let Some(extraction) = extraction.as_ref().filter(|e| !e.local) {
            let call = Call {
                user_id: &capture.user_id,
                capture_id: &capture.id,
                call: "extraction",
                provider: "anthropic",
                model: &extraction.model,
                audio_ms: 0,
                input_tokens: extraction.input_tokens,
                output_tokens: extraction.output_tokens,
                month: &month_of(now),
                at: now,
            };
            usage::record(work.conn(), &call).await?;
        }
        captures::set_ready(work.conn(), &capture.id, proposals, extractor.name(), now).await?;
        work.commit().await?;
        tracing::info!(capture_id = %capture.id, proposals = proposals.len(), "capture ready");
        Ok(())
    }
}

/// Transcribes the capture's audio and stores the transcript with its cost; None when the
/// capture failed instead (too long, refused, lost).
async fn transcribe(captures: &Captures, capture: &Capture) -> anyhow::Result<Option<String>> {
    debug_assert_eq!(capture.source, Source::Audio);
    let Some(transcriber) = &captures.transcriber else {
        fail(captures, &capture.id, "Voice capture is off on this server now: type it instead.").await?;
        return Ok(None);
    };
    let (Some(key), Some(audio_type)) = (&capture.audio_key, capture.audio_type) else {
        fail(captures, &capture.id, "The recording is no longer kept: record it again.").await?;
        return Ok(None);
    };
    let Some(audio) = read(captures, key).await? else {
        fail(captures, &capture.id, "The recording is no longer kept: record it again.").await?;
        return Ok(None);
    };
    let transcript = match with_retries(captures.backoff, || transcriber.transcribe(audio.clone(), audio_type.mime())).await {
        Ok(transcript) => transcript,
        Err(error) => {
            fail(captures, &capture.id, &error.to_string()).await?;
            return Ok(None);
        }
    };
    let mut work = captures.work.begin().await?;
    let now = work.now_ms();
    let audio_ms = capture.audio_ms.unwrap_or(transcript.duration_ms as i64).max(transcript.duration_ms as i64);
    let call = Call {
        user_id: &capture.user_id,
        capture_id: &capture.id,
        call: "transcription",
        provider: "deepgram",
        model: &transcript.model,
        audio_ms: transcript.duration_ms as i64,
        input_tokens: 0,
        output_tokens: 0,
        month: &month_of(now),
        at: now,
    };
    usage::record(work.conn(), &call).await?;
    captures::set_transcript(work.conn(), &capture.id, &transcript.text, audio_ms, now).await?;
    let too_long = audio_ms > captures.limits.max_audio_ms;
    if too_long {
        let reason = format!(
            "The recording is {} s long; a capture takes at most {} s.",
            audio_ms / 1000,
            captures.limits.max_audio_ms / 1000
        );
        captures::fail(work.conn(), &capture.id, &reason, now).await?;
    }
    work.commit().await?;
    if too_long {
        drop_audio(captures, capture).await?;
        return Ok(None);
    }
    Ok(Some(transcript.text))
}

/// The audio at `key`, whole (it is small: `CAPTURE_MAX_AUDIO_BYTES`), or None when gone.
async fn read(captures: &Captures, key: &str) -> anyhow::Result<Option<Bytes>> {
    let key = ObjectKey::parse(key)?;
    let Some(object) = captures.store.get(&key).await? else {
        return Ok(None);
    };
    let mut body = object.body;
    let mut bytes = BytesMut::with_capacity(object.size.min(captures.limits.max_audio_bytes) as usize);
    while let Some(chunk) = body.next().await {
        bytes.extend_from_slice(&chunk?);
        anyhow::ensure!(
            bytes.len() as u64 <= captures.limits.max_audio_bytes,
            "stored audio {key} is larger than any accepted"
        );
    }
    Ok(Some(bytes.freeze()))
}

/// Deletes the capture's audio, if it still has some, then forgets its key (the key as the
/// job read it: transcribing does not change it).
async fn drop_audio(captures: &Captures, capture: &Capture) -> anyhow::Result<()> {
    if let Some(key) = &capture.audio_key {
        captures.store.delete(&ObjectKey::parse(key)?).await?;
        let mut conn = captures.db.pool().acquire().await?;
        captures::clear_audio(&mut conn, &capture.id, captures.clock.now_ms()).await?;
    }
    Ok(())
}

/// Leaves the capture failed with `reason` (the person reads it and may retry).
async fn fail(captures: &Captures, id: &str, reason: &str) -> anyhow::Result<()> {
    let mut work = captures.work.begin().await?;
    let now = work.now_ms();
    captures::fail(work.conn(), id, reason, now).await?;
    work.commit().await?;
    tracing::warn!(capture_id = %id, reason, "capture failed");
    Ok(())
}
