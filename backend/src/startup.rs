//! Building the application and running it until it is told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::net::TcpListener;

use crate::accounts::{
    AccountEmail, AccountEmailHandler, PasswordResetRequestHandler, PasswordResetRequested,
    PurgeEndedSessions, PurgeEndedSessionsHandler,
};
use crate::config::Config;
use crate::http;
use crate::platform::db::{self, Db};
use crate::platform::jobs::admin::{PurgeDeadJobs, PurgeDeadJobsHandler};
use crate::platform::jobs::{JobRegistry, WorkerPool, spawn_workers};
use crate::platform::mail;
use crate::platform::schedule::{Schedule, Scheduler};
use crate::state::AppState;
use crate::vault::{
    DeleteObjects, DeleteObjectsHandler, ProcessDocument, ProcessDocumentHandler, PurgeExpiredUploads,
    PurgeExpiredUploadsHandler, RetryStuckDeletions, RetryStuckDeletionsHandler, Vault,
};

/// A built application: migrated database, bound listener, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects, migrates and binds `BIND:PORT` (port 0 picks a free one, for tests).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = connect(&config).await?;
        db::migrate(&db).await.context("while migrating the database")?;
        let listener = TcpListener::bind((config.bind, config.port))
            .await
            .with_context(|| format!("while binding {}:{}", config.bind, config.port))?;
        let state = state(config, db).await?;
        state.passwords.warm_up();
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves requests and runs in-process job workers until `shutdown` completes; then
    /// stops accepting, lets in-flight requests and jobs finish within
    /// `SHUTDOWN_TIMEOUT_SECS`, hands unfinished jobs back, and returns.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self { listener, state } = self;
        let config = state.config.clone();
        let workers = (config.job_workers > 0).then(|| start_workers(&state, config.job_workers));
        let scheduler = start_scheduler(&state);
        tracing::info!(address = %listener.local_addr()?, backend = ?state.db.backend(), "softly is listening");

        let (stopping_tx, stopping_rx) = tokio::sync::watch::channel(None::<Instant>);
        let signal = async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections, finishing requests in flight");
            let _ = stopping_tx.send(Some(Instant::now()));
        };
        let app = http::router::build(state.clone());
        let server = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(signal);
        let mut deadline_rx = stopping_rx.clone();
        let grace = config.shutdown_timeout;
        let deadline = async move {
            let _ = deadline_rx.wait_for(Option::is_some).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            served = server => served.context("while serving")?,
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
        state.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
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

/// The state of one process: the database given, the vault's store connected.
pub async fn state(config: Config, db: Db) -> anyhow::Result<AppState> {
    let vault = Vault::connect(&config).await?;
    let mailer = mail::connect(&config).await?;
    Ok(AppState::new(config, db, vault, mailer))
}

/// Every job kind this binary runs, with the adapters it needs.
pub fn job_registry(state: &AppState) -> JobRegistry {
    JobRegistry::new()
        .register::<AccountEmail, _>(AccountEmailHandler {
            mailer: state.mailer.clone(),
            from: state.config.mail_from.clone(),
            app_url: state.config.app_url.clone(),
        })
        .register::<PasswordResetRequested, _>(PasswordResetRequestHandler {
            db: state.db.clone(),
            jobs: state.jobs.clone(),
        })
        .register::<ProcessDocument, _>(ProcessDocumentHandler {
            db: state.db.clone(),
            vault: state.vault.clone(),
        })
        .register::<DeleteObjects, _>(DeleteObjectsHandler {
            store: state.vault.store.clone(),
        })
        .register::<PurgeEndedSessions, _>(PurgeEndedSessionsHandler { db: state.db.clone() })
        .register::<PurgeDeadJobs, _>(PurgeDeadJobsHandler { db: state.db.clone() })
        .register::<PurgeExpiredUploads, _>(PurgeExpiredUploadsHandler {
            db: state.db.clone(),
            jobs: state.jobs.clone(),
        })
        .register::<RetryStuckDeletions, _>(RetryStuckDeletionsHandler {
            db: state.db.clone(),
            jobs: state.jobs.clone(),
        })
}

/// The periodic tasks, each enqueued once per period across all replicas.
pub fn schedule() -> Schedule {
    const HOUR: Duration = Duration::from_secs(3600);
    Schedule::new()
        .every("accounts.purge_ended", HOUR, PurgeEndedSessions {})
        .every("vault.purge_expired_uploads", HOUR, PurgeExpiredUploads {})
        .every("vault.retry_stuck_deletions", 6 * HOUR, RetryStuckDeletions {})
        .every("jobs.purge_dead", 24 * HOUR, PurgeDeadJobs {})
}

/// Starts the scheduler when the configuration enables it.
pub fn start_scheduler(state: &AppState) -> Option<Scheduler> {
    let tick = state.config.scheduler_tick?;
    Some(Scheduler::spawn(
        state.db.clone(),
        state.jobs.clone(),
        schedule(),
        tick,
    ))
}

/// Starts `count` workers over this state's queue.
pub fn start_workers(state: &AppState, count: usize) -> WorkerPool {
    spawn_workers(
        state.jobs.clone(),
        job_registry(state),
        count,
        state.config.job_poll_interval,
    )
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
