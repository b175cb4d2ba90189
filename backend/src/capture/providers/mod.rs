//! The services capture calls, behind its own traits: speech to text (Deepgram) and
//! understanding (Claude, or the local extractor when no key is configured). Calls go
//! through one `reqwest` client (the binary's one HTTP stack, rustls on ring) with a
//! timeout, and are retried with backoff that honours `retry-after`; what cannot succeed
//! by trying again (a refused key, a malformed request) is not retried.

pub mod anthropic;
pub mod deepgram;
mod retry;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use jiff::civil::Date;

pub use retry::{Backoff, with_retries};

use super::domain::Proposal;
use super::domain::local::{self, Today};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a call brought no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// Worth trying again, after `retry_after` when the provider said.
    #[error("{reason}")]
    Transient {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Trying again will not help.
    #[error("{reason}")]
    Permanent { reason: String },
}

/// What speech became.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub text: String,
    /// As the provider measured it (what it bills).
    pub duration_ms: u64,
    pub model: String,
}

/// Speech to text.
pub trait Transcriber: Send + Sync + 'static {
    fn transcribe<'a>(&'a self, audio: Bytes, mime: &'a str) -> BoxFuture<'a, Result<Transcript, CallError>>;
}

/// What an extraction is read against: the user's today and where they are.
#[derive(Debug, Clone)]
pub struct Situation {
    pub today: Date,
    /// IANA name of the user's zone.
    pub time_zone: String,
}

impl Situation {
    /// Whether `3/4` is the 3rd of April where the user is (most places) or March 4th
    /// (the United States, the Philippines, …).
    pub fn day_first(&self) -> bool {
        const MONTH_FIRST_PREFIXES: [&str; 4] =
            ["America/Indiana/", "America/Kentucky/", "America/North_Dakota/", "US/"];
        const MONTH_FIRST: [&str; 12] = [
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "America/Phoenix",
            "America/Anchorage",
            "America/Detroit",
            "America/Boise",
            "America/Juneau",
            "Pacific/Honolulu",
            "Asia/Manila",
            "America/Puerto_Rico",
        ];
        let zone = self.time_zone.as_str();
        !(MONTH_FIRST.contains(&zone) || MONTH_FIRST_PREFIXES.iter().any(|p| zone.starts_with(p)))
    }
}

/// What understanding a text produced, and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    pub proposals: Vec<Proposal>,
    pub model: String,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// Whether it ran on this machine (no provider, nothing billed).
    pub local: bool,
}

/// Text to proposed items.
pub trait Extractor: Send + Sync + 'static {
    fn extract<'a>(&'a self, text: &'a str, situation: &'a Situation) -> BoxFuture<'a, Result<Extraction, CallError>>;
    /// What the profile says reads text: `claude` or `local`.
    fn name(&self) -> &'static str;
}

/// The local extractor as an [`Extractor`]: never fails, costs nothing.
pub struct LocalExtractor;

impl Extractor for LocalExtractor {
    fn extract<'a>(&'a self, text: &'a str, situation: &'a Situation) -> BoxFuture<'a, Result<Extraction, CallError>> {
        let today = Today {
            date: situation.today,
            day_first: situation.day_first(),
        };
        let proposals = local::extract(text, &today);
        Box::pin(async move {
            Ok(Extraction {
                proposals,
                model: "local".into(),
                input_tokens: 0,
                output_tokens: 0,
                local: true,
            })
        })
    }

    fn name(&self) -> &'static str {
        "local"
    }
}

/// The HTTP client for providers: connections bounded, every call bounded by `timeout`.
pub fn http_client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .user_agent(concat!("softly/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .build()?)
}

/// A provider as a person reads it in an error (`Speech-to-text (Deepgram)`, its
/// `Display`) and as metrics and traces label it (`deepgram`).
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub name: &'static str,
    pub label: &'static str,
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Counts an answered call to `service` in the metrics.
pub fn answered(service: Service) {
    crate::platform::metrics::metrics().call(service.label, "ok");
}

/// How a provider's HTTP failure is treated: 408, 409, 429, 5xx and 529 (overloaded) are
/// worth another try (after `retry-after` when sent); any other status is not.
pub fn classify(service: Service, status: reqwest::StatusCode, retry_after: Option<Duration>, message: &str) -> CallError {
    crate::platform::metrics::metrics().call(service.label, "refused");
    let code = status.as_u16();
    let said = if message.is_empty() { String::new() } else { format!(": {message}") };
    match code {
        408 | 409 | 429 | 500..=599 => CallError::Transient {
            reason: match code {
                429 => format!("{service} is rate limiting Softly right now (429){said}"),
                529 => format!("{service} is overloaded right now (529){said}"),
                _ => format!("{service} failed ({code}){said}"),
            },
            retry_after,
        },
        401 | 403 => CallError::Permanent {
            reason: format!("{service} refused Softly's key ({code}): the server's configuration needs checking"),
        },
        _ => CallError::Permanent {
            reason: format!("{service} refused the request ({code}){said}"),
        },
    }
}

/// A transport failure: timeouts and broken connections are worth another try.
pub fn transport(service: Service, error: &reqwest::Error) -> CallError {
    crate::platform::metrics::metrics().call(service.label, "unreachable");
    let reason = if error.is_timeout() {
        format!("{service} did not answer in time")
    } else {
        format!("{service} could not be reached")
    };
    CallError::Transient {
        reason,
        retry_after: None,
    }
}

/// `retry-after` as seconds (the HTTP-date form is not used by these providers).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}
