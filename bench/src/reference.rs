//! The references the hot path is compared with, measured in the same run: a bare
//! axum/hyper handler answering fixed JSON (this binary, `--serve-bare PORT`, in a process
//! of its own with the same two-worker runtime), and single-row primary-key selects from
//! the same PostgreSQL over N connections, as `pgbench -S` does.

use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;
use tokio::process::{Child, Command};

/// Serves `GET /` → `{"id":…,"email":…}` on 127.0.0.1:`port` until killed.
pub fn serve_bare(port: u16) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let app = axum::Router::new().route(
            "/",
            axum::routing::get(|| async {
                axum::Json(serde_json::json!({
                    "id": "0192f0c2-7a3c-7d1e-9b8a-1c2d3e4f5a6b",
                    "email": "bench@example.com",
                    "name": "Bench",
                    "time_zone": "Europe/London",
                }))
            }),
        );
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        axum::serve(listener, app).await?;
        anyhow::Ok(())
    })
}

/// The bare handler as a child process; killed on drop.
pub struct Bare {
    child: Child,
    pub address: String,
}

impl Bare {
    pub async fn start() -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(std::env::current_exe()?)
            .args(["--serve-bare", &port.to_string()])
            .kill_on_drop(true)
            .spawn()
            .context("while starting the bare handler")?;
        let address = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(&address).await.is_err() {
            anyhow::ensure!(Instant::now() < deadline, "the bare handler did not listen");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(Self { child, address })
    }

    /// CPU time the handler's process has used so far.
    pub fn cpu_time(&self) -> anyhow::Result<Duration> {
        crate::server::cpu_time_of(self.child.id().context("the bare handler exited")?)
    }
}

/// Single-row selects by primary key from `users` over `connections` connections for
/// `duration`: selects per second, p50 and p99 (ms).
pub async fn selects(
    database_url: &str,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<(f64, f64, f64)> {
    let pool = PgPoolOptions::new()
        .max_connections(connections as u32)
        .min_connections(connections as u32)
        .connect(database_url)
        .await?;
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM users LIMIT 100")
        .fetch_all(&pool)
        .await?;
    anyhow::ensure!(!ids.is_empty(), "no users to select");
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|n| {
            let (pool, id) = (pool.clone(), ids[n % ids.len()].clone());
            tokio::spawn(async move {
                let mut conn = pool.acquire().await?;
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let _: (String, String) = sqlx::query_as("SELECT id, email FROM users WHERE id = $1")
                        .bind(&id)
                        .fetch_one(&mut *conn)
                        .await?;
                    latencies.push(sent.elapsed().as_micros() as u32);
                }
                anyhow::Ok(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    pool.close().await;
    all.sort_unstable();
    let at = |q: f64| all[((all.len() - 1) as f64 * q) as usize] as f64 / 1000.0;
    Ok((all.len() as f64 / elapsed, at(0.5), at(0.99)))
}
