//! HAProxy in front of the replicas, configured as the ALB is: round robin, health
//! checks of `GET /up` every 2 s, a server out after 2 failures and back after 2
//! successes. Requests that could not reach a server (connection refused or reset
//! before it was sent) are retried on another one; nothing else is retried. Its
//! runtime API (a Unix socket) drains servers and reports their state.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::process::Command;

use crate::process::{Daemon, wait_for_port};

pub const BACKEND: &str = "softly";

pub struct Haproxy {
    pub port: u16,
    socket: PathBuf,
    _daemon: Daemon,
}

impl Haproxy {
    /// Starts HAProxy on `port` in front of `servers` (name, port).
    pub async fn start(base: &Path, port: u16, servers: &[(String, u16)]) -> anyhow::Result<Self> {
        let socket = base.join("haproxy.sock");
        let config = base.join("haproxy.cfg");
        std::fs::write(&config, configuration(port, &socket, servers))?;
        let mut command = Command::new("haproxy");
        command.arg("-f").arg(&config);
        let daemon = Daemon::spawn("haproxy", command, &base.join("haproxy.log"))
            .context("HAProxy is needed (Debian package haproxy)")?;
        wait_for_port(port, Duration::from_secs(10)).await?;
        Ok(Self {
            port,
            socket,
            _daemon: daemon,
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// One command on the runtime API; its answer.
    pub async fn admin(&self, command: &str) -> anyhow::Result<String> {
        let mut stream = UnixStream::connect(&self.socket).await?;
        stream.write_all(format!("{command}\n").as_bytes()).await?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await?;
        Ok(answer)
    }

    /// `ready`, `drain` (no new requests) or `maint`.
    pub async fn set_state(&self, server: &str, state: &str) -> anyhow::Result<()> {
        let answer = self
            .admin(&format!("set server {BACKEND}/{server} state {state}"))
            .await?;
        if !answer.trim().is_empty() {
            bail!("haproxy refused {state} for {server}: {answer}");
        }
        Ok(())
    }

    /// The server's status (`UP`, `DOWN`, `DRAIN`, `MAINT`, `UP 1/2`, …) and how many
    /// requests it has in flight.
    pub async fn server(&self, server: &str) -> anyhow::Result<(String, u64)> {
        let stats = self.admin("show stat").await?;
        let header: Vec<&str> = stats
            .lines()
            .next()
            .context("empty stats")?
            .trim_start_matches("# ")
            .split(',')
            .collect();
        let column = |name: &str| header.iter().position(|h| *h == name);
        let (status, current) = (column("status"), column("scur"));
        for line in stats.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            if fields.first() == Some(&BACKEND) && fields.get(1) == Some(&server) {
                let status = status.and_then(|i| fields.get(i)).unwrap_or(&"?").to_string();
                let current = current
                    .and_then(|i| fields.get(i))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                return Ok((status, current));
            }
        }
        bail!("haproxy has no server {server}")
    }

    /// Waits until the server's status starts with `status`.
    pub async fn wait_status(&self, server: &str, status: &str, limit: Duration) -> anyhow::Result<Duration> {
        let started = Instant::now();
        loop {
            let (now, _) = self.server(server).await?;
            if now.starts_with(status) {
                return Ok(started.elapsed());
            }
            if started.elapsed() > limit {
                bail!("{server} is {now}, not {status}, after {limit:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the server has no request in flight.
    pub async fn wait_idle(&self, server: &str, limit: Duration) -> anyhow::Result<()> {
        let started = Instant::now();
        while self.server(server).await?.1 > 0 {
            if started.elapsed() > limit {
                bail!("{server} still has requests in flight after {limit:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }
}

fn configuration(port: u16, socket: &Path, servers: &[(String, u16)]) -> String {
    let mut config = format!(
        "global
    maxconn 4096
    stats socket {socket} mode 600 level admin

defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
    option forwardfor
    retries 2
    option redispatch 1
    retry-on conn-failure

frontend api
    bind 127.0.0.1:{port}
    default_backend {BACKEND}

backend {BACKEND}
    balance roundrobin
    option httpchk GET /up
    http-check expect status 200
    default-server inter 2s fastinter 1s downinter 2s fall 2 rise 2
",
        socket = socket.display()
    );
    for (name, server_port) in servers {
        config.push_str(&format!("    server {name} 127.0.0.1:{server_port} check\n"));
    }
    config
}
