//! `softly serve` replicas and `softly worker` processes of the testbed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use tokio::process::Command;

use crate::process::{Daemon, wait_for_port};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Serve,
    Worker,
}

/// A process's memory, from /proc.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub now_mib: u64,
    pub peak_mib: u64,
}

/// One softly process, restartable with the same name, port and environment.
pub struct Softly {
    pub name: String,
    pub role: Role,
    /// The port a replica listens on (workers listen nowhere).
    pub port: Option<u16>,
    /// Where it serves `/metrics` (loopback).
    pub metrics_port: u16,
    binary: PathBuf,
    env: Vec<(String, String)>,
    log: PathBuf,
    daemon: Option<Daemon>,
}

impl Softly {
    pub fn new(
        name: &str,
        role: Role,
        port: Option<u16>,
        metrics_port: u16,
        binary: &Path,
        env: Vec<(String, String)>,
        base: &Path,
    ) -> Self {
        Self {
            name: name.to_string(),
            role,
            port,
            metrics_port,
            binary: binary.to_path_buf(),
            env,
            log: base.join(format!("{name}.log")),
            daemon: None,
        }
    }

    /// Starts the process; a replica is up once it listens.
    pub async fn start(&mut self) -> anyhow::Result<()> {
        // Started as on a self-hosted machine (systemd's default soft limit of 1024 open
        // files; the hard limit left as it is): softly raises it itself.
        let mut command = Command::new("prlimit");
        command.args(["--nofile=1024:", "--"]).arg(&self.binary);
        command.arg(match self.role {
            Role::Serve => "serve",
            Role::Worker => "worker",
        });
        command.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        // Several processes on one machine: each its own metrics port, kept across
        // restarts so a scenario can scrape it.
        command.env("METRICS_PORT", self.metrics_port.to_string());
        command.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if let Some(port) = self.port {
            command.env("PORT", port.to_string());
        }
        self.daemon = Some(Daemon::spawn(&self.name, command, &self.log)?);
        if let Some(port) = self.port {
            wait_for_port(port, Duration::from_secs(60))
                .await
                .with_context(|| format!("{} did not start; see {}", self.name, self.log.display()))?;
        }
        Ok(())
    }

    fn daemon(&self) -> anyhow::Result<&Daemon> {
        self.daemon
            .as_ref()
            .with_context(|| format!("{} is not running", self.name))
    }

    pub fn signal(&self, signal: &str) -> anyhow::Result<()> {
        self.daemon()?.signal(signal)
    }

    /// SIGTERM, then waits for a clean exit; the exit status.
    pub async fn stop(&mut self, limit: Duration) -> anyhow::Result<std::process::ExitStatus> {
        self.signal("TERM")?;
        let mut daemon = self.daemon.take().context("not running")?;
        match daemon.wait_exit(limit).await {
            Some(status) => Ok(status),
            None => {
                daemon.kill().await;
                anyhow::bail!("{} did not exit within {limit:?} of SIGTERM", self.name)
            }
        }
    }

    /// SIGKILL: no chance to finish anything.
    pub async fn kill(&mut self) {
        if let Some(mut daemon) = self.daemon.take() {
            daemon.kill().await;
        }
    }

    /// Whether the process is alive (a frozen one counts as alive).
    pub fn is_running(&mut self) -> bool {
        self.daemon.as_mut().is_some_and(Daemon::is_running)
    }

    /// Scrapes the process's `/metrics`.
    pub async fn metrics(&self) -> anyhow::Result<crate::metrics::Metrics> {
        crate::metrics::Metrics::scrape(self.metrics_port).await
    }

    pub fn log(&self) -> &Path {
        &self.log
    }

    /// The process's memory now and at its peak (VmRSS, VmHWM), in MiB.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        let pid = self
            .daemon()?
            .pid()
            .with_context(|| format!("{} has exited", self.name))?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .with_context(|| format!("while reading the status of {}", self.name))?;
        let mib = |field: &str| -> anyhow::Result<u64> {
            let line = status
                .lines()
                .find(|line| line.starts_with(field))
                .with_context(|| format!("no {field} for {}", self.name))?;
            let kib: u64 = line.split_whitespace().nth(1).unwrap_or_default().parse()?;
            Ok(kib / 1024)
        };
        Ok(Memory {
            now_mib: mib("VmRSS:")?,
            peak_mib: mib("VmHWM:")?,
        })
    }
}
