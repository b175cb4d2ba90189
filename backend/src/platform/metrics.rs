//! The process's metrics, in Prometheus's text format at `GET /metrics` on their own
//! listener (`METRICS_BIND`:`METRICS_PORT`, loopback by default; never the API's port,
//! so never behind the load balancer's routes).
//!
//! Counters and histograms are recorded where things happen — requests (by route
//! template, method and status), jobs (by kind: enqueued, started, succeeded, failed,
//! dead), cache lookups, calls to other services (by provider and outcome), emails — in
//! one registry per process. Gauges that describe state rather than events (the job
//! queue's depth and the age of its oldest due job, the database pool, Redis) are read
//! when scraped.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

use super::Platform;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route's template (`/v1/items/{id}`), or `unmatched`.
    pub route: String,
    pub method: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
    pub method: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub kind: String,
    /// enqueued, started, succeeded, failed or dead.
    pub event: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    /// s3, ses, deepgram, anthropic, revenuecat.
    pub provider: &'static str,
    /// ok, or the failure: refused (an error status), unreachable (no answer).
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LookupLabels {
    /// hit, miss or bypass (the cache could not be used).
    pub result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EmailLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    /// in_use or idle.
    pub state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AcquireLabels {
    /// transaction (the pool, and BEGIN) or hot (the hot path's own connections).
    pub pool: &'static str,
}

type Timings = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_seconds: Timings,
    pub in_flight: Gauge,
    pub jobs: Family<JobLabels, Counter>,
    pub cache_lookups: Family<LookupLabels, Counter>,
    pub calls: Family<CallLabels, Counter>,
    pub emails: Family<EmailLabels, Counter>,
    jobs_queued: Gauge,
    jobs_oldest_due_seconds: Gauge<f64, AtomicU64>,
    jobs_dead: Gauge,
    pool: Family<PoolLabels, Gauge>,
    acquire_seconds: Family<AcquireLabels, Histogram, fn() -> Histogram>,
    redis_up: Gauge,
    /// One scrape at a time sets the state gauges and encodes them.
    scraping: tokio::sync::Mutex<()>,
}

fn acquire_histogram() -> Histogram {
    // 0.1 ms to about 1.6 s.
    Histogram::new(exponential_buckets(0.0001, 4.0, 8))
}

fn request_histogram() -> Histogram {
    // 0.5 ms to about 16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("softly");
        let metrics = Self {
            requests: Family::default(),
            request_seconds: Family::new_with_constructor(request_histogram as fn() -> Histogram),
            in_flight: Gauge::default(),
            jobs: Family::default(),
            cache_lookups: Family::default(),
            calls: Family::default(),
            emails: Family::default(),
            jobs_queued: Gauge::default(),
            jobs_oldest_due_seconds: Gauge::default(),
            jobs_dead: Gauge::default(),
            pool: Family::default(),
            acquire_seconds: Family::new_with_constructor(acquire_histogram as fn() -> Histogram),
            redis_up: Gauge::default(),
            scraping: tokio::sync::Mutex::new(()),
            registry: Registry::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered",
            metrics.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            metrics.request_seconds.clone(),
        );
        registry.register(
            "http_requests_in_flight",
            "HTTP requests being answered",
            metrics.in_flight.clone(),
        );
        registry.register(
            "jobs",
            "Jobs enqueued, started, succeeded, failed and dead, by kind",
            metrics.jobs.clone(),
        );
        registry.register(
            "jobs_queued",
            "Jobs waiting to run (due or not)",
            metrics.jobs_queued.clone(),
        );
        registry.register(
            "jobs_oldest_due_age_seconds",
            "How long the oldest due job has waited (0: none due)",
            metrics.jobs_oldest_due_seconds.clone(),
        );
        registry.register(
            "jobs_dead",
            "Jobs that used up their attempts",
            metrics.jobs_dead.clone(),
        );
        registry.register(
            "cache_lookups",
            "Cache lookups by result",
            metrics.cache_lookups.clone(),
        );
        registry.register(
            "external_calls",
            "Calls to other services by provider and outcome",
            metrics.calls.clone(),
        );
        registry.register(
            "emails",
            "Emails handed to the mail transport, by outcome",
            metrics.emails.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database connections by state",
            metrics.pool.clone(),
        );
        registry.register(
            "db_acquire_seconds",
            "Time to get a database connection: for a transaction (the pool's wait and BEGIN), or for a hot-path read",
            metrics.acquire_seconds.clone(),
        );
        registry.register(
            "redis_up",
            "Whether Redis answers (1), or not (0); absent without Redis",
            metrics.redis_up.clone(),
        );
        Self { registry, ..metrics }
    }

    /// Counts `count` events (`started`, `succeeded`, `failed`, `dead`, or `enqueued` by a
    /// committed change) of jobs of `kind`.
    pub fn job_events(&self, kind: &str, event: &'static str, count: u64) {
        self.jobs
            .get_or_create(&JobLabels {
                kind: kind.to_string(),
                event,
            })
            .inc_by(count);
    }

    /// Counts one call to `provider`. A failure is also logged as "external call failed"
    /// with `provider` and `outcome`: CloudWatch counts those lines (monitoring.tf). The
    /// call's span, when traces are exported (`telemetry::external_call`), carries the
    /// outcome too.
    pub fn call(&self, provider: &'static str, outcome: &'static str) {
        self.calls.get_or_create(&CallLabels { provider, outcome }).inc();
        crate::telemetry::call_ended(outcome);
        if outcome != "ok" {
            tracing::warn!(provider, outcome, "external call failed");
        }
    }

    /// Counts one cache lookup.
    pub fn lookup(&self, result: &'static str) {
        self.cache_lookups.get_or_create(&LookupLabels { result }).inc();
    }

    /// Counts one email.
    pub fn email(&self, outcome: &'static str) {
        self.emails.get_or_create(&EmailLabels { outcome }).inc();
    }

    /// Records how long getting a connection of `pool` took.
    pub fn acquired(&self, pool: &'static str, took: Duration) {
        self.acquire_seconds
            .get_or_create(&AcquireLabels { pool })
            .observe(took.as_secs_f64());
    }

    /// Records one answered request (`route`: its template, taken as is).
    pub fn request(&self, route: String, method: &'static str, status: u16, took: Duration) {
        let timing = RouteLabels { route, method };
        self.request_seconds
            .get_or_create(&timing)
            .observe(took.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels {
                route: timing.route,
                method,
                status,
            })
            .inc();
    }

    /// The text a scrape gets: state read now, events as counted.
    pub async fn render(&self, platform: &Platform) -> String {
        let _one_at_a_time = self.scraping.lock().await;
        let now = platform.clock.now_ms();
        match platform.jobs.depth(now).await {
            Ok(depth) => {
                self.jobs_queued.set(depth.queued);
                self.jobs_dead.set(depth.dead);
                self.jobs_oldest_due_seconds
                    .set(depth.oldest_due_ms as f64 / 1000.0);
            }
            Err(error) => tracing::warn!(
                error = format!("{error:#}"),
                "metrics: reading the job queue failed"
            ),
        }
        let pool = platform.db.pool();
        let (size, idle) = (pool.size() as i64, pool.num_idle() as i64);
        self.pool.get_or_create(&PoolLabels { state: "idle" }).set(idle);
        self.pool
            .get_or_create(&PoolLabels { state: "in_use" })
            .set(size - idle);
        if let Some(redis) = &platform.redis {
            self.redis_up.set(i64::from(redis.is_up()));
        }
        let mut text = String::new();
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!(%error, "metrics: encoding failed");
        }
        text
    }
}

/// The process's metrics.
pub fn metrics() -> &'static Metrics {
    static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);
    &METRICS
}

/// Sends the registry over OTLP every `every` (`OTEL_METRIC_EXPORT_INTERVAL`), with the
/// state read at that moment as a scrape reads it; a failed export is logged and the
/// next one carries the counts on (they are cumulative).
pub fn spawn_export(
    platform: Platform,
    exporter: crate::telemetry::MetricsExporter,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let exposition = metrics().render(&platform).await;
            if let Err(error) = exporter.export(&exposition).await {
                tracing::warn!(error = format!("{error:#}"), "exporting metrics failed");
            }
        }
    })
}
