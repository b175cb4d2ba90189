//! A Redis server of the testbed's own, keeping nothing on disk (as ElastiCache without
//! persistence): stopping it loses everything it held.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::process::Command;

use crate::process::{Daemon, wait_for_port};

pub struct RedisServer {
    pub port: u16,
    log: PathBuf,
    daemon: Option<Daemon>,
}

impl RedisServer {
    pub async fn start(base: &Path, port: u16) -> anyhow::Result<Self> {
        let mut this = Self {
            port,
            log: base.join("redis.log"),
            daemon: None,
        };
        this.start_server().await?;
        Ok(this)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub async fn start_server(&mut self) -> anyhow::Result<()> {
        let mut command = Command::new("redis-server");
        command
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "", "--appendonly", "no"]);
        self.daemon = Some(Daemon::spawn("redis-server", command, &self.log)?);
        wait_for_port(self.port, Duration::from_secs(10)).await
    }

    pub fn is_running(&self) -> bool {
        self.daemon.is_some()
    }

    /// Kills the server: whatever it held is gone.
    pub async fn stop(&mut self) {
        if let Some(mut daemon) = self.daemon.take() {
            daemon.kill().await;
        }
    }
}
