//! Job dispatch through Redis: a job committed by one replica wakes a worker of another
//! at once, and jobs committed while Redis is gone wait in the database and run when it
//! returns. The workers here poll the database only every ten minutes, so only a signal
//! through Redis can make them run anything within the test.

use std::time::{Duration, Instant};

use crate::helpers::{Backend, PASSWORD, TestApp, test_service};
use crate::on_both_backends;
use crate::private_redis::PrivateRedis;

const NO_POLL: (&str, &str) = ("JOB_POLL_INTERVAL_MS", "600000");

/// An API replica without workers and a worker replica on the same database.
async fn api_and_worker(backend: Backend, redis: Option<&str>) -> (TestApp, TestApp) {
    let prefix = format!("test-{}", uuid::Uuid::now_v7().simple());
    let mut env = vec![("JOB_WORKERS", "0")];
    if let Some(redis) = redis {
        env.extend([("REDIS_URL", redis), ("REDIS_PREFIX", prefix.as_str())]);
    }
    let api = TestApp::spawn_with(backend, &env).await;
    env[0] = ("JOB_WORKERS", "1");
    env.push(NO_POLL);
    let worker = api.replica(&env).await;
    (api, worker)
}

/// Signs up a user: one verification email job committed.
async fn commit_a_job(api: &TestApp) {
    let email = format!("user-{}@example.com", uuid::Uuid::now_v7().simple());
    assert!(
        api.signup(&email, PASSWORD, "Someone")
            .await
            .status()
            .is_success()
    );
}

async fn jobs_left(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM jobs").await
}

/// Whether the jobs table empties within `limit`.
async fn drains_within(app: &TestApp, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if jobs_left(app).await == 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

async fn a_job_committed_on_one_replica_wakes_a_worker_of_another(backend: Backend) {
    let redis = test_service("SOFTLY_TEST_REDIS_URL");
    let (api, _worker) = api_and_worker(backend.clone(), Some(&redis)).await;
    commit_a_job(&api).await;
    assert!(
        drains_within(&api, Duration::from_secs(5)).await,
        "the worker was not woken"
    );

    // Without Redis the same worker waits for its next poll.
    let (api, _worker) = api_and_worker(backend, None).await;
    commit_a_job(&api).await;
    assert!(!drains_within(&api, Duration::from_secs(2)).await);
    assert_eq!(jobs_left(&api).await, 1);
}

async fn jobs_committed_while_redis_was_gone_run_when_it_returns(backend: Backend) {
    let mut redis = PrivateRedis::start();
    let (api, _worker) = api_and_worker(backend, Some(&redis.url)).await;
    commit_a_job(&api).await;
    assert!(drains_within(&api, Duration::from_secs(5)).await);

    redis.kill();
    commit_a_job(&api).await;
    commit_a_job(&api).await;
    assert!(!drains_within(&api, Duration::from_millis(1500)).await);
    assert_eq!(jobs_left(&api).await, 2, "acknowledged jobs wait in the database");

    // An empty Redis: the signals are lost, the jobs are not.
    redis.restart();
    assert!(
        drains_within(&api, Duration::from_secs(10)).await,
        "{} jobs still waiting after redis returned",
        jobs_left(&api).await
    );
}

on_both_backends!(
    needs softly_test_redis "set SOFTLY_TEST_REDIS_URL (a Redis server) to run":
    a_job_committed_on_one_replica_wakes_a_worker_of_another,
);

on_both_backends!(
    needs softly_test_redis_server "needs redis-server on PATH":
    jobs_committed_while_redis_was_gone_run_when_it_returns,
);
