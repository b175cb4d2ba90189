//! Capture: what a person says or types becomes items they review before anything is
//! saved. A recording is transcribed by Deepgram; the text is read by Claude (or, with no
//! `ANTHROPIC_API_KEY`, by the local extractor on this machine) into proposals — complete
//! item drafts with a confidence. Accepting creates them through the items capability's
//! public service; nothing becomes an item without that step.
//!
//! A capture is taken at once (202) and processed by a durable job. Audio is kept only
//! until transcribed; transcripts are never logged. Each provider call's cost is recorded
//! once per capture, and monthly limits per user are checked before a capture is taken.

mod allowance;
mod context;
pub mod domain;
mod error;
mod handlers;
mod maintenance;
mod process;
mod providers;
mod reading;
mod report;
mod store;
mod views;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use maintenance::PurgeStaleRecordings;
pub use process::ProcessCapture;
pub use report::month_report;

use crate::accounts::{Directory, UserDeleted};
use crate::capability::profile::SqlSection;
use crate::capability::{Capability, Definition, Wiring};
use crate::http::extract::Authentication;
use crate::items::ItemDrafts;
use crate::platform::db::Migration;
use crate::platform::events::Subscriptions;
use crate::platform::jobs::JobRegistry;
use crate::platform::schedule::Schedule;
use crate::plans::Plans;
use crate::vault::{DocumentDeleted, DocumentEditor, DocumentReader, DocumentStored};
use context::{Captures, Limits, Monthly};
use maintenance::PurgeStaleRecordingsHandler;
use process::ProcessCaptureHandler;
use reading::{ForgetDeletedDocument, ForgetDeletedUser, ReadDocument, ReadDocumentHandler, ReadNewDocument};
use providers::anthropic::Claude;
use providers::deepgram::Deepgram;
use providers::{Backoff, Extractor, LocalExtractor, Transcriber, http_client};

pub const CAPABILITY: Definition = Definition {
    name: "capture",
    migrations: &[
        Migration {
            version: 8,
            name: "captures",
            sql: include_str!("migrations/0008_captures.sql"),
        },
        Migration {
            version: 9,
            name: "document_reading",
            sql: include_str!("migrations/0009_document_reading.sql"),
        },
    ],
    wire,
};

/// What capture adds to the signed-in user's profile: which ways of capturing are on,
/// and this month's use against the limits.
#[derive(Debug, Serialize, ToSchema)]
struct CaptureProfile {
    /// Which ways of capturing are on, this month's use, and AI document reading.
    #[schema(inline)]
    capture: CaptureFeatures,
}

#[derive(Debug, Serialize, ToSchema)]
struct CaptureFeatures {
    /// Whether recordings are taken (the server has a speech-to-text key).
    voice: bool,
    /// Typed text is always taken.
    text: bool,
    /// What reads text: `claude`, or `local` (on the server, no model).
    reader: &'static str,
    /// The longest recording, in seconds.
    max_audio_seconds: i64,
    audio_seconds_used: i64,
    audio_seconds_limit: i64,
    /// Texts and documents read by a model this month (reading on the server is not counted).
    extractions_used: i64,
    extractions_limit: i64,
    /// When this month's use starts again from zero.
    #[schema(format = DateTime)]
    resets_at: String,
    /// Whether the user lets documents be read by AI (`PATCH /v1/capture/settings`).
    ai_document_reading: bool,
    /// Whether this server can read documents by AI (it has a model key).
    ai_document_reading_available: bool,
}

fn wire(wiring: &mut Wiring) -> anyhow::Result<Capability> {
    let platform = wiring.platform().clone();
    let config = &platform.config.capture;
    let http = http_client(config.call_timeout)?;
    let transcriber = config
        .deepgram
        .clone()
        .map(|provider| Arc::new(Deepgram::new(http.clone(), provider)) as Arc<dyn Transcriber>);
    let claude = config
        .anthropic
        .clone()
        .map(|provider| Arc::new(Claude::new(http, provider)));
    let extractor: Arc<dyn Extractor> = match &claude {
        Some(claude) => claude.clone(),
        None => Arc::new(LocalExtractor),
    };
    let scratch = platform.config.data_dir.join("tmp");
    std::fs::create_dir_all(&scratch)
        .map_err(|e| anyhow::anyhow!("cannot create the scratch folder {}: {e}", scratch.display()))?;
    let captures = Captures {
        db: platform.db.clone(),
        clock: platform.clock.clone(),
        work: platform.work(),
        store: platform.storage.clone(),
        authentication: wiring.service::<Authentication>()?,
        directory: wiring.service::<Directory>()?,
        drafts: wiring.service::<ItemDrafts>()?,
        transcriber,
        extractor,
        claude,
        documents: wiring.service::<DocumentReader>()?,
        editor: wiring.service::<DocumentEditor>()?,
        backoff: Backoff::PROVIDERS,
        limits: Limits {
            max_audio_bytes: config.max_audio_bytes,
            max_audio_ms: config.max_audio_secs as i64 * 1000,
        },
        plans: wiring.service::<Plans>()?,
        scratch,
    };
    let profile = captures.clone();
    wiring.profile_section(SqlSection::new(
        move |now| store::usage::profile_columns(&allowance::month_of(now)),
        move |row, now| {
            let (used, ai_document_reading) = store::usage::from_profile_row(row)?;
            let captures = &profile;
            let limits = captures.limits;
            // The plans section selects the plan for everyone.
            let monthly = Monthly::of(&captures.plans.from_profile_row(row)?);
            Ok(CaptureProfile {
                capture: CaptureFeatures {
                    voice: captures.transcriber.is_some(),
                    text: true,
                    reader: captures.extractor.name(),
                    max_audio_seconds: limits.max_audio_ms / 1000,
                    audio_seconds_used: used.audio_ms / 1000,
                    audio_seconds_limit: monthly.audio_ms / 1000,
                    extractions_used: used.extractions,
                    extractions_limit: monthly.extractions,
                    resets_at: allowance::resets_at(now).to_string(),
                    ai_document_reading,
                    ai_document_reading_available: captures.claude.is_some(),
                },
            })
        },
    ));
    let jobs = JobRegistry::new()
        .register::<ProcessCapture, _>(ProcessCaptureHandler(captures.clone()))
        .register::<ReadDocument, _>(ReadDocumentHandler(captures.clone()))
        .register::<PurgeStaleRecordings, _>(PurgeStaleRecordingsHandler(captures.clone()));
    let schedule = Schedule::new().every(
        "capture.purge_stale_recordings",
        Duration::from_secs(24 * 3600),
        PurgeStaleRecordings {},
    );
    let subscriptions = Subscriptions::new()
        .on::<UserDeleted, _>("capture.forget_deleted_user", ForgetDeletedUser(captures.clone()))
        .on::<DocumentStored, _>("capture.read_new_document", ReadNewDocument(captures.clone()))
        .on::<DocumentDeleted, _>("capture.forget_deleted_document", ForgetDeletedDocument(captures.clone()));
    Ok(Capability::new(routes().with_state(captures.clone()))
        .file_routes(file_routes().with_state(captures))
        .jobs(jobs)
        .schedule(schedule)
        .subscriptions(subscriptions))
}

/// Capture's JSON routes, nested under `/v1`.
fn routes() -> OpenApiRouter<Captures> {
    use handlers::{accept, captures, settings, suggestions};
    OpenApiRouter::new()
        .routes(routes!(captures::list_captures))
        .routes(routes!(settings::show_capture_settings, settings::update_capture_settings))
        .routes(routes!(
            suggestions::show_suggestions,
            suggestions::read_document_now,
            suggestions::dismiss_suggestions
        ))
        .routes(routes!(suggestions::accept_suggestions))
        .routes(routes!(captures::show_capture, captures::discard_capture))
        .routes(routes!(captures::retry_capture))
        .routes(routes!(accept::accept_capture))
}

/// Taking a capture may carry a recording: no JSON limit, the upload timeout (the handler
/// limits what it reads).
fn file_routes() -> OpenApiRouter<Captures> {
    OpenApiRouter::new().routes(routes!(handlers::take::take_capture))
}
