//! The whole deployment, started in order and torn down on drop.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::api::Api;
use crate::haproxy::Haproxy;
use crate::moto::{self, Moto};
use crate::postgres::Postgres;
use crate::process::free_port;
use crate::redis::RedisServer;
use crate::softly::{Role, Softly};

pub struct Options {
    /// The `softly` binary to run.
    pub binary: PathBuf,
    pub replicas: usize,
    /// `softly worker` processes, each with `JOB_WORKERS` = `threads_per_worker`.
    pub workers: usize,
    pub threads_per_worker: usize,
    /// Whether the processes get `REDIS_URL`.
    pub redis: bool,
    /// More environment for every softly process (overrides the defaults).
    pub env: Vec<(String, String)>,
}

pub struct Cluster {
    pub base: PathBuf,
    pub postgres: Postgres,
    pub redis: Option<RedisServer>,
    pub moto: Moto,
    pub proxy: Haproxy,
    pub replicas: Vec<Softly>,
    pub workers: Vec<Softly>,
    pub api: Api,
    keep: bool,
}

impl Cluster {
    pub async fn start(mut options: Options) -> anyhow::Result<Self> {
        options.binary = std::fs::canonicalize(&options.binary)
            .with_context(|| format!("{} does not exist: build it first", options.binary.display()))?;
        let base = std::env::temp_dir().join(format!("softly-testbed-{}", crate::api::unique()));
        std::fs::create_dir_all(&base)?;
        let postgres = Postgres::start(&base, free_port()?)
            .await
            .context("while starting PostgreSQL")?;
        let redis = match options.redis {
            true => Some(RedisServer::start(&base, free_port()?).await?),
            false => None,
        };
        let moto = Moto::start(&base, free_port()?)
            .await
            .context("while starting moto")?;
        let proxy_port = free_port()?;
        let env = environment(&options, &postgres, redis.as_ref(), &moto, proxy_port, &base);

        migrate(&options.binary, &env, &base).await?;
        let mut replicas = Vec::new();
        for n in 1..=options.replicas {
            let mut env = env.clone();
            env.push(("JOB_WORKERS".into(), "0".into()));
            env.push((
                "SOFTLY_DATA_DIR".into(),
                base.join(format!("data-r{n}")).display().to_string(),
            ));
            let mut replica = Softly::new(
                &format!("r{n}"),
                Role::Serve,
                Some(free_port()?),
                free_port()?,
                &options.binary,
                env,
                &base,
            );
            replica.start().await?;
            replicas.push(replica);
        }
        let mut workers = Vec::new();
        for n in 1..=options.workers {
            let mut env = env.clone();
            env.push(("JOB_WORKERS".into(), options.threads_per_worker.to_string()));
            env.push((
                "SOFTLY_DATA_DIR".into(),
                base.join(format!("data-w{n}")).display().to_string(),
            ));
            let mut worker = Softly::new(
                &format!("w{n}"),
                Role::Worker,
                None,
                free_port()?,
                &options.binary,
                env,
                &base,
            );
            worker.start().await?;
            workers.push(worker);
        }
        let servers: Vec<(String, u16)> = replicas
            .iter()
            .map(|r| (r.name.clone(), r.port.expect("replicas listen")))
            .collect();
        let proxy = Haproxy::start(&base, proxy_port, &servers).await?;
        let cluster = Self {
            api: Api::new(&proxy.url()),
            base,
            postgres,
            redis,
            moto,
            proxy,
            replicas,
            workers,
            keep: std::env::var_os("TESTBED_KEEP").is_some(),
        };
        cluster.wait_all_up(Duration::from_secs(30)).await?;
        Ok(cluster)
    }

    /// Waits until the proxy sees every replica up.
    pub async fn wait_all_up(&self, limit: Duration) -> anyhow::Result<()> {
        for replica in &self.replicas {
            self.proxy.wait_status(&replica.name, "UP", limit).await?;
        }
        Ok(())
    }

    /// The API of one replica directly, bypassing the proxy.
    /// A new user who followed the verification link moto recorded (storing documents
    /// needs a confirmed address); their email and signed-in token pair.
    pub async fn new_user(&self, label: &str) -> anyhow::Result<(String, serde_json::Value)> {
        let (email, pair) = self.api.new_user(label).await?;
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let token = loop {
            if let Some(token) = self.moto.link_token(&email, "/verify-email").await? {
                break token;
            }
            if std::time::Instant::now() > deadline {
                anyhow::bail!("no verification email for {email} within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let body = serde_json::json!({ "token": token });
        let verified = self
            .api
            .call(
                reqwest::Method::POST,
                "/v1/auth/verify-email",
                None,
                Some(body),
                None,
            )
            .await;
        anyhow::ensure!(
            verified.ok(),
            "verifying {email} answered {:?}: {}",
            verified.status,
            verified.body
        );
        Ok((email, pair))
    }

    pub fn replica_api(&self, index: usize) -> Api {
        let port = self.replicas[index].port.expect("replicas listen");
        Api::new(&format!("http://127.0.0.1:{port}"))
    }

    /// Lines of every process's log that contain `needle`.
    pub fn log_lines(&self, needle: &str) -> usize {
        self.replicas
            .iter()
            .chain(&self.workers)
            .filter_map(|p| std::fs::read_to_string(p.log()).ok())
            .map(|text| text.lines().filter(|l| l.contains(needle)).count())
            .sum()
    }

    pub fn base(&self) -> &Path {
        &self.base
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("testbed kept in {}", self.base.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.base);
        }
    }
}

fn environment(
    options: &Options,
    postgres: &Postgres,
    redis: Option<&RedisServer>,
    moto: &Moto,
    proxy_port: u16,
    base: &Path,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("SOFTLY_ENV", "production".to_string()),
        (
            "SECRET_KEY_BASE",
            "testbed-secret-key-base-0123456789abcdef0123456789".into(),
        ),
        ("BIND", "127.0.0.1".into()),
        ("DATABASE_URL", postgres.url()),
        ("S3_BUCKET", moto::BUCKET.into()),
        ("S3_ENDPOINT", moto.endpoint()),
        ("AWS_REGION", moto::REGION.into()),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("MAIL_TRANSPORT", "ses".into()),
        ("SES_ENDPOINT", moto.endpoint()),
        ("TRUSTED_PROXIES", "127.0.0.1/32".into()),
        ("APP_URL", "http://localhost:5173".into()),
        ("API_URL", format!("http://127.0.0.1:{proxy_port}")),
        ("LOG_FORMAT", "json".into()),
        ("RUST_LOG", "info,sqlx=warn".into()),
        ("JOB_LEASE_SECS", "3".into()),
        ("SHUTDOWN_TIMEOUT_SECS", "10".into()),
        ("SOFTLY_DATA_DIR", base.join("data").display().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(redis) = redis {
        env.push(("REDIS_URL".into(), redis.url()));
        env.push(("REDIS_PREFIX".into(), "testbed".into()));
    }
    for (key, value) in &options.env {
        env.retain(|(k, _)| k != key);
        env.push((key.clone(), value.clone()));
    }
    env
}

/// `softly migrate` once, before any replica starts.
async fn migrate(binary: &Path, env: &[(String, String)], base: &Path) -> anyhow::Result<()> {
    let output = tokio::process::Command::new(binary)
        .arg("migrate")
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(base)
        .output()
        .await?;
    if !output.status.success() {
        bail!(
            "softly migrate failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
