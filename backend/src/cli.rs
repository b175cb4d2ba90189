//! The command line: `softly [serve|migrate|worker|config|healthcheck]`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, LogFormat};
use crate::platform::clock::Clock;
use crate::platform::db;
use crate::platform::jobs::admin;
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
    /// Print the OpenAPI document the API serves at /openapi.json (reads no configuration;
    /// the web app's typed client is generated from it).
    Openapi,
    /// Print every problem `code` the API answers with, its status and meaning, as JSON
    /// (reads no configuration; the docs' errors page is made from it).
    Codes,
    /// Print a month's capture usage per provider and model: calls, users, audio
    /// minutes, tokens.
    Usage {
        /// The month, YYYY-MM (UTC); this month when left out.
        #[arg(long)]
        month: Option<String>,
    },
    /// Look at and retry background jobs.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
}

#[derive(Debug, Subcommand)]
enum JobsCommand {
    /// List queued, running and dead jobs (at most 200), the oldest due first.
    List {
        /// Only dead jobs: those that used up their attempts.
        #[arg(long)]
        dead: bool,
    },
    /// Put a dead or waiting job back in the queue, due now, with fresh attempts.
    Retry { id: String },
}

/// Runs the command line; the exit code is 0 on success, 1 on failure, 2 on bad
/// configuration.
pub fn main() -> ExitCode {
    crate::platform::memory::return_large_blocks_to_the_system();
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Healthcheck) => return crate::healthcheck::run(),
        Some(Command::Openapi) => return print_openapi(),
        Some(Command::Codes) => return print_codes(),
        _ => {}
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
        let uses_aws = matches!(config.storage, crate::config::StorageConfig::S3(_))
            || matches!(config.mail_transport, crate::config::MailTransport::Ses(_));
        if uses_aws {
            println!("{}", crate::platform::aws::describe_environment_credentials());
        }
        return ExitCode::SUCCESS;
    }
    if matches!(command, Command::Serve | Command::Worker)
        && let Err(line) = startup::check_data_dir(&config.data_dir)
    {
        eprintln!("{line}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let telemetry = runtime.block_on(async { telemetry::init(&config) });
    let log_format = config.log_format;
    let ran = runtime.block_on(run(command, config));
    runtime.block_on(telemetry.shutdown());
    match ran {
        Ok(()) => ExitCode::SUCCESS,
        // Said once: as a log event where logs are read by machines, else to a person.
        Err(error) => {
            match log_format {
                LogFormat::Json => tracing::error!(error = format!("{error:#}"), "softly failed"),
                LogFormat::Pretty => eprintln!("softly: {error:#}"),
            }
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
            let ran = startup::migrate(&db).await?;
            tracing::info!(applied = ran, "migrations are up to date");
            db.close().await;
            Ok(())
        }
        Command::Worker => {
            let count = config.job_workers.max(1);
            let grace = config.shutdown_timeout;
            let db = startup::connect(&config).await?;
            let metrics = crate::http::metrics::bind(&config).await?;
            let wired = startup::Wired::new(config, db, Clock::system()).await?;
            let workers = wired.start_workers(count);
            let reporting = wired.start_reporting(metrics);
            let scheduler = wired.start_scheduler();
            tracing::info!(workers = count, "job workers running");
            startup::shutdown_signal().await;
            if let Some(scheduler) = scheduler {
                scheduler.stop().await;
            }
            workers.shutdown(grace).await;
            reporting.stop();
            wired.platform.db.close().await;
            Ok(())
        }
        Command::Jobs { command } => {
            let db = startup::connect(&config).await?;
            startup::migrate(&db).await?;
            let outcome = jobs_command(&db, command).await;
            db.close().await;
            outcome
        }
        Command::Usage { month } => {
            let db = startup::connect(&config).await?;
            startup::migrate(&db).await?;
            let report = crate::capture::month_report(&db, month.as_deref(), Clock::system().now_ms()).await;
            db.close().await;
            print!("{}", report?);
            Ok(())
        }
        Command::Config | Command::Healthcheck | Command::Openapi | Command::Codes => {
            unreachable!("handled before the runtime starts")
        }
    }
}

async fn jobs_command(db: &db::Db, command: JobsCommand) -> anyhow::Result<()> {
    match command {
        JobsCommand::List { dead } => {
            let jobs = admin::list(db, dead, 200).await?;
            for job in &jobs {
                println!("{job}");
            }
            eprintln!("{} job(s)", jobs.len());
            Ok(())
        }
        JobsCommand::Retry { id } => {
            anyhow::ensure!(
                admin::retry(db, &id, Clock::system().now_ms()).await?,
                "no dead or waiting job has the id {id:?}"
            );
            println!("job {id} queued again");
            Ok(())
        }
    }
}

/// Prints the problem-code registry (`codes::ALL`) as JSON.
fn print_codes() -> ExitCode {
    use std::io::Write;
    let codes: Vec<_> = crate::codes::ALL
        .iter()
        .map(|code| serde_json::json!({"code": code.name, "status": code.status, "meaning": code.meaning}))
        .collect();
    let json = serde_json::to_string_pretty(&codes).expect("codes serialise");
    // A closed pipe (`| head`) is the reader's choice, not a failure.
    let _ = writeln!(std::io::stdout().lock(), "{json}");
    ExitCode::SUCCESS
}

/// Wires the embedded default in a temporary folder, whatever the environment says, and
/// prints its OpenAPI document: the same one `softly serve` answers at `/openapi.json`.
fn print_openapi() -> ExitCode {
    let scratch = std::env::temp_dir().join(format!("softly-openapi-{}", uuid::Uuid::now_v7()));
    let outcome = describe(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    match outcome {
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Ok(json) => {
            use std::io::Write;
            let _ = writeln!(std::io::stdout().lock(), "{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("softly: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn describe(scratch: &std::path::Path) -> anyhow::Result<String> {
    let data_dir = scratch.display().to_string();
    let config = Config::from_lookup(&|name| match name {
        "SOFTLY_DATA_DIR" => Some(data_dir.clone()),
        "WEB_DIR" => Some("none".into()),
        _ => None,
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let db = startup::connect(&config).await?;
        startup::migrate(&db).await?;
        let wired = startup::Wired::new(config, db, Clock::system()).await?;
        let json = wired.openapi().to_pretty_json()?;
        wired.platform.db.close().await;
        Ok(json)
    })
}
