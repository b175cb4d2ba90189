//! Logs, traces and the export of metrics.
//!
//! Logs: JSON lines (one event per line, for CloudWatch) or readable lines for
//! development; the level comes from `RUST_LOG` (default `info`).
//!
//! Traces: when an OTLP endpoint is configured ([`crate::config::TelemetryConfig`]),
//! Softly's spans ([`spans`]: requests, jobs, calls to providers) and a span per database
//! statement ([`queries`]) are exported over OTLP/HTTP ([`export`], [`otlp`]). Trace
//! context comes in on `traceparent` and goes on into the jobs a request enqueues
//! ([`context`]). When no endpoint is configured no OpenTelemetry layer is installed:
//! spans stay the plain `tracing` spans the logs show, and [`exporting`] tells the few
//! places that would do extra work for export (hashing a user id, reading a header) to
//! skip it.
//!
//! Metrics: the registry (`platform::metrics`) is sent over the same OTLP endpoint by
//! [`MetricsExporter`], read back from its exposition ([`exposition`]).

mod context;
mod export;
mod exposition;
mod metrics;
mod otlp;
mod queries;
mod spans;

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, Registry};

pub use context::current_trace_context;
pub use metrics::MetricsExporter;
pub use spans::{call_ended, external_call, job, job_ended, request, request_answered};

use crate::config::{Config, DEFAULT_LOG_FILTER, LogFormat};

static EXPORTING: AtomicBool = AtomicBool::new(false);

/// How long the last spans may take to leave at shutdown.
const FLUSH_WITHIN: std::time::Duration = std::time::Duration::from_secs(3);

/// Whether spans are being exported: false unless [`init`] installed an exporter.
pub fn exporting() -> bool {
    EXPORTING.load(Ordering::Relaxed)
}

/// What [`init`] started: flush it before the process exits.
#[must_use = "call shutdown before exiting, or the last spans are lost"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still batched, for at most [`FLUSH_WITHIN`]: what the process
    /// has left of ECS's stop timeout after draining requests.
    pub async fn shutdown(self) {
        let Some(provider) = self.provider else {
            return;
        };
        // The batch processor's thread waits on requests sent through this runtime:
        // block a thread of the blocking pool, not one of the runtime's workers.
        let flushed = tokio::task::spawn_blocking(move || provider.shutdown_with_timeout(FLUSH_WITHIN)).await;
        if let Ok(Err(error)) = flushed {
            tracing::warn!(error = %error, "exporting the last spans failed");
        }
    }
}

/// Installs the global subscriber; later calls (tests) are ignored. Readable lines are
/// coloured only on a terminal, so a redirected log can be searched as text. Must be
/// called inside the runtime that exports the spans.
pub fn init(config: &Config) -> Telemetry {
    let filter =
        EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new(DEFAULT_LOG_FILTER));
    let logs = log_layer(config.log_format).with_filter(filter);
    let provider = config
        .telemetry
        .export
        .as_ref()
        .map(|export| export::provider(export, tokio::runtime::Handle::current()));
    let Some(Ok(provider)) = provider else {
        let _ = tracing_subscriber::registry().with(logs).try_init();
        if let Some(Err(error)) = provider {
            tracing::warn!(error = format!("{error:#}"), "traces will not be exported");
        }
        if let Some(why) = config.telemetry.off_because {
            tracing::warn!(reason = why, "telemetry is not exported");
        }
        return Telemetry { provider: None };
    };
    let tracer = export::tracer(&provider);
    // Softly's own spans (requests, jobs, external calls) and the events inside them;
    // the statements' spans come from sqlx's per-statement event.
    let spans = tracing_opentelemetry::layer()
        .with_tracer(tracer.clone())
        .with_location(false)
        .with_threads(false)
        .with_target(false)
        .with_tracked_inactivity(false)
        .with_filter(Targets::new().with_target("softly", LevelFilter::INFO));
    let statements = queries::StatementSpans::new(tracer, config.database_url.backend())
        .with_filter(Targets::new().with_target("sqlx::query", LevelFilter::DEBUG));
    let installed = tracing_subscriber::registry()
        .with(logs)
        .with(spans)
        .with(statements)
        .try_init()
        .is_ok();
    EXPORTING.store(installed, Ordering::Relaxed);
    tracing::info!(
        endpoint = config.telemetry.export.as_ref().map(|e| e.endpoint.as_str()),
        "exporting telemetry"
    );
    Telemetry {
        provider: Some(provider),
    }
}

fn log_layer(format: LogFormat) -> Box<dyn Layer<Registry> + Send + Sync> {
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(std::io::stdout);
    match format {
        LogFormat::Json => layer
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .boxed(),
        LogFormat::Pretty => layer.compact().boxed(),
    }
}
