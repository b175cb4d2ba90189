//! Items at scale: a signed-in `GET /v1/items?status=open` for a user with 5,000 items,
//! and the reminder sweep finding and enqueueing 100,000 reminders due at one instant
//! among 1,000,000 items (SQLite, and PostgreSQL when a server is given).
//!
//! The sweep's database is seeded with SQL (a million rows through the API would take the
//! bench's whole budget), then the sweep runs as the periodic task runs it: batches of
//! 500 taken by one indexed query, marked handed over and turned into email jobs with
//! multi-row inserts, each batch one transaction.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::json;
use softly::config::DatabaseUrl;
use softly::platform::cache::Cache;
use softly::platform::clock::Clock;
use softly::platform::db::Db;
use softly::platform::events::Events;
use softly::platform::jobs::JobQueue;
use softly::platform::work::Work;
use sqlx::AssertSqlSafe;

use crate::load::{self, Report};

pub const ITEMS_PER_USER: usize = 5_000;
const SWEEP_ITEMS: i64 = 1_000_000;
/// One item in ten has its reminder due now.
const DUE_EVERY: i64 = 10;

/// Creates [`ITEMS_PER_USER`] items for the user of `token`, then measures the list.
pub async fn list_open(
    base: &str,
    token: &str,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<(Duration, Report)> {
    let started = Instant::now();
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..16 {
        let (client, base, token) = (client.clone(), base.to_string(), token.to_string());
        tasks.spawn(async move {
            for n in (worker..ITEMS_PER_USER).step_by(16) {
                let kind = ["bill", "renewal", "todo", "expiry"][n % 4];
                let body = json!({
                    "kind": kind,
                    "title": format!("Item {n}"),
                    "due_on": format!("20{:02}-{:02}-{:02}", 27 + n % 10, 1 + n % 12, 1 + n % 28),
                    "recurrence": if n % 3 == 0 { Some("FREQ=MONTHLY") } else { None },
                });
                let response = client
                    .post(format!("{base}/v1/items"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await?;
                anyhow::ensure!(
                    response.status() == 201,
                    "creating an item answered {}",
                    response.status()
                );
            }
            Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let seeded = started.elapsed();
    let report = load::run(base, "/v1/items?status=open", Some(token), connections, duration).await?;
    Ok((seeded, report))
}

/// What one sweep run measured.
pub struct SweepFigures {
    pub seed: Duration,
    pub sweep: Duration,
    pub handed: usize,
    pub jobs: i64,
}

/// Seeds a fresh database (`server`: a PostgreSQL server whose user may create
/// databases; None: a SQLite file) and times one sweep over it.
pub async fn sweep(server: Option<&str>) -> anyhow::Result<SweepFigures> {
    let scratch = Scratch::create(server, "sweep").await?;
    let url = DatabaseUrl::parse(Some(&scratch.url), &scratch.dir)?;
    let db = Db::connect(&url, 4, Duration::from_secs(30)).await?;
    softly::startup::migrate(&db).await?;
    let now = Clock::system().now_ms();
    let started = Instant::now();
    seed(&db, server.is_some(), now).await?;
    let seed = started.elapsed();
    let clock = Clock::system();
    let work = Work::new(
        db.clone(),
        clock.clone(),
        JobQueue::new(db.clone(), clock),
        Events::new(),
        Cache::new(None),
    );
    let started = Instant::now();
    let handed = softly::items::sweep_due_reminders(&db, &work).await?;
    let sweep = started.elapsed();
    let jobs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'items.send_reminder'")
        .fetch_one(db.pool())
        .await?;
    db.close().await;
    scratch.drop_it().await;
    Ok(SweepFigures {
        seed,
        sweep,
        handed,
        jobs,
    })
}

/// A million items of 10,000 users, each with one reminder: one in ten due a second ago,
/// the rest next year.
async fn seed(db: &Db, postgres: bool, now: i64) -> anyhow::Result<()> {
    let numbers = if postgres {
        format!("SELECT i FROM generate_series(0, {}) AS i", SWEEP_ITEMS - 1)
    } else {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}) SELECT i FROM n",
            SWEEP_ITEMS - 1
        )
    };
    let padded = if postgres {
        "lpad(i::text, 7, '0')"
    } else {
        "printf('%07d', i)"
    };
    let items = format!(
        "INSERT INTO items (id, user_id, kind, title, category, tags, status, due_on, occurrence_on, due_key,
                            repeat_from, series_start, created_at, updated_at)
         SELECT 'item-' || {padded}, 'user-' || (i % 10000), 'bill', 'Bench item', 'other', '[]', 'open',
                '2030-01-01', '2030-01-01', '2030-01-01', 'schedule', '2030-01-01', {now}, {now}
         FROM ({numbers}) AS numbers"
    );
    let due = now - 1000;
    let later = now + 365 * 24 * 3600 * 1000;
    let reminders = format!(
        "INSERT INTO item_reminders (id, item_id, user_id, kind, offset_value, offset_unit, position, planned_for,
                                     next_fire_at, digest)
         SELECT 'reminder-' || {padded}, 'item-' || {padded}, 'user-' || (i % 10000), 'offset', 1, 'day', 0,
                '2030-01-01', CASE WHEN i % {DUE_EVERY} = 0 THEN {due} ELSE {later} END, 0
         FROM ({numbers}) AS numbers"
    );
    for sql in [items, reminders] {
        sqlx::query(AssertSqlSafe(sql))
            .execute(db.pool())
            .await
            .context("while seeding")?;
    }
    if postgres {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    Ok(())
}

/// A database of its own for one bench: a SQLite file, or a PostgreSQL database created
/// on `server` and dropped afterwards.
pub(crate) struct Scratch {
    pub(crate) url: String,
    pub(crate) dir: PathBuf,
    server: Option<(String, String)>,
}

impl Scratch {
    pub(crate) async fn create(server: Option<&str>, label: &str) -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("softly-bench-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let Some(server) = server else {
            let file = dir.join(format!("{label}.db"));
            let _ = std::fs::remove_file(&file);
            return Ok(Self {
                url: format!("sqlite://{}?mode=rwc", file.display()),
                dir,
                server: None,
            });
        };
        sqlx::any::install_default_drivers();
        let name = format!("softly_bench_{label}_{}", std::process::id());
        let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(server).await?;
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
            .execute(&mut admin)
            .await?;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        let (base, query) = server.split_once('?').unwrap_or((server, ""));
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let base = match base[scheme_end..].find('/') {
            Some(slash) => &base[..scheme_end + slash],
            None => base,
        };
        let url = match query {
            "" => format!("{base}/{name}"),
            query => format!("{base}/{name}?{query}"),
        };
        Ok(Self {
            url,
            dir,
            server: Some((server.to_string(), name)),
        })
    }

    pub(crate) async fn drop_it(self) {
        if let Some((server, name)) = &self.server
            && let Ok(mut admin) = <sqlx::AnyConnection as sqlx::Connection>::connect(server).await
        {
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _ = sqlx::query(AssertSqlSafe(drop)).execute(&mut admin).await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
