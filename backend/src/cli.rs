//! The command line: `softly [serve|migrate|worker|config|healthcheck]`.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::platform::db;
use crate::startup::{self, Application};
use crate::telemetry;

/// Softly: one calm place for the stuff that quietly piles up.
///
/// Configured by environment variables; with none set, runs embedded on SQLite and
/// local disk under ./storage.
#[derive(Debug, Parser)]
#[command(name = "softly", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API and run job workers in-process (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Run job workers only (JOB_WORKERS of them, at least one).
    Worker,
    /// Print the resolved configuration, secrets redacted.
    Config,
    /// Exit 0 when this host's server answers 200 on /up (reads only PORT).
    Healthcheck,
}

/// Runs the command line; the exit code is 0 on success, 1 on failure, 2 on bad
/// configuration.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Healthcheck) = cli.command {
        return crate::healthcheck::run();
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Config = command {
        for line in config.redacted_lines() {
            println!("{line}");
        }
        return ExitCode::SUCCESS;
    }
    telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "softly failed");
            eprintln!("softly: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            Application::build(config)
                .await?
                .run_until_stopped(startup::shutdown_signal())
                .await
        }
        Command::Migrate => {
            let db = startup::connect(&config).await?;
            let ran = db::migrate(&db).await.context("while migrating the database")?;
            tracing::info!(applied = ran, "migrations are up to date");
            db.close().await;
            Ok(())
        }
        Command::Worker => {
            let count = config.job_workers.max(1);
            let grace = config.shutdown_timeout;
            let db = startup::connect(&config).await?;
            let state = startup::state(config, db).await?;
            let workers = startup::start_workers(&state, count);
            tracing::info!(workers = count, "job workers running");
            startup::shutdown_signal().await;
            workers.shutdown(grace).await;
            state.db.close().await;
            Ok(())
        }
        Command::Config | Command::Healthcheck => unreachable!("handled before the runtime starts"),
    }
}
