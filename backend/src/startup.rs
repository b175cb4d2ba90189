//! Building the application and running it until it is told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::net::TcpListener;

use crate::CAPABILITIES;
use crate::capability::{self, Assembled};
use crate::config::Config;
use crate::http;
use crate::platform::Platform;
use crate::platform::clock::Clock;
use crate::platform::db::{self, Db, Migration, PLATFORM_MIGRATIONS};
use crate::platform::jobs::{WorkerPool, spawn_workers};
use crate::platform::schedule::Scheduler;

/// The platform's and every capability's migrations.
pub fn migrations() -> Vec<&'static [Migration]> {
    std::iter::once(PLATFORM_MIGRATIONS)
        .chain(CAPABILITIES.iter().map(|c| c.migrations))
        .collect()
}

/// Migrates `db` to this binary's schema; answers how many migrations ran.
pub async fn migrate(db: &Db) -> anyhow::Result<usize> {
    db::migrate(db, &migrations())
        .await
        .context("while migrating the database")
}

/// One process's platform and wired capabilities, not yet serving or working.
#[derive(Clone)]
pub struct Wired {
    pub platform: Platform,
    pub assembled: std::sync::Arc<Assembled>,
}

impl Wired {
    /// Connects the platform around `db` on `clock` and wires every capability.
    pub async fn new(config: Config, db: Db, clock: Clock) -> anyhow::Result<Self> {
        let platform = Platform::connect(config, db, clock).await?;
        let assembled = capability::assemble(&platform, CAPABILITIES)?;
        Ok(Self {
            platform,
            assembled: std::sync::Arc::new(assembled),
        })
    }

    /// The HTTP application: every capability's routes, the platform's, `/openapi.json`
    /// (completed with what only the finished wiring knows), and the middleware.
    pub fn router(&self) -> axum::Router {
        let (routes, openapi) = self.api();
        http::router::build(&self.platform, routes, &openapi)
    }

    /// The OpenAPI document `/openapi.json` serves.
    pub fn openapi(&self) -> utoipa::openapi::OpenApi {
        self.api().1
    }

    fn api(&self) -> (axum::Router, utoipa::openapi::OpenApi) {
        let assembled = &self.assembled;
        let (routes, mut openapi) = http::router::api(
            &self.platform,
            assembled.routes.clone(),
            assembled.file_routes.clone(),
        );
        assembled.describe(&mut openapi);
        (routes, openapi)
    }

    /// Starts `count` workers over this process's queue.
    pub fn start_workers(&self, count: usize) -> WorkerPool {
        spawn_workers(
            self.platform.jobs.clone(),
            self.assembled.jobs.clone(),
            count,
            self.platform.config.job_poll_interval,
        )
    }

    /// Starts what every process (`serve`, `worker`) reports about itself: `/metrics` on
    /// `metrics` (the listener the configuration names), the job queue's log line once a
    /// period (`JOB_QUEUE_REPORT_SECS`), and the metrics over OTLP when an endpoint is
    /// configured.
    pub fn start_reporting(&self, metrics: Option<TcpListener>) -> Reporting {
        let platform = &self.platform;
        let mut tasks = vec![crate::platform::jobs::spawn_queue_report(
            platform.jobs.clone(),
            platform.clock.clone(),
            platform.config.job_queue_report,
        )];
        tasks.extend(metrics.map(|listener| http::metrics::serve(listener, platform.clone())));
        if let Some(export) = &platform.config.telemetry.export {
            match crate::telemetry::MetricsExporter::new(export, tokio::runtime::Handle::current()) {
                Ok(exporter) => tasks.push(crate::platform::metrics::spawn_export(
                    platform.clone(),
                    exporter,
                    export.metric_interval,
                )),
                Err(error) => tracing::warn!(error = format!("{error:#}"), "metrics will not be exported"),
            }
        }
        Reporting { tasks }
    }

    /// Starts the scheduler of every periodic task when the configuration enables it.
    pub fn start_scheduler(&self) -> Option<Scheduler> {
        let tick = self.platform.config.scheduler_tick?;
        Some(Scheduler::spawn(
            self.platform.db.clone(),
            self.platform.jobs.clone(),
            self.assembled.schedule.clone(),
            tick,
        ))
    }
}

/// The tasks of [`Wired::start_reporting`], stopped together at shutdown.
pub struct Reporting {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Reporting {
    pub fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

/// A built application: migrated database, bound listener, not yet serving.
pub struct Application {
    listener: TcpListener,
    /// `/metrics`, when the configuration serves it.
    metrics: Option<TcpListener>,
    wired: Wired,
}

impl Application {
    /// Connects, migrates and binds `BIND:PORT` (port 0 picks a free one, for tests).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_on(config, Clock::system()).await
    }

    /// As [`Application::build`], reading time from `clock` (tests move it forward).
    pub async fn build_on(config: Config, clock: Clock) -> anyhow::Result<Self> {
        let db = connect(&config).await?;
        migrate(&db).await?;
        let listener = TcpListener::bind((config.bind, config.port))
            .await
            .with_context(|| format!("while binding {}:{}", config.bind, config.port))?;
        let metrics = http::metrics::bind(&config).await?;
        let wired = Wired::new(config, db, clock).await?;
        Ok(Self {
            listener,
            metrics,
            wired,
        })
    }

    /// Where `/metrics` is served, if it is.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn wired(&self) -> &Wired {
        &self.wired
    }

    /// Serves requests and runs in-process job workers until `shutdown` completes; then
    /// stops accepting, lets in-flight requests and jobs finish within
    /// `SHUTDOWN_TIMEOUT_SECS`, hands unfinished jobs back, and returns.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            listener,
            metrics,
            wired,
        } = self;
        let config = wired.platform.config.clone();
        let reporting = wired.start_reporting(metrics);
        let workers = (config.job_workers > 0).then(|| wired.start_workers(config.job_workers));
        let scheduler = wired.start_scheduler();
        let db = wired.platform.db.clone();
        if let Some((before, after)) = crate::http::serve::raise_open_files_limit() {
            tracing::info!(before, after, "open files limit");
        }
        tracing::info!(address = %listener.local_addr()?, backend = ?db.backend(), "softly is listening");

        let (stopping_tx, stopping_rx) = tokio::sync::watch::channel(None::<Instant>);
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections, finishing requests in flight");
            let _ = stopping_tx.send(Some(Instant::now()));
        };
        let app = wired.router();
        let limits = crate::http::serve::Limits {
            idle_timeout: config.http_idle_timeout,
            max_connections: config.http_max_connections,
        };
        let server = crate::http::serve::serve(listener, app, limits, signal);
        let mut deadline_rx = stopping_rx.clone();
        let grace = config.shutdown_timeout;
        let deadline = async move {
            let _ = deadline_rx.wait_for(Option::is_some).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            () = server => {}
            _ = deadline => tracing::warn!("requests still in flight at the shutdown deadline were cut"),
        }
        if let Some(scheduler) = scheduler {
            scheduler.stop().await;
        }
        if let Some(workers) = workers {
            let started = (*stopping_rx.borrow()).unwrap_or_else(Instant::now);
            let left = config.shutdown_timeout.saturating_sub(started.elapsed());
            workers.shutdown(left.max(Duration::from_secs(1))).await;
        }
        reporting.stop();
        db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Whether the process can write in `SOFTLY_DATA_DIR` (making it when missing): `serve`
/// and `worker` keep scratch files there. The error is one line for a person, naming the
/// folder, the user the process runs as, and the usual cause in a container: a volume
/// mounted there that belongs to another user.
pub fn check_data_dir(dir: &std::path::Path) -> Result<(), String> {
    let probe = dir.join(format!(".softly-write-check-{}", std::process::id()));
    let written = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&probe, b""));
    let _ = std::fs::remove_file(&probe);
    written.map_err(|error| {
        // SAFETY: getuid has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        format!(
            "SOFTLY_DATA_DIR: {} is not writable by this process (uid {uid}): {error}; in a container, the volume mounted there must belong to that user",
            dir.display()
        )
    })
}

/// Opens the database named by the configuration.
pub async fn connect(config: &Config) -> anyhow::Result<Db> {
    Db::connect(
        &config.database_url,
        config.database_max_connections,
        config.database_acquire_timeout,
    )
    .await
}

/// Completes on SIGTERM (ECS stopping the task) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}
