//! `/metrics`: served on its own port only, parsed as a Prometheus scraper parses it,
//! and its counters move as requests and jobs run.
//!
//! The counters are the process's: under `cargo test` every test of this binary shares
//! them, so a test asserts that a counter moved by at least what it did itself.

use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp, bearer};

pub async fn scrape(app: &TestApp) -> prometheus_parse::Scrape {
    let url = app.metrics_url.as_deref().expect("the test app serves metrics");
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    prometheus_parse::Scrape::parse(text.lines().map(|line| Ok(line.to_string()))).expect("the text parses")
}

/// The value of the sample named `metric` whose labels include `labels` (0 if none).
pub fn value(scrape: &prometheus_parse::Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == metric)
        .filter(|sample| {
            labels
                .iter()
                .all(|(name, value)| sample.labels.get(name) == Some(*value))
        })
        .map(|sample| match &sample.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(buckets) => buckets.last().map_or(0.0, |b| b.count),
            prometheus_parse::Value::Summary(_) => 0.0,
        })
        .sum()
}

async fn requests_and_jobs_move_the_counters(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let before = scrape(&app).await;
    let me = [("route", "/v1/me"), ("method", "GET"), ("status", "200")];
    // Signing up sends an email: a job enqueued, run, succeeded.
    let (_, pair) = app.signed_in_user().await;
    for _ in 0..3 {
        assert_eq!(
            app.get("/v1/me", Some(bearer(&pair))).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        app.get("/v1/no-such-thing", None).await.status(),
        StatusCode::NOT_FOUND
    );
    app.wait_for_jobs().await;
    let after = scrape(&app).await;
    let moved = |metric: &str, labels: &[(&str, &str)]| {
        value(&after, metric, labels) - value(&before, metric, labels)
    };
    assert!(moved("softly_http_requests_total", &me) >= 3.0);
    assert!(
        moved(
            "softly_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ) >= 1.0,
        "a path that matches no route is one series, not one per path"
    );
    assert!(
        !after
            .samples
            .iter()
            .any(|sample| sample.labels.get("route") == Some("/v1/no-such-thing")),
        "no series is named after a raw path"
    );
    assert!(
        value(
            &after,
            "softly_http_request_duration_seconds",
            &[("route", "/v1/me")]
        ) >= 3.0
    );
    for event in ["enqueued", "started", "succeeded"] {
        assert!(
            moved("softly_jobs_total", &[("event", event)]) >= 1.0,
            "jobs {event}"
        );
    }
    assert!(moved("softly_emails_total", &[("outcome", "sent")]) >= 1.0);
    // The sign-ups' transactions waited for their connections (a histogram: its count).
    assert!(moved("softly_db_acquire_seconds", &[("pool", "transaction")]) >= 1.0);
    // State read at the scrape.
    let names: std::collections::HashSet<&str> = after.samples.iter().map(|s| s.metric.as_str()).collect();
    for gauge in [
        "softly_jobs_queued",
        "softly_jobs_oldest_due_age_seconds",
        "softly_jobs_dead",
        "softly_db_pool_connections",
        "softly_http_requests_in_flight",
    ] {
        assert!(names.contains(gauge), "{gauge} is missing");
    }
    assert_eq!(value(&after, "softly_jobs_queued", &[]), 0.0);
}

async fn the_api_port_does_not_serve_metrics(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/metrics", None).await.status(), StatusCode::NOT_FOUND);
    let off = TestApp::spawn_with(Backend::Sqlite, &[("METRICS_PORT", "off")]).await;
    assert!(off.metrics_url.is_none());
}

async fn a_queued_job_shows_in_the_depth_and_its_age(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("JOB_WORKERS", "0")]).await;
    let mut conn = app.db.pool().acquire().await.unwrap();
    softly::platform::jobs::enqueue(&mut conn, &softly::capture::PurgeStaleRecordings {}, app.now_ms())
        .await
        .unwrap();
    drop(conn);
    app.clock.advance(std::time::Duration::from_secs(90));
    let scraped = scrape(&app).await;
    assert_eq!(value(&scraped, "softly_jobs_queued", &[]), 1.0);
    let age = value(&scraped, "softly_jobs_oldest_due_age_seconds", &[]);
    assert!((90.0..100.0).contains(&age), "{age}");
}

/// An event's deliveries are jobs enqueued by its change too, counted once it commits.
async fn an_events_deliveries_count_as_enqueued_jobs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, pair) = app.signed_in_user().await;
    let forget = [("kind", "plans.forget_deleted_user"), ("event", "enqueued")];
    let before = value(&scrape(&app).await, "softly_jobs_total", &forget);
    // Deleting the account publishes UserDeleted; plans is one of its subscribers.
    assert_eq!(
        app.delete_account(bearer(&pair)).await.status(),
        StatusCode::NO_CONTENT
    );
    let after = value(&scrape(&app).await, "softly_jobs_total", &forget);
    assert!(after - before >= 1.0, "{before} -> {after}");
}

crate::on_both_backends!(
    an_events_deliveries_count_as_enqueued_jobs,
    requests_and_jobs_move_the_counters,
    the_api_port_does_not_serve_metrics,
    a_queued_job_shows_in_the_depth_and_its_age,
);
