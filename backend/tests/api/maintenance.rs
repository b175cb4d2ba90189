//! The scheduler (once per period across replicas, on both databases), the periodic
//! clean-ups it enqueues, and the operators' `softly jobs` commands.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use softly::platform::jobs::{self, Job};
use softly::platform::schedule::{Schedule, Scheduler};
use sqlx::Row;

use crate::helpers::{Backend, PASSWORD, TestApp, bearer, refresh_token};
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

const DAY: Duration = Duration::from_secs(24 * 3600);

/// Refreshes `pair`; the new pair, or None when the session can no longer refresh.
async fn refreshed(app: &TestApp, pair: &Value) -> Option<Value> {
    let response = app
        .post("/v1/auth/refresh", json!({"refresh_token": refresh_token(pair)}))
        .await;
    (response.status() == StatusCode::OK).then_some(response.json().await.unwrap())
}

async fn logout(app: &TestApp, pair: &Value) {
    let response = app
        .send(Method::POST, "/v1/auth/logout", bearer(pair), None)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn ended_sessions_and_spent_links_are_purged_and_live_ones_kept(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("SCHEDULER_TICK_MS", "0")]).await;
    let email = "ada@example.com";
    // A first verification link left unused, a second one spent.
    app.signup_and_verification_token(email).await;
    let mut expiring = app.login_ok(email, PASSWORD).await;
    let ended = app.login_ok(email, PASSWORD).await;
    let idle = app.login_ok(email, PASSWORD).await;
    let resent = app
        .send(
            Method::POST,
            "/v1/auth/verify-email/resend",
            bearer(&expiring),
            None,
        )
        .await;
    assert_eq!(resent.status(), StatusCode::ACCEPTED);
    let spent = app
        .wait_for_email(email, "Confirm", 2)
        .await
        .token("/verify-email");
    let verified = app.post("/v1/auth/verify-email", json!({"token": spent})).await;
    assert_eq!(verified.status(), StatusCode::OK);
    logout(&app, &ended).await;

    // 32 days on: one session refreshed every 6 days until its 30 days ran out, one
    // never used again, one signed out at the start.
    for _ in 0..5 {
        app.clock.advance(6 * DAY);
        expiring = refreshed(&app, &expiring).await.unwrap_or(expiring);
    }
    app.clock.advance(2 * DAY);
    assert!(refreshed(&app, &expiring).await.is_none(), "past its 30 days");
    // What is live now, and a session that ended just now (kept a day).
    let live = app.login_ok(email, PASSWORD).await;
    let recent = app.login_ok(email, PASSWORD).await;
    logout(&app, &recent).await;
    let forgot = app
        .post("/v1/auth/password/forgot", json!({"email": email}))
        .await;
    assert_eq!(forgot.status(), StatusCode::ACCEPTED);
    app.wait_for_jobs().await;

    enqueue(&app, softly::accounts::PurgeEndedSessions {}).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 2);
    assert!(refreshed(&app, &live).await.is_some(), "the live session works");
    for gone in [&expiring, &ended, &idle] {
        assert!(refreshed(&app, gone).await.is_none());
    }
    let links = strings(&app, "SELECT purpose FROM email_tokens").await;
    assert_eq!(links, ["reset_password"], "only the live link is kept");
}

async fn dead_jobs_are_kept_thirty_days_then_purged(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("SCHEDULER_TICK_MS", "0")]).await;
    let dead = |id: &'static str| {
        let now = app.now_ms();
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at)
             VALUES ($1, 'account_email', '{}', 'dead', 8, 8, $2, $2, $2)",
        )
        .bind(id)
        .bind(now)
        .execute(app.db.pool())
    };
    dead("dead-first").await.unwrap();
    app.clock.advance(2 * DAY);
    dead("dead-later").await.unwrap();
    app.clock.advance(29 * DAY);
    enqueue(&app, softly::platform::jobs::admin::PurgeDeadJobs {}).await;
    let left = strings(&app, "SELECT id FROM jobs").await;
    assert_eq!(left, ["dead-later"], "31 days dead goes, 29 days dead stays");
}

async fn a_running_service_schedules_and_runs_its_periodic_tasks(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("SCHEDULER_TICK_MS", "50")]).await;
    for _ in 0..100 {
        if app
            .count("SELECT COUNT(*) FROM schedules WHERE last_run_at IS NOT NULL")
            .await
            == 7
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
            "capture.purge_stale_recordings",
            "items.purge_trash",
            "items.sweep_reminders",
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
