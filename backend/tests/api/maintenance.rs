//! The scheduler (once per period across replicas, on both databases), the periodic
//! clean-ups it enqueues, and the operators' `softly jobs` commands.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use softly::platform::jobs::{self, Job};
use softly::platform::schedule::{Schedule, Scheduler};
use sqlx::Row;

use crate::helpers::{Backend, TestApp, bearer};
use crate::on_both_backends;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Tick {}

impl Job for Tick {
    const KIND: &'static str = "test_tick";
}

async fn each_period_is_claimed_by_one_replica_only(backend: Backend) {
    let quiet = [("JOB_WORKERS", "0"), ("SCHEDULER_TICK_MS", "0")];
    let first = TestApp::spawn_with(backend.clone(), &quiet).await;
    let second = first.replica(&quiet).await;
    let period = Duration::from_millis(300);
    let tick = Duration::from_millis(20);
    let started = Instant::now();
    let schedulers: Vec<Scheduler> = [&first, &second, &first]
        .into_iter()
        .map(|app| {
            let schedule = Schedule::new().every("test.tick", period, Tick {});
            Scheduler::spawn(app.db.clone(), app.wired.platform.jobs.clone(), schedule, tick)
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(3000)).await;
    for scheduler in schedulers {
        scheduler.stop().await;
    }
    let elapsed = started.elapsed().as_millis() as i64;
    let enqueued = first
        .count("SELECT COUNT(*) FROM jobs WHERE kind = 'test_tick'")
        .await;
    // One per period plus the first at once; three schedulers would triple it if periods were shared.
    let periods = elapsed / period.as_millis() as i64;
    assert!(
        (periods - 1..=periods + 1).contains(&enqueued),
        "{enqueued} jobs in {elapsed} ms"
    );
}

async fn enqueue<J: Job>(app: &TestApp, job: J) {
    let mut conn = app.db.pool().acquire().await.unwrap();
    jobs::enqueue(&mut conn, &job, app.now_ms()).await.unwrap();
    app.wired.platform.jobs.wake();
    app.wait_for_jobs().await;
}

/// The first column of every row `sql` selects, as text.
async fn strings(app: &TestApp, sql: &'static str) -> Vec<String> {
    let rows = sqlx::query(sql).fetch_all(app.db.pool()).await.unwrap();
    rows.iter().map(|row| row.get::<String, _>(0)).collect()
}

async fn ended_sessions_and_spent_links_are_purged_and_live_ones_kept(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("SCHEDULER_TICK_MS", "0")]).await;
    let (_, pair) = app.signed_in_user().await;
    let me = app.get_json("/v1/me", bearer(&pair)).await;
    let user = me["id"].as_str().unwrap();
    let now = app.now_ms();
    let day = 24 * 3600 * 1000;
    for (id, revoked, expires, last_used) in [
        ("revoked-long-ago", Some(now - 2 * day), now + day, now - 2 * day),
        ("revoked-just-now", Some(now - 1000), now + day, now - 1000),
        ("expired-long-ago", None, now - 2 * day, now - 3 * day),
        ("idle-long-ago", None, now + 20 * day, now - 9 * day),
    ] {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, generation, created_at, last_used_at, expires_at, revoked_at)
             VALUES ($1, $2, 1, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(user)
        .bind(now - 10 * day)
        .bind(last_used)
        .bind(expires)
        .bind(revoked)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    for (hash, expires, used) in [
        ("old", now - 2 * day, None),
        ("live", now + day, None),
        ("spent", now + day, Some(now - 2 * day)),
    ] {
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at, used_at)
             VALUES ($1, $2, 'verify_email', $3, $4, $5)",
        )
        .bind(hash)
        .bind(user)
        .bind(now - 3 * day)
        .bind(expires)
        .bind(used)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    enqueue(&app, softly::accounts::PurgeEndedSessions {}).await;
    let sessions = strings(&app, "SELECT id FROM sessions ORDER BY id").await;
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert!(
        sessions.contains(&"revoked-just-now".to_string()),
        "recently ended sessions stay a day"
    );
    assert_eq!(
        app.get("/v1/me", Some(bearer(&pair))).await.status(),
        StatusCode::OK,
        "the live session works"
    );
    let links: Vec<String> = sqlx::query(
        "SELECT token_hash FROM email_tokens WHERE user_id = $1 AND token_hash IN ('old', 'live', 'spent')",
    )
    .bind(user)
    .fetch_all(app.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("token_hash"))
    .collect();
    assert_eq!(links, ["live"]);
}

async fn dead_jobs_are_kept_thirty_days_then_purged(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("SCHEDULER_TICK_MS", "0")]).await;
    let now = app.now_ms();
    let day = 24 * 3600 * 1000;
    for (id, updated) in [("dead-recent", now - 29 * day), ("dead-old", now - 31 * day)] {
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at)
             VALUES ($1, 'account_email', '{}', 'dead', 8, 8, $2, $2, $2)",
        )
        .bind(id)
        .bind(updated)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    let mut conn = app.db.pool().acquire().await.unwrap();
    jobs::enqueue(
        &mut conn,
        &softly::platform::jobs::admin::PurgeDeadJobs {},
        app.now_ms(),
    )
    .await
    .unwrap();
    drop(conn);
    app.wired.platform.jobs.wake();
    for _ in 0..100 {
        if app
            .count("SELECT COUNT(*) FROM jobs WHERE status <> 'dead'")
            .await
            == 0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let left: Vec<String> = sqlx::query("SELECT id FROM jobs")
        .fetch_all(app.db.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("id"))
        .collect();
    assert_eq!(left, ["dead-recent"]);
}

async fn a_running_service_schedules_and_runs_its_periodic_tasks(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("SCHEDULER_TICK_MS", "50")]).await;
    for _ in 0..100 {
        if app
            .count("SELECT COUNT(*) FROM schedules WHERE last_run_at IS NOT NULL")
            .await
            == 4
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let names = strings(&app, "SELECT name FROM schedules ORDER BY name").await;
    assert_eq!(
        names,
        [
            "accounts.purge_ended",
            "jobs.purge_dead",
            "vault.purge_expired_uploads",
            "vault.retry_stuck_deletions"
        ]
    );
    app.wait_for_jobs().await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM jobs").await,
        0,
        "each task ran and succeeded"
    );
    // Not again before its period is over.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM jobs").await, 0);
}

on_both_backends!(
    a_running_service_schedules_and_runs_its_periodic_tasks,
    each_period_is_claimed_by_one_replica_only,
    ended_sessions_and_spent_links_are_purged_and_live_ones_kept,
    dead_jobs_are_kept_thirty_days_then_purged,
);

/// `softly jobs …` against the embedded database of `app`.
fn jobs_cli(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_softly"))
        .arg("jobs")
        .args(args)
        .env_remove("DATABASE_URL")
        .env("SOFTLY_DATA_DIR", &app.data_dir)
        .env(
            "SECRET_KEY_BASE",
            "test-secret-key-base-of-sufficient-length-0123456789",
        )
        .output()
        .expect("the softly binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_list_dead_jobs_and_retry_them() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("JOB_WORKERS", "0"), ("SCHEDULER_TICK_MS", "0")],
    )
    .await;
    let now = app.now_ms();
    for (id, status) in [("job-dead", "dead"), ("job-queued", "queued")] {
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, updated_at)
             VALUES ($1, 'vault_delete_objects', '{\"keys\":[]}', $2, 30, 30, $3, 'S3 said no', $3, $3)",
        )
        .bind(id)
        .bind(status)
        .bind(now)
        .execute(app.db.pool())
        .await
        .unwrap();
    }
    let all = String::from_utf8(jobs_cli(&app, &["list"]).stdout).unwrap();
    assert!(all.contains("job-dead") && all.contains("job-queued"), "{all}");
    let dead = jobs_cli(&app, &["list", "--dead"]);
    assert!(dead.status.success());
    let dead = String::from_utf8(dead.stdout).unwrap();
    assert!(
        dead.contains("job-dead") && dead.contains("S3 said no") && !dead.contains("job-queued"),
        "{dead}"
    );

    let retried = jobs_cli(&app, &["retry", "job-dead"]);
    assert!(
        retried.status.success(),
        "{}",
        String::from_utf8_lossy(&retried.stderr)
    );
    let row = sqlx::query("SELECT status, attempts FROM jobs WHERE id = 'job-dead'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(
        (row.get::<String, _>("status"), row.get::<i64, _>("attempts")),
        ("queued".into(), 0)
    );
    let unknown = jobs_cli(&app, &["retry", "no-such-job"]);
    assert_eq!(unknown.status.code(), Some(1));
}
