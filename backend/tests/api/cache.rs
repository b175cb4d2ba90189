//! The cache on the hot path: a warm `GET /v1/me` needs no database, and every change
//! made through one replica retires what every other replica had cached — through
//! Redis, or, on SQLite without Redis, through the generations file every process on
//! the database maps.

use std::time::{Duration, Instant};

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use softly::config::RedisConfig;
use softly::platform::cache::{Cache, Lookup};
use softly::platform::redis::Redis;

use crate::helpers::{Backend, PASSWORD, TestApp, bearer, test_service};
use crate::on_both_backends;
use crate::private_redis::PrivateRedis;

fn fresh_prefix() -> String {
    format!("test-{}", uuid::Uuid::now_v7().simple())
}

/// Two replicas on one database and one Redis (a fresh key prefix).
async fn replicas(backend: Backend, redis: &str) -> (TestApp, TestApp) {
    let prefix = fresh_prefix();
    let env = [("REDIS_URL", redis), ("REDIS_PREFIX", prefix.as_str())];
    let first = TestApp::spawn_with(backend, &env).await;
    // Jobs (emails among them) run on the first, so its mail folder has them all.
    let second = first.replica(&[env[0], env[1], ("JOB_WORKERS", "0")]).await;
    (first, second)
}

async fn me(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let response = app.get("/v1/me", Some(token)).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn a_warm_me_needs_no_database(backend: Backend) {
    let redis = test_service("SOFTLY_TEST_REDIS_URL");
    let prefix = fresh_prefix();
    let cached = TestApp::spawn_with(
        backend.clone(),
        &[("REDIS_URL", &redis), ("REDIS_PREFIX", &prefix)],
    )
    .await;
    let without_redis = TestApp::spawn(backend.clone()).await;
    let mut answers = Vec::new();
    for app in [&cached, &without_redis] {
        let (_, pair) = app.signed_in_user().await;
        let token = bearer(&pair).to_string();
        let (status, warm) = me(app, &token).await;
        assert_eq!(status, StatusCode::OK);
        // The database goes away: only what was cached can still answer.
        app.db.close().await;
        answers.push((me(app, &token).await, warm));
    }
    let ((cached_status, cached_body), warm) = &answers[0];
    assert_eq!(*cached_status, StatusCode::OK);
    assert_eq!(cached_body, warm);
    let ((status, body), warm) = &answers[1];
    match backend {
        // Without Redis, SQLite's processes share their generations on the machine and
        // cache in memory.
        Backend::Sqlite => assert_eq!((status, body), (&StatusCode::OK, warm)),
        // PostgreSQL's replicas may be on other machines: nothing is cached.
        Backend::Postgres(_) => assert!(status.is_server_error(), "{status}"),
    }
}

async fn changes_through_one_replica_show_at_once_on_the_other(backend: Backend) {
    let redis = test_service("SOFTLY_TEST_REDIS_URL");
    let (first, second) = replicas(backend, &redis).await;
    changes_show_at_once(&first, &second).await;
}

async fn changes_show_at_once(first: &TestApp, second: &TestApp) {
    let (_, pair) = first.verified_user().await;
    let token = bearer(&pair);
    for _ in 0..2 {
        assert_eq!(me(second, token).await.1["name"], "Test User");
    }

    let renamed = first
        .send(Method::PATCH, "/v1/me", token, Some(json!({"name": "Renamed"})))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(me(second, token).await.1["name"], "Renamed");

    let pdf = b"%PDF-1.7\n% a small document\n%%EOF\n".to_vec();
    let size = pdf.len();
    let form = Form::new().part("file", Part::bytes(pdf).file_name("bill.pdf"));
    let uploaded = first
        .request(Method::POST, "/v1/documents")
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    assert_eq!(me(second, token).await.1["storage_used_bytes"], size);

    let logout = first.send(Method::POST, "/v1/auth/logout", token, None).await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(second, token).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(first, token).await.0, StatusCode::UNAUTHORIZED);
}

async fn a_password_change_ends_other_sessions_on_every_replica(backend: Backend) {
    let redis = test_service("SOFTLY_TEST_REDIS_URL");
    let (first, second) = replicas(backend, &redis).await;
    password_change_ends_sessions(&first, &second).await;
}

async fn password_change_ends_sessions(first: &TestApp, second: &TestApp) {
    let (email, pair) = first.signed_in_user().await;
    let kept = bearer(&pair).to_string();
    let other = bearer(&first.login_ok(&email, PASSWORD).await).to_string();
    let third = bearer(&first.login_ok(&email, PASSWORD).await).to_string();
    for token in [&kept, &other, &third] {
        assert_eq!(me(second, token).await.0, StatusCode::OK);
    }

    // Ending one device's session from another replica is immediate.
    let revoked = first
        .send(
            Method::DELETE,
            &format!("/v1/sessions/{}", session_id(&third)),
            &kept,
            None,
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(second, &third).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(second, &other).await.0, StatusCode::OK);

    let changed = first
        .send(
            Method::PUT,
            "/v1/me/password",
            &kept,
            Some(json!({"current_password": PASSWORD, "new_password": "a brand new passphrase 42"})),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(second, &other).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(me(second, &kept).await.0, StatusCode::OK);
}

/// The session id (`sid`) an access token carries.
fn session_id(token: &str) -> String {
    use base64::Engine;
    let claims = token.split('.').nth(1).unwrap();
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(claims)
        .unwrap();
    let claims: Value = serde_json::from_slice(&claims).unwrap();
    claims["sid"].as_str().unwrap().to_string()
}

async fn without_redis_the_cache_is_bypassed_and_up_says_so(backend: Backend) {
    // A port nothing listens on.
    let env = [("REDIS_URL", "redis://127.0.0.1:9")];
    let app = TestApp::spawn_with(backend, &env).await;
    let (_, pair) = app.signed_in_user().await;
    let token = bearer(&pair);
    let started = Instant::now();
    assert_eq!(me(&app, token).await.0, StatusCode::OK);
    let renamed = app
        .send(
            Method::PATCH,
            "/v1/me",
            token,
            Some(json!({"name": "Still Here"})),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(me(&app, token).await.1["name"], "Still Here");
    assert!(started.elapsed() < Duration::from_secs(10));
    let up = app.get("/up", None).await;
    assert_eq!(up.status(), StatusCode::OK);
    assert_eq!(up.json::<Value>().await.unwrap()["redis"], "down");
}

on_both_backends!(
    needs softly_test_redis "set SOFTLY_TEST_REDIS_URL (a Redis server) to run":
    a_warm_me_needs_no_database,
    changes_through_one_replica_show_at_once_on_the_other,
    a_password_change_ends_other_sessions_on_every_replica,
);

on_both_backends!(without_redis_the_cache_is_bypassed_and_up_says_so);

/// Two processes on one SQLite database, without Redis.
async fn sqlite_replicas() -> (TestApp, TestApp) {
    let first = TestApp::spawn(Backend::Sqlite).await;
    let second = first.replica(&[("JOB_WORKERS", "0")]).await;
    assert!(second.wired.platform.cache.is_on(), "SQLite caches without Redis");
    (first, second)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_without_redis_changes_through_one_process_show_at_once_on_the_other() {
    let (first, second) = sqlite_replicas().await;
    changes_show_at_once(&first, &second).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_without_redis_a_password_change_ends_other_sessions_in_every_process() {
    let (first, second) = sqlite_replicas().await;
    password_change_ends_sessions(&first, &second).await;
}

fn cache_on(url: &str, prefix: &str) -> Cache {
    let env = [("REDIS_URL", url), ("REDIS_PREFIX", prefix)];
    let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    let config = RedisConfig::from_lookup(&lookup).unwrap().unwrap();
    Cache::new(Some(Redis::new(&config).unwrap()))
}

async fn fill(cache: &Cache, key: &str, value: &str) {
    match cache.get::<String>(key, "scope").await {
        Lookup::Miss(ticket) => cache.put(ticket, &value.to_string()).await,
        _ => panic!("expected a miss"),
    }
}

async fn cached(cache: &Cache, key: &str) -> Option<String> {
    match cache.get::<String>(key, "scope").await {
        Lookup::Hit(value) => Some(value),
        _ => None,
    }
}

#[tokio::test]
#[cfg_attr(
    not(softly_test_redis),
    ignore = "set SOFTLY_TEST_REDIS_URL (a Redis server) to run"
)]
async fn a_reader_that_lost_a_race_does_not_put_back_what_was_retired() {
    let redis = test_service("SOFTLY_TEST_REDIS_URL");
    let cache = cache_on(&redis, &fresh_prefix());
    fill(&cache, "k", "fresh").await;
    assert_eq!(cached(&cache, "k").await.as_deref(), Some("fresh"));

    // A reader takes its ticket, the scope is invalidated, then the reader stores.
    let Lookup::Miss(ticket) = cache.get::<String>("slow", "scope").await else {
        panic!("expected a miss");
    };
    cache.invalidate("scope").await;
    cache.put(ticket, &"stale".to_string()).await;
    assert_eq!(cached(&cache, "slow").await, None);
    assert_eq!(
        cached(&cache, "k").await,
        None,
        "the invalidation retired the whole scope"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(softly_test_redis_server), ignore = "needs redis-server on PATH")]
async fn an_invalidation_missed_while_redis_was_frozen_retires_everything_once_it_returns() {
    let redis = PrivateRedis::start();
    let prefix = fresh_prefix();
    let (writer, reader) = (cache_on(&redis.url, &prefix), cache_on(&redis.url, &prefix));
    fill(&reader, "profile", "before").await;
    assert_eq!(cached(&reader, "profile").await.as_deref(), Some("before"));

    redis.signal("-STOP");
    let started = Instant::now();
    writer.invalidate("scope").await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the invalidation waited {:?}",
        started.elapsed()
    );
    redis.signal("-CONT");

    // The writer owes a flush and pays it in the background once Redis answers: the
    // reader, which missed nothing itself, stops seeing the stale entry.
    let deadline = Instant::now() + Duration::from_secs(10);
    while cached(&reader, "profile").await.is_some() {
        assert!(Instant::now() < deadline, "the stale entry outlived the outage");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fill(&reader, "profile", "after").await;
    assert_eq!(cached(&reader, "profile").await.as_deref(), Some("after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(softly_test_redis_server), ignore = "needs redis-server on PATH")]
async fn an_invalidation_just_after_redis_restarted_still_reaches_every_replica() {
    let mut redis = PrivateRedis::start();
    let prefix = fresh_prefix();
    let (writer, reader) = (cache_on(&redis.url, &prefix), cache_on(&redis.url, &prefix));
    fill(&reader, "profile", "before").await;
    writer.invalidate("another-scope").await;

    // Redis comes back empty. The reader finds out first, and once back on Redis its copy
    // in memory is confirmed again (an empty Redis has the counters it was stamped with).
    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(10);
    while cached(&reader, "profile").await.as_deref() != Some("before") {
        assert!(Instant::now() < deadline, "the reader never went back to Redis");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The writer's first command since the restart meets its dropped connection. Its
    // invalidation must still land, or the reader serves the retired entry.
    writer.invalidate("scope").await;
    assert_eq!(
        cached(&reader, "profile").await,
        None,
        "a replica served a retired entry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(softly_test_redis_server), ignore = "needs redis-server on PATH")]
async fn an_entry_kept_in_memory_is_served_only_while_redis_confirms_it() {
    let redis = PrivateRedis::start();
    let prefix = fresh_prefix();
    let (writer, reader) = (cache_on(&redis.url, &prefix), cache_on(&redis.url, &prefix));
    fill(&reader, "profile", "before").await;

    // Redis lost the entry (evicted, expired): the reader's copy still carries the
    // scope's current stamp, which is all a warm lookup fetches.
    let client = ::redis::Client::open(redis.url.as_str()).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let deleted: i64 = ::redis::cmd("DEL")
        .arg(format!("{prefix}:cache:profile"))
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let (found, confirmed) = reader.get_confirming::<String>("profile", "scope").await;
    assert!(matches!(found, Lookup::Hit(ref value) if value == "before"));
    let confirmed = confirmed.expect("a hit says what it saw");

    // Within one request, a second lookup in the scope needs no round trip: it answers
    // even while Redis is frozen. Without the first one's confirmation it cannot.
    redis.signal("-STOP");
    let second = reader.get_json("profile", "scope", Some(&confirmed)).await;
    assert!(matches!(second, Lookup::Hit(ref json) if &**json == "\"before\""));
    let unconfirmed = reader.get_json("profile", "other-scope", Some(&confirmed)).await;
    assert!(matches!(unconfirmed, Lookup::Bypass));
    redis.signal("-CONT");
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Another process retires the scope: the copy in memory is never served again.
    writer.invalidate("scope").await;
    assert_eq!(cached(&reader, "profile").await, None);
    fill(&reader, "profile", "after").await;
    assert_eq!(cached(&reader, "profile").await.as_deref(), Some("after"));
}
