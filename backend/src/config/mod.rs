//! Typed configuration from twelve-factor environment variables, validated once at start.
//!
//! Production names match the SSM parameters under `/softly/production/` that ECS
//! injects as environment variables (`database_url` → `DATABASE_URL`,
//! `secret_key_base` → `SECRET_KEY_BASE`, …).

mod capture;
mod database_url;
mod error;
mod mail;
mod memory;
mod plans;
mod redis;
mod secret;
mod secret_key_base;
mod storage;
mod telemetry;
mod vault;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use ipnet::IpNet;
use lettre::message::Mailbox;

pub use capture::{CaptureConfig, DEFAULT_ANTHROPIC_MODEL, Provider};

/// The value every SSM parameter is created with until an operator sets it
/// (`infrastructure/README.md`, "Setting SSM values"): an optional secret still holding it
/// is not set.
pub const SSM_PLACEHOLDER: &str = "unset";
pub use database_url::{Backend, DatabaseUrl};
pub use error::ConfigError;
pub use mail::{MailTransport, SesSettings};
pub use memory::MemoryLimit;
pub use plans::{PlanLimits, PlansConfig, RevenueCatApi};
pub use redis::RedisConfig;
pub use secret::Secret;
pub use secret_key_base::SecretKeyBases;
pub use storage::{S3Settings, StorageConfig};
pub use telemetry::{OtlpExport, TelemetryConfig};
pub use vault::VaultLimits;

/// Where the binary runs; production demands explicit secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }
}

/// What is logged when `RUST_LOG` is not set.
pub const DEFAULT_LOG_FILTER: &str = "info,sqlx=warn";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl LogFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Pretty => "pretty",
        }
    }
}

/// The resolved configuration of one process.
#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub bind: IpAddr,
    pub port: u16,
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    /// Where the document vault keeps files.
    pub storage: StorageConfig,
    pub vault: VaultLimits,
    /// Capture's providers (speech, understanding) and monthly limits.
    pub capture: CaptureConfig,
    /// The plans' limits and RevenueCat, which says who has which.
    pub plans: PlansConfig,
    /// Where traces are exported (OTLP/HTTP), if anywhere.
    pub telemetry: TelemetryConfig,
    /// Where `GET /metrics` is served (`METRICS_BIND`:`METRICS_PORT`; loopback, 9464 by
    /// default); None when `METRICS_PORT=off`.
    pub metrics: Option<(IpAddr, u16)>,
    /// Shared rate limits across replicas when set.
    pub redis: Option<RedisConfig>,
    /// The current signing secret first, then older ones still accepted while rotating.
    pub secret_key_bases: SecretKeyBases,
    /// Origin of the web app: links in emails and the only CORS origin. Defaults to
    /// `API_URL`: on the embedded default the binary serves the web app itself.
    pub app_url: String,
    /// The exported web app that `softly serve` serves beside the API, if any.
    pub web_dir: Option<PathBuf>,
    /// Issuer and audience of access tokens.
    pub api_url: String,
    pub mail_from: Mailbox,
    pub mail_transport: MailTransport,
    pub log_format: LogFormat,
    /// `RUST_LOG`: which events are logged.
    pub log_filter: String,
    pub trusted_proxies: Vec<IpNet>,
    /// Concurrent in-process job workers of `softly serve`; 0 leaves jobs to `softly worker`.
    pub job_workers: usize,
    pub job_poll_interval: Duration,
    /// How long a worker holds a job without renewing; a job whose worker died or froze
    /// is taken over once its lease lapses. Workers renew at a third of it.
    pub job_lease: Duration,
    /// How often each process logs the job queue's state (`JOB_QUEUE_REPORT_SECS`).
    pub job_queue_report: Duration,
    /// How often each process checks the periodic tasks; None disables the scheduler.
    pub scheduler_tick: Option<Duration>,
    pub request_timeout: Duration,
    /// How long a connection may take to send a request's headers, and stay idle between
    /// requests; longer than the ALB's 60 s idle timeout, as AWS advises.
    pub http_idle_timeout: Duration,
    /// Connections served at once; beyond, a new one is answered 503 and closed.
    pub http_max_connections: usize,
    /// Longer limit for requests that carry a file (uploads over slow links).
    pub upload_timeout: Duration,
    pub shutdown_timeout: Duration,
    pub database_max_connections: u32,
    /// How long a request waits for a database connection before answering 503.
    pub database_acquire_timeout: Duration,
    /// What the process may use; large buffers are bounded by a share of it.
    pub memory: MemoryLimit,
}

/// Reads one variable; tests pass a map instead of the process environment.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads configuration through `lookup`, validating every value.
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        let environment = match lookup("SOFTLY_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::new(
                    "SOFTLY_ENV",
                    format!("expected development or production, got {other:?}"),
                ));
            }
        };
        let data_dir = PathBuf::from(lookup("SOFTLY_DATA_DIR").unwrap_or_else(|| "storage".into()));
        let database_url = DatabaseUrl::parse(lookup("DATABASE_URL").as_deref(), &data_dir)?;
        let storage = StorageConfig::from_lookup(lookup, &data_dir)?;
        let vault = VaultLimits::from_lookup(lookup)?;
        let capture = CaptureConfig::from_lookup(lookup)?;
        let plans = PlansConfig::from_lookup(lookup, &vault, &capture)?;
        let telemetry = TelemetryConfig::from_lookup(lookup)?;
        let redis = RedisConfig::from_lookup(lookup)?;
        let secret_key_bases = secret_key_base::resolve(lookup, environment, &data_dir)?;
        let port = parse_var("PORT", lookup("PORT"), 3000)?;
        // Where this process answers, unless told otherwise (port 0, a test's free port,
        // has no address to name in advance).
        let local = format!("http://localhost:{}", if port == 0 { 3000 } else { port });
        let api_url = parse_origin("API_URL", lookup("API_URL"), &local)?;
        let app_url = parse_origin("APP_URL", lookup("APP_URL"), &api_url)?;
        let web_dir = web_dir(lookup("WEB_DIR"), environment)?;
        let mail_from = lookup("MAIL_FROM")
            .unwrap_or_else(|| "Softly <hello@mysoftly.app>".into())
            .parse::<Mailbox>()
            .map_err(|e| ConfigError::new("MAIL_FROM", format!("not a mailbox: {e}")))?;
        let log_format = match lookup("LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None if environment == Environment::Production => LogFormat::Json,
            None => LogFormat::Pretty,
            Some(other) => {
                return Err(ConfigError::new(
                    "LOG_FORMAT",
                    format!("expected json or pretty, got {other:?}"),
                ));
            }
        };
        let metrics = match lookup("METRICS_PORT").as_deref().map(str::trim) {
            Some("off") => None,
            port => Some((
                parse_var(
                    "METRICS_BIND",
                    lookup("METRICS_BIND"),
                    IpAddr::from([127, 0, 0, 1]),
                )?,
                parse_var("METRICS_PORT", port.map(str::to_string), 9464u16)?,
            )),
        };
        if let Some((_, metrics_port)) = metrics
            && metrics_port != 0
            && metrics_port == port
        {
            return Err(ConfigError::new("METRICS_PORT", "must differ from PORT"));
        }
        let trusted_proxies = lookup("TRUSTED_PROXIES")
            .map(|list| parse_cidrs(&list))
            .transpose()?
            .unwrap_or_default();
        Ok(Self {
            environment,
            bind: parse_var("BIND", lookup("BIND"), IpAddr::from([127, 0, 0, 1]))?,
            port,
            data_dir,
            database_url,
            storage,
            vault,
            capture,
            plans,
            telemetry,
            metrics,
            redis,
            secret_key_bases,
            app_url,
            web_dir,
            api_url,
            mail_from,
            mail_transport: MailTransport::from_lookup(lookup)?,
            log_format,
            log_filter: lookup("RUST_LOG").unwrap_or_else(|| DEFAULT_LOG_FILTER.into()),
            trusted_proxies,
            job_workers: parse_var("JOB_WORKERS", lookup("JOB_WORKERS"), 2)?,
            job_poll_interval: Duration::from_millis(parse_var(
                "JOB_POLL_INTERVAL_MS",
                lookup("JOB_POLL_INTERVAL_MS"),
                1000,
            )?),
            job_lease: Duration::from_secs(
                match parse_var("JOB_LEASE_SECS", lookup("JOB_LEASE_SECS"), 60u64)? {
                    secs @ 3..=3600 => secs,
                    _ => return Err(ConfigError::new("JOB_LEASE_SECS", "must be 3 to 3600")),
                },
            ),
            database_acquire_timeout: Duration::from_millis(
                match parse_var(
                    "DATABASE_ACQUIRE_TIMEOUT_MS",
                    lookup("DATABASE_ACQUIRE_TIMEOUT_MS"),
                    2000u64,
                )? {
                    ms @ 100..=60_000 => ms,
                    _ => {
                        return Err(ConfigError::new(
                            "DATABASE_ACQUIRE_TIMEOUT_MS",
                            "must be 100 to 60000",
                        ));
                    }
                },
            ),
            job_queue_report: Duration::from_secs(
                match parse_var("JOB_QUEUE_REPORT_SECS", lookup("JOB_QUEUE_REPORT_SECS"), 60u64)? {
                    secs @ 1..=3600 => secs,
                    _ => return Err(ConfigError::new("JOB_QUEUE_REPORT_SECS", "must be 1 to 3600")),
                },
            ),
            memory: MemoryLimit::from_lookup(lookup)?,
            scheduler_tick: match parse_var("SCHEDULER_TICK_MS", lookup("SCHEDULER_TICK_MS"), 10_000u64)? {
                0 => None,
                ms => Some(Duration::from_millis(ms)),
            },
            http_idle_timeout: Duration::from_secs(
                match parse_var("HTTP_IDLE_TIMEOUT_SECS", lookup("HTTP_IDLE_TIMEOUT_SECS"), 75u64)? {
                    secs @ 1..=3600 => secs,
                    _ => return Err(ConfigError::new("HTTP_IDLE_TIMEOUT_SECS", "must be 1 to 3600")),
                },
            ),
            http_max_connections: match parse_var(
                "HTTP_MAX_CONNECTIONS",
                lookup("HTTP_MAX_CONNECTIONS"),
                10_000usize,
            )? {
                n @ 1..=1_000_000 => n,
                _ => return Err(ConfigError::new("HTTP_MAX_CONNECTIONS", "must be 1 to 1000000")),
            },
            request_timeout: Duration::from_secs(parse_var(
                "REQUEST_TIMEOUT_SECS",
                lookup("REQUEST_TIMEOUT_SECS"),
                30,
            )?),
            upload_timeout: Duration::from_secs(parse_var(
                "UPLOAD_TIMEOUT_SECS",
                lookup("UPLOAD_TIMEOUT_SECS"),
                600,
            )?),
            shutdown_timeout: Duration::from_secs(parse_var(
                "SHUTDOWN_TIMEOUT_SECS",
                lookup("SHUTDOWN_TIMEOUT_SECS"),
                25,
            )?),
            database_max_connections: parse_var(
                "DATABASE_MAX_CONNECTIONS",
                lookup("DATABASE_MAX_CONNECTIONS"),
                10,
            )?,
        })
    }

    /// The resolved configuration as `NAME=value` lines, secrets redacted.
    pub fn redacted_lines(&self) -> Vec<String> {
        let backend = match self.database_url.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let proxies: Vec<String> = self.trusted_proxies.iter().map(ToString::to_string).collect();
        let mut lines = vec![
            format!("SOFTLY_ENV={}", self.environment.as_str()),
            format!("BIND={}", self.bind),
            format!("PORT={}", self.port),
            format!("SOFTLY_DATA_DIR={}", self.data_dir.display()),
            format!("DATABASE_URL={} ({backend})", self.database_url.redacted()),
            format!(
                "SECRET_KEY_BASE=[redacted] ({} key(s))",
                self.secret_key_bases.all().count()
            ),
            format!("APP_URL={}", self.app_url),
            format!(
                "WEB_DIR={}",
                self.web_dir
                    .as_ref()
                    .map_or_else(|| "(none: the API only)".into(), |dir| dir.display().to_string())
            ),
            format!("API_URL={}", self.api_url),
            format!("MAIL_FROM={}", self.mail_from),
            format!("LOG_FORMAT={}", self.log_format.as_str()),
            format!("RUST_LOG={}", self.log_filter),
            format!("TRUSTED_PROXIES={}", proxies.join(",")),
            format!("JOB_WORKERS={}", self.job_workers),
            format!("JOB_POLL_INTERVAL_MS={}", self.job_poll_interval.as_millis()),
            format!("JOB_LEASE_SECS={}", self.job_lease.as_secs()),
            format!("JOB_QUEUE_REPORT_SECS={}", self.job_queue_report.as_secs()),
            format!(
                "SCHEDULER_TICK_MS={}",
                self.scheduler_tick.map_or(0, |tick| tick.as_millis())
            ),
            format!("REQUEST_TIMEOUT_SECS={}", self.request_timeout.as_secs()),
            format!("HTTP_IDLE_TIMEOUT_SECS={}", self.http_idle_timeout.as_secs()),
            format!("HTTP_MAX_CONNECTIONS={}", self.http_max_connections),
            format!("UPLOAD_TIMEOUT_SECS={}", self.upload_timeout.as_secs()),
            format!("SHUTDOWN_TIMEOUT_SECS={}", self.shutdown_timeout.as_secs()),
            format!("DATABASE_MAX_CONNECTIONS={}", self.database_max_connections),
            format!(
                "DATABASE_ACQUIRE_TIMEOUT_MS={}",
                self.database_acquire_timeout.as_millis()
            ),
        ];
        lines.extend(self.storage.describe());
        lines.extend(RedisConfig::describe(self.redis.as_ref()));
        lines.extend(self.mail_transport.describe());
        lines.extend(self.vault.describe());
        lines.extend(self.capture.describe());
        lines.extend(self.plans.describe());
        lines.extend(self.telemetry.describe());
        match self.metrics {
            Some((bind, port)) => {
                lines.extend([format!("METRICS_BIND={bind}"), format!("METRICS_PORT={port}")])
            }
            None => lines.push("METRICS_PORT=off".into()),
        }
        lines.push(self.memory.describe());
        lines
    }
}

fn parse_var<T: FromStr>(var: &'static str, raw: Option<String>, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse()
            .map_err(|e| ConfigError::new(var, format!("{raw:?} is not valid: {e}"))),
    }
}

/// Where the exported web app is: `WEB_DIR` (`none` for the API only), else, in
/// development, `web/out` when it holds a build (the repository's, run from its root).
fn web_dir(raw: Option<String>, environment: Environment) -> Result<Option<PathBuf>, ConfigError> {
    const BUILT: &str = "web/out";
    match raw.as_deref().map(str::trim) {
        Some("none") => Ok(None),
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.join("index.html").is_file() {
                Ok(Some(dir))
            } else {
                Err(ConfigError::new(
                    "WEB_DIR",
                    format!(
                        "{} holds no index.html (build the web app: cd web && npm ci && npm run build)",
                        dir.display()
                    ),
                ))
            }
        }
        None if environment == Environment::Development => Ok(Path::new(BUILT)
            .join("index.html")
            .is_file()
            .then(|| PathBuf::from(BUILT))),
        None => Ok(None),
    }
}

/// An `http(s)://host[:port]` origin without a path or a trailing slash.
fn parse_origin(var: &'static str, raw: Option<String>, default: &str) -> Result<String, ConfigError> {
    let raw = raw.unwrap_or_else(|| default.to_string());
    let origin = raw.trim().trim_end_matches('/');
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(|| ConfigError::new(var, "must start with http:// or https://"))?;
    if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
        return Err(ConfigError::new(
            var,
            "must be an origin such as https://app.mysoftly.app",
        ));
    }
    Ok(origin.to_string())
}

fn parse_cidrs(list: &str) -> Result<Vec<IpNet>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| ConfigError::new("TRUSTED_PROXIES", format!("{item:?} is not a CIDR")))
        })
        .collect()
}

#[cfg(test)]
mod tests;
