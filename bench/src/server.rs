//! The server under test: the release binary, started fresh on a free loopback port.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

pub struct Server {
    child: Child,
    pub base: String,
    pub startup: Duration,
    data_dir: PathBuf,
}

impl Server {
    /// Starts `target/release/softly` (or `$SOFTLY_BIN`) and waits for its first 200.
    pub async fn start(database_url: Option<&str>) -> anyhow::Result<Self> {
        Self::start_with(database_url, &[]).await
    }

    /// As [`Server::start`], with more environment.
    pub async fn start_with(database_url: Option<&str>, env: &[(&str, String)]) -> anyhow::Result<Self> {
        let binary = std::env::var("SOFTLY_BIN").unwrap_or_else(|_| "target/release/softly".into());
        anyhow::ensure!(
            std::path::Path::new(&binary).exists(),
            "{binary} is missing: build it with `cargo build --release -p softly` (bench/run does)"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let data_dir = std::env::temp_dir().join(format!("softly-bench-{}-{port}", std::process::id()));
        let mut command = Command::new(&binary);
        command
            .env("SOFTLY_DATA_DIR", &data_dir)
            .env("PORT", port.to_string())
            .env("METRICS_PORT", "0")
            .env("LOG_FORMAT", "json")
            .env("DATABASE_MAX_CONNECTIONS", "16")
            // Room for the 100 MiB upload the bench sends.
            .env("VAULT_MAX_UPLOAD_BYTES", (256u64 << 20).to_string())
            .env("VAULT_QUOTA_BYTES", (1u64 << 30).to_string())
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        match database_url {
            Some(url) => command.env("DATABASE_URL", url),
            None => command.env_remove("DATABASE_URL"),
        };
        let started = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("while starting {binary}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let deadline = started + Duration::from_secs(30);
        loop {
            if let Ok(response) = client.get(format!("{base}/up")).send().await
                && response.status() == 200
            {
                break;
            }
            anyhow::ensure!(Instant::now() < deadline, "softly did not answer /up within 30 s");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Ok(Self {
            startup: started.elapsed(),
            child,
            base,
            data_dir,
        })
    }

    /// Signs a bench user up and in; returns the access token.
    pub async fn signed_in_token(&self) -> anyhow::Result<String> {
        let client = reqwest::Client::new();
        let email = format!(
            "bench-{}@example.com",
            self.base.rsplit(':').next().unwrap_or("0")
        );
        let credentials = json!({"email": email, "password": "a long bench password"});
        let mut signup = credentials.clone();
        signup["name"] = json!("Bench");
        let status = client
            .post(format!("{}/v1/auth/signup", self.base))
            .json(&signup)
            .send()
            .await?
            .status();
        anyhow::ensure!(status == 201, "signup answered {status}");
        // Storing documents needs a confirmed address: follow the emailed link.
        let token = self.verification_token().await?;
        let status = client
            .post(format!("{}/v1/auth/verify-email", self.base))
            .json(&json!({ "token": token }))
            .send()
            .await?
            .status();
        anyhow::ensure!(status == 200, "verifying the address answered {status}");
        let pair: Value = client
            .post(format!("{}/v1/auth/login", self.base))
            .json(&credentials)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        pair["access_token"]
            .as_str()
            .map(str::to_owned)
            .context("no access token")
    }

    /// The token of the verification link the embedded mailer wrote (at most 10 s).
    async fn verification_token(&self) -> anyhow::Result<String> {
        let folder = self.data_dir.join("mail");
        let needle = "/verify-email?token=";
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
                // Quoted-printable: soft line breaks out, `=3D` back to `=`.
                let text = std::fs::read_to_string(entry.path())
                    .unwrap_or_default()
                    .replace("=\r\n", "")
                    .replace("=3D", "=");
                if let Some(start) = text.find(needle) {
                    let token: String = text[start + needle.len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                        .collect();
                    return Ok(token);
                }
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "no verification email in {}",
                folder.display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The server's peak resident set (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let pid = self.child.id().context("the server exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmHWM in /proc status")
    }

    /// CPU time the server has used so far (user + system).
    pub fn cpu_time(&self) -> anyhow::Result<Duration> {
        cpu_time_of(self.child.id().context("the server exited")?)
    }

    /// Stops the server with SIGTERM, as ECS would, and removes its data.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()?;
        }
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await??;
        let _ = std::fs::remove_dir_all(&self.data_dir);
        anyhow::ensure!(status.success(), "softly exited with {status}");
        Ok(())
    }
}

/// CPU time process `pid` has used so far (user + system), from `/proc/<pid>/stat`.
pub fn cpu_time_of(pid: u32) -> anyhow::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which may hold spaces) start at `state`, the third;
    // utime and stime are the 14th and 15th.
    let after_name = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .context("no ) in stat")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: u64 = fields.get(11).context("no utime")?.parse()?;
    let stime: u64 = fields.get(12).context("no stime")?.parse()?;
    // In USER_HZ, 100 a second on every Linux architecture /proc reports for.
    Ok(Duration::from_millis((utime + stime) * 10))
}
