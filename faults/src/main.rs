//! The fault suite. One private deployment (see `softly-testbed`): three `softly serve`
//! replicas behind HAProxy, three `softly worker` processes, PostgreSQL, Redis and moto
//! of its own. Each scenario breaks one thing under load and checks what users were
//! promised; it prints one line with its result. Exit status 1 if any failed.
//!
//! `faults/run [--only a,b,…] [--redis-outage-secs N]`

mod load;
mod scenarios;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use softly_testbed::fakes::deepgram::FakeDeepgram;
use softly_testbed::{Cluster, Options};

/// What a scenario found: whether the promise held, and the figures.
pub struct Verdict {
    pub pass: bool,
    pub detail: String,
}

impl Verdict {
    pub fn new(pass: bool, detail: impl Into<String>) -> Self {
        Self {
            pass,
            detail: detail.into(),
        }
    }
}

pub struct Settings {
    pub redis_outage: Duration,
    /// The speech-to-text service every process is configured with (testbed's fake).
    pub deepgram: FakeDeepgram,
}

struct Arguments {
    binary: PathBuf,
    only: Option<Vec<char>>,
    redis_outage: Duration,
}

fn arguments() -> anyhow::Result<Arguments> {
    let mut parsed = Arguments {
        binary: PathBuf::from("target/debug/softly"),
        only: None,
        redis_outage: Duration::from_secs(30),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--binary" => parsed.binary = PathBuf::from(value()?),
            "--only" => {
                parsed.only = Some(
                    value()?
                        .split(',')
                        .filter_map(|s| s.trim().chars().next())
                        .collect(),
                )
            }
            "--redis-outage-secs" => {
                let secs: u64 = value()?.parse()?;
                anyhow::ensure!((1..=120).contains(&secs), "--redis-outage-secs must be 1 to 120");
                parsed.redis_outage = Duration::from_secs(secs);
            }
            other => anyhow::bail!("unknown argument {other}; see the module documentation"),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("fault suite could not run: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<bool> {
    let arguments = arguments()?;
    let started = Instant::now();
    const DEEPGRAM_KEY: &str = "faults-deepgram-key";
    let deepgram = FakeDeepgram::start(DEEPGRAM_KEY).await?;
    let settings = Settings {
        redis_outage: arguments.redis_outage,
        deepgram,
    };
    let mut cluster = Cluster::start(Options {
        binary: arguments.binary.clone(),
        replicas: 3,
        workers: 3,
        threads_per_worker: 2,
        redis: true,
        // The production task's size: scenarios h–j check every process stays under it.
        env: vec![
            ("MEMORY_LIMIT_MIB".into(), "1024".into()),
            ("DEEPGRAM_URL".into(), settings.deepgram.url()),
            ("DEEPGRAM_API_KEY".into(), DEEPGRAM_KEY.into()),
        ],
    })
    .await
    .context("while starting the testbed")?;
    println!(
        "fault suite: 3 replicas behind haproxy on {}, 3 workers, private postgres :{}, redis, moto; ready in {:.1} s",
        cluster.proxy.url(),
        cluster.postgres.port,
        started.elapsed().as_secs_f64()
    );
    let mut all_passed = true;
    for scenario in scenarios::ALL {
        if arguments
            .only
            .as_ref()
            .is_some_and(|only| !only.contains(&scenario.letter))
        {
            continue;
        }
        let began = Instant::now();
        let limit = Duration::from_secs(240);
        let verdict = match tokio::time::timeout(limit, (scenario.run)(&mut cluster, &settings)).await {
            Ok(Ok(verdict)) => verdict,
            Ok(Err(error)) => Verdict::new(false, format!("error: {error:#}")),
            Err(_) => Verdict::new(false, format!("did not finish within {limit:?}")),
        };
        all_passed &= verdict.pass;
        println!(
            "{}. {}: {} — {} ({:.0} s)",
            scenario.letter,
            scenario.name,
            if verdict.pass { "PASS" } else { "FAIL" },
            verdict.detail,
            began.elapsed().as_secs_f64()
        );
        // Whatever a scenario left stopped comes back before the next one.
        if let Err(error) = scenarios::restore(&mut cluster).await {
            println!("   could not restore the testbed: {error:#}");
            return Ok(false);
        }
    }
    println!(
        "fault suite: {} in {:.0} s",
        if all_passed {
            "all scenarios passed"
        } else {
            "FAILED"
        },
        started.elapsed().as_secs_f64()
    );
    if !all_passed {
        println!("logs: TESTBED_KEEP=1 keeps {}", cluster.base().display());
    }
    Ok(all_passed)
}
