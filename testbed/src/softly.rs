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

/// One softly process, restartable with the same name, port and environment.
pub struct Softly {
    pub name: String,
    pub role: Role,
    /// The port a replica listens on (workers listen nowhere).
    pub port: Option<u16>,
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
        binary: &Path,
        env: Vec<(String, String)>,
        base: &Path,
    ) -> Self {
        Self {
            name: name.to_string(),
            role,
            port,
            binary: binary.to_path_buf(),
            env,
            log: base.join(format!("{name}.log")),
            daemon: None,
        }
    }

    /// Starts the process; a replica is up once it listens.
    pub async fn start(&mut self) -> anyhow::Result<()> {
        let mut command = Command::new(&self.binary);
        command.arg(match self.role {
            Role::Serve => "serve",
            Role::Worker => "worker",
        });
        command.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
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

    pub fn log(&self) -> &Path {
        &self.log
    }
}
