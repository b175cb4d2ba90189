use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::FromRef;

use super::providers::anthropic::Claude;
use super::providers::{Backoff, Extractor, Transcriber};
use crate::accounts::Directory;
use crate::http::extract::Authentication;
use crate::items::ItemDrafts;
use crate::platform::clock::Clock;
use crate::platform::db::Db;
use crate::platform::storage::ObjectStore;
use crate::platform::work::Work;
use crate::plans::{Plan, Plans};
use crate::vault::{DocumentEditor, DocumentReader};

/// What capture's handlers and jobs share.
#[derive(Clone)]
pub struct Captures {
    pub db: Db,
    pub clock: Clock,
    pub work: Work,
    /// Where audio waits to be transcribed.
    pub store: Arc<dyn ObjectStore>,
    pub authentication: Authentication,
    /// Who users are, and their zone (accounts' public service).
    pub directory: Directory,
    /// Creates accepted proposals (the items capability's public service).
    pub drafts: ItemDrafts,
    /// Speech to text; None: voice capture is off.
    pub transcriber: Option<Arc<dyn Transcriber>>,
    /// Claude, or the local extractor.
    pub extractor: Arc<dyn Extractor>,
    /// Claude, when configured: it also reads documents (for users who allow it).
    pub claude: Option<Arc<Claude>>,
    /// Vault documents' files, and their details changed (the vault's public services).
    pub documents: DocumentReader,
    pub editor: DocumentEditor,
    pub backoff: Backoff,
    pub limits: Limits,
    /// Each user's plan, which sets their monthly limits.
    pub plans: Plans,
    /// Where an arriving recording is written before it is stored.
    pub scratch: PathBuf,
}

/// What one capture may be. What a user may use in a month is their plan's
/// ([`Monthly`]).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_audio_bytes: u64,
    pub max_audio_ms: i64,
}

/// What a plan lets a user capture in a calendar month.
#[derive(Debug, Clone, Copy)]
pub struct Monthly {
    pub audio_ms: i64,
    pub extractions: i64,
}

impl Monthly {
    pub fn of(plan: &Plan) -> Self {
        Self {
            audio_ms: plan.limits.audio_minutes_per_month as i64 * 60_000,
            extractions: plan.limits.extractions_per_month as i64,
        }
    }
}

impl FromRef<Captures> for Authentication {
    fn from_ref(captures: &Captures) -> Self {
        captures.authentication.clone()
    }
}
