//! Rate limits shared by replicas through Redis, and the fall-back to per-replica memory
//! when Redis cannot be reached.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp, test_service};

/// Two replicas (two applications) sharing one Redis under a fresh key prefix.
async fn replicas(redis: &str) -> (TestApp, TestApp) {
    let prefix = format!("test-{}", uuid::Uuid::now_v7().simple());
    let env = [("REDIS_URL", redis), ("REDIS_PREFIX", prefix.as_str())];
    (
        TestApp::spawn_with(Backend::Sqlite, &env).await,
        TestApp::spawn_with(Backend::Sqlite, &env).await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(softly_test_redis),
    ignore = "set SOFTLY_TEST_REDIS_URL (a Redis server) to run"
)]
async fn wrong_passwords_spread_over_replicas_share_one_budget() {
    let redis = test_service("SOFTLY_TEST_REDIS_URL");
    let (first, second) = replicas(&redis).await;
    let email = format!("target-{}@example.com", uuid::Uuid::now_v7().simple());
    for app in [&first, &second] {
        assert_eq!(
            app.signup(&email, PASSWORD, "Target").await.status(),
            StatusCode::CREATED
        );
    }
    let mut statuses = Vec::new();
    for attempt in 0..14 {
        let app = if attempt % 2 == 0 { &first } else { &second };
        statuses.push(app.login(&email, "not the password at all").await.status());
    }
    let evaluated = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    // Ten per account in 15 minutes, across both replicas together (alone, each would allow ten).
    assert_eq!((evaluated, limited), (10, 4), "{statuses:?}");
    assert_eq!(
        first.login(&email, PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(softly_test_redis),
    ignore = "set SOFTLY_TEST_REDIS_URL (a Redis server) to run"
)]
async fn a_password_reset_on_one_replica_lifts_the_account_wide_limit_on_every_replica() {
    let redis = test_service("SOFTLY_TEST_REDIS_URL");
    let prefix = format!("test-{}", uuid::Uuid::now_v7().simple());
    let env = [
        ("REDIS_URL", redis.as_str()),
        ("REDIS_PREFIX", prefix.as_str()),
        ("TRUSTED_PROXIES", "127.0.0.1/32"),
    ];
    let first = TestApp::spawn_with(Backend::Sqlite, &env).await;
    let second = TestApp::spawn_with(Backend::Sqlite, &env).await;
    let email = format!("victim-{}@example.com", uuid::Uuid::now_v7().simple());
    for app in [&first, &second] {
        assert_eq!(
            app.signup(&email, PASSWORD, "Victim").await.status(),
            StatusCode::CREATED
        );
    }
    let login_from = |app: &TestApp, address: String, password: &'static str| {
        app.request(reqwest::Method::POST, "/v1/auth/login")
            .header("x-forwarded-for", address)
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
    };
    for n in 0..52 {
        let app = if n % 2 == 0 { &first } else { &second };
        login_from(app, format!("198.51.100.{}", n + 1), "not the password!")
            .await
            .unwrap();
    }
    let locked = login_from(&second, "203.0.113.1".into(), PASSWORD).await.unwrap();
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "shared across replicas"
    );

    first.reset_password(&email, PASSWORD).await;
    let after = login_from(&second, "203.0.113.1".into(), PASSWORD).await.unwrap();
    assert_eq!(
        after.status(),
        StatusCode::OK,
        "the other replica sees the limit lifted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(softly_test_redis),
    ignore = "set SOFTLY_TEST_REDIS_URL (a Redis server) to run"
)]
async fn a_correct_password_hands_its_slot_back_on_every_replica() {
    let redis = test_service("SOFTLY_TEST_REDIS_URL");
    let (first, second) = replicas(&redis).await;
    let email = format!("owner-{}@example.com", uuid::Uuid::now_v7().simple());
    for app in [&first, &second] {
        assert_eq!(
            app.signup(&email, PASSWORD, "Owner").await.status(),
            StatusCode::CREATED
        );
    }
    // Many successful sign-ins through both replicas never exhaust the budget.
    for attempt in 0..14 {
        let app = if attempt % 2 == 0 { &first } else { &second };
        assert_eq!(
            app.login(&email, PASSWORD).await.status(),
            StatusCode::OK,
            "attempt {attempt}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_limits_still_hold_per_replica_and_nothing_hangs() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://127.0.0.1:{closed}");
    let app = TestApp::spawn_with(Backend::Sqlite, &[("REDIS_URL", url.as_str())]).await;
    let email = format!("alone-{}@example.com", uuid::Uuid::now_v7().simple());
    assert_eq!(
        app.signup(&email, PASSWORD, "Alone").await.status(),
        StatusCode::CREATED
    );
    let started = Instant::now();
    let mut statuses = Vec::new();
    for _ in 0..11 {
        statuses.push(app.login(&email, "still not the password").await.status());
    }
    assert_eq!(statuses[..10], [StatusCode::UNAUTHORIZED; 10]);
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "each fall-back is bounded"
    );
    assert_eq!(
        app.get("/up", None).await.status(),
        StatusCode::OK,
        "Redis is not a liveness dependency"
    );
}
