//! A PostgreSQL cluster of the testbed's own: initdb into its own folder, its own port,
//! so stopping it disturbs nothing else on the machine. Run as the `postgres` user when
//! the testbed runs as root (initdb refuses root).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use tokio::process::Command;

pub struct Postgres {
    bin: PathBuf,
    folder: PathBuf,
    pub port: u16,
    as_postgres: bool,
}

impl Postgres {
    /// initdb and start on `port`; trust authentication on loopback only.
    pub async fn start(base: &Path, port: u16) -> anyhow::Result<Self> {
        let bin = bin_dir()?;
        let folder = base.join("postgres");
        std::fs::create_dir_all(&folder)?;
        let as_postgres = is_root();
        if as_postgres {
            let status = std::process::Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&folder)
                .status()?;
            anyhow::ensure!(status.success(), "chown of {} failed", folder.display());
        }
        let this = Self {
            bin,
            folder,
            port,
            as_postgres,
        };
        let data = this.data().display().to_string();
        this.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )
        .await?;
        this.start_server().await?;
        Ok(this)
    }

    fn data(&self) -> PathBuf {
        self.folder.join("data")
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub async fn start_server(&self) -> anyhow::Result<()> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
            self.port,
            self.folder.display()
        );
        let data = self.data().display().to_string();
        let log = self.folder.join("server.log").display().to_string();
        self.run(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "-t", "30", "start"],
        )
        .await
    }

    /// Stops the server in immediate mode: every backend is killed, nothing is flushed
    /// beyond what was committed; the next start runs crash recovery.
    pub async fn stop_immediately(&self) -> anyhow::Result<()> {
        let data = self.data().display().to_string();
        self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"])
            .await
    }

    /// Whether the server accepts connections now.
    pub async fn is_ready(&self) -> bool {
        let port = self.port.to_string();
        self.command("pg_isready", &["-h", "127.0.0.1", "-p", &port, "-t", "1"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .await
            .is_ok_and(|s| s.success())
    }

    /// Runs one SQL statement with psql and answers its unaligned output.
    pub async fn query(&self, sql: &str) -> anyhow::Result<String> {
        let port = self.port.to_string();
        let output = self
            .command(
                "psql",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "postgres",
                    "-At",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    sql,
                ],
            )
            .output()
            .await?;
        anyhow::ensure!(
            output.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(String::from_utf8(output.stdout)?.trim().to_string())
    }

    /// A single number from `sql`.
    pub async fn count(&self, sql: &str) -> anyhow::Result<i64> {
        let text = self.query(sql).await?;
        text.parse().with_context(|| format!("{sql} answered {text:?}"))
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        command.args(args).current_dir(&self.folder);
        command
    }

    async fn run(&self, program: &str, args: &[&str]) -> anyhow::Result<()> {
        let output = self.command(program, args).output().await?;
        if !output.status.success() {
            bail!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data().display().to_string();
        let program = self.bin.join("pg_ctl");
        let mut command = if self.as_postgres {
            let mut command = std::process::Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            std::process::Command::new(program)
        };
        let _ = command
            .args(["-D", &data, "-m", "immediate", "stop"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// `$PG_BIN`, else the newest `/usr/lib/postgresql/*/bin` holding initdb.
fn bin_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL's server binaries are not in /usr/lib/postgresql; set PG_BIN")?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .context("no initdb under /usr/lib/postgresql/*/bin; set PG_BIN")
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}
