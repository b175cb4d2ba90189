//! Traces exported over OTLP/HTTP to a stand-in collector (testbed's, which decodes what
//! a real one decodes): a request continues its caller's trace, its statements and the
//! jobs it enqueued are its descendants, a job's call to a provider is the job's child;
//! spans carry the route, status, kinds and outcomes, never values; the metrics arrive
//! too, as sums, gauges and histograms; every export is gzipped protobuf with New
//! Relic's key. The binary runs as a process: the subscriber
//! and exporter are process-wide.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;
use softly_testbed::fakes::Scripted;
use softly_testbed::fakes::otlp::{FakeOtlpCollector, ReceivedPoint, ReceivedSpan};
use softly_testbed::fakes::revenuecat::FakeRevenueCat;

use crate::helpers::{Backend, DroppedDatabase, PASSWORD};
use crate::plans::{WEBHOOK, WEBHOOK_AUTH, event};
use crate::process::SoftlyProcess;

const LICENSE_KEY: &str = "eu01xx0123456789abcdef0123456789abcdNRAL";
const REVENUECAT_KEY: &str = "sk_test_softly_traces";

/// The collector, RevenueCat's fake, and a process exporting to the one and reading
/// subscribers from the other, on `backend`.
async fn traced_process(
    backend: &Backend,
) -> (
    FakeOtlpCollector,
    FakeRevenueCat,
    SoftlyProcess,
    Option<DroppedDatabase>,
) {
    let collector = FakeOtlpCollector::start(Some(LICENSE_KEY)).await.unwrap();
    let revenuecat = FakeRevenueCat::start(REVENUECAT_KEY).await.unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres(server) => Some(DroppedDatabase::create(server).await),
    };
    let (endpoint, revenuecat_url) = (collector.endpoint(), revenuecat.url());
    let mut set = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("NEW_RELIC_LICENSE_KEY", LICENSE_KEY),
        // Batches leave every 100 ms rather than every 5 s.
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        // And metrics every 200 ms rather than every minute.
        ("OTEL_METRIC_EXPORT_INTERVAL", "200"),
        WEBHOOK,
        ("REVENUECAT_API_KEY", REVENUECAT_KEY),
        ("REVENUECAT_URL", revenuecat_url.as_str()),
        ("JOB_POLL_INTERVAL_MS", "100"),
    ];
    if let Some(database) = &database {
        set.push(("DATABASE_URL", database.url.as_str()));
    }
    let server = SoftlyProcess::start_with(&set, &[]).await;
    (collector, revenuecat, server, database)
}

fn new_trace() -> (String, String) {
    let trace = format!("{:032x}", uuid::Uuid::now_v7().as_u128());
    let parent = format!("{:016x}", uuid::Uuid::now_v7().as_u64_pair().1);
    (trace, parent)
}

fn traceparent(trace: &str, parent: &str) -> String {
    format!("00-{trace}-{parent}-01")
}

/// Whether `span`'s ancestry within `spans` reaches `ancestor`.
fn descends_from(span: &ReceivedSpan, ancestor: &str, spans: &[ReceivedSpan]) -> bool {
    let by_id: HashMap<&str, &ReceivedSpan> = spans.iter().map(|s| (s.span_id.as_str(), s)).collect();
    let mut parent = span.parent_span_id.as_str();
    for _ in 0..64 {
        if parent == ancestor {
            return true;
        }
        match by_id.get(parent) {
            Some(next) => parent = next.parent_span_id.as_str(),
            None => return false,
        }
    }
    false
}

fn in_trace<'s>(spans: &'s [ReceivedSpan], trace: &str) -> Vec<&'s ReceivedSpan> {
    spans.iter().filter(|s| s.trace_id == trace).collect()
}

fn finished_jobs(spans: &[ReceivedSpan], trace: &str) -> usize {
    in_trace(spans, trace)
        .iter()
        .filter(|s| s.attribute("job.outcome").is_some())
        .count()
}

async fn a_request_the_jobs_it_enqueued_and_their_calls_are_one_trace(backend: Backend) {
    let (collector, revenuecat, server, _database) = traced_process(&backend).await;
    let client = reqwest::Client::new();

    // A sign-up, in the caller's trace: it enqueues the confirmation email.
    let (trace, caller) = new_trace();
    let email = format!("traced-{}@example.com", uuid::Uuid::now_v7().simple());
    let signup = client
        .post(server.url("/v1/auth/signup"))
        .header("traceparent", traceparent(&trace, &caller))
        .json(&json!({"email": email, "password": PASSWORD, "name": "Traced"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), reqwest::StatusCode::CREATED);
    let spans = collector
        .wait_for(Duration::from_secs(30), |spans| finished_jobs(spans, &trace) > 0)
        .await;
    let traced = in_trace(&spans, &trace);
    let request = traced
        .iter()
        .find(|s| s.attribute("http.route") == Some("/v1/auth/signup"))
        .unwrap_or_else(|| panic!("the request's span, in the caller's trace: {traced:#?}"));
    assert_eq!(
        request.parent_span_id, caller,
        "the caller's span is the request's parent"
    );
    assert_eq!(request.name, "POST /v1/auth/signup");
    assert_eq!(request.kind, "server");
    assert_eq!(request.attribute("http.request.method"), Some("POST"));
    assert_eq!(request.attribute("http.response.status_code"), Some("201"));
    assert_eq!(request.service, "softly");

    let system = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres(_) => "postgresql",
    };
    let statements: Vec<_> = traced
        .iter()
        .filter(|s| s.attribute("db.operation.name").is_some())
        .collect();
    assert!(
        statements
            .iter()
            .any(|s| s.name == "INSERT" && descends_from(s, &request.span_id, &spans)),
        "the sign-up's INSERT is the request's descendant: {statements:#?}"
    );
    for statement in &statements {
        assert_eq!(statement.kind, "client");
        assert_eq!(statement.attribute("db.system.name"), Some(system));
    }

    let jobs: Vec<_> = traced
        .iter()
        .filter(|s| s.attribute("job.kind").is_some())
        .collect();
    assert!(!jobs.is_empty(), "the email's job is in the request's trace");
    for job in &jobs {
        assert!(
            descends_from(job, &request.span_id, &spans),
            "a job descends from the request that enqueued it: {job:#?}"
        );
        assert_eq!(job.attribute("job.attempt"), Some("1"));
    }
    assert!(
        jobs.iter()
            .any(|j| j.attribute("job.outcome") == Some("succeeded")),
        "{jobs:#?}"
    );
    // Values never leave: no attribute holds the address or the password.
    for span in &spans {
        for value in span.attributes.values() {
            assert!(!value.contains(&email) && !value.contains(PASSWORD), "{span:#?}");
        }
    }

    // A request without a traceparent starts a trace of its own.
    let anonymous = client.get(server.url("/v1/me")).send().await.unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
    let spans = collector
        .wait_for(Duration::from_secs(30), |spans| {
            spans.iter().any(|s| s.name == "GET /v1/me")
        })
        .await;
    let me = spans
        .iter()
        .find(|s| s.name == "GET /v1/me")
        .expect("the /v1/me request's span");
    assert_eq!(me.parent_span_id, "", "a root span");
    assert_eq!(me.attribute("http.response.status_code"), Some("401"));

    // A webhook that makes Softly read a subscriber back: the read-back job's call to
    // RevenueCat is the job's child, in the webhook's trace, with its outcome.
    let token = server.signed_in_token().await;
    let me: serde_json::Value = client
        .get(server.url("/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user_id = me["id"].as_str().unwrap();
    revenuecat.holds(user_id, &[("plus", None)]);
    let (trace, caller) = new_trace();
    let now = jiff::Timestamp::now().as_millisecond();
    let delivered = client
        .post(server.url("/v1/webhooks/revenuecat"))
        .header("authorization", WEBHOOK_AUTH)
        .header("traceparent", traceparent(&trace, &caller))
        .json(&event("traced-change", "PRODUCT_CHANGE", user_id, now, None))
        .send()
        .await
        .unwrap();
    assert_eq!(delivered.status(), reqwest::StatusCode::OK);
    let spans = collector
        .wait_for(Duration::from_secs(30), |spans| {
            in_trace(spans, &trace)
                .iter()
                .any(|s| s.attribute("peer.service") == Some("revenuecat"))
                && finished_jobs(spans, &trace) > 0
        })
        .await;
    let traced = in_trace(&spans, &trace);
    let job = traced
        .iter()
        .find(|s| s.attribute("job.kind") == Some("plans.read_back_subscriber"))
        .unwrap_or_else(|| panic!("the read-back job in the webhook's trace: {traced:#?}"));
    let call = traced
        .iter()
        .find(|s| s.attribute("peer.service") == Some("revenuecat"))
        .expect("the call to RevenueCat");
    assert_eq!(call.parent_span_id, job.span_id, "the call is the job's child");
    assert_eq!(call.kind, "client");
    assert_eq!(call.attribute("outcome"), Some("ok"));
    assert_eq!(job.attribute("job.outcome"), Some("succeeded"));
    assert!(!revenuecat.received().is_empty());

    // The metrics go too, the same numbers /metrics shows: requests by route and status,
    // their latency, the queue, the calls to providers.
    let wanted = |points: &[ReceivedPoint]| {
        points.iter().any(|p| {
            p.metric == "softly_external_calls"
                && p.attribute("provider") == Some("revenuecat")
                && p.attribute("outcome") == Some("ok")
        })
    };
    let mut points = Vec::new();
    for _ in 0..150 {
        points = collector.points();
        if wanted(&points) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(wanted(&points), "the call to RevenueCat is counted: {points:#?}");
    let latest = |metric: &str, labels: &[(&str, &str)]| {
        points
            .iter()
            .rev()
            .find(|p| p.metric == metric && labels.iter().all(|(k, v)| p.attribute(k) == Some(*v)))
            .unwrap_or_else(|| panic!("{metric} {labels:?} is exported"))
            .clone()
    };
    let signups = latest(
        "softly_http_requests",
        &[("route", "/v1/auth/signup"), ("status", "201")],
    );
    assert_eq!(signups.kind, "sum");
    assert!(signups.value >= 1.0);
    assert_eq!(signups.service, "softly");
    let latency = latest(
        "softly_http_request_duration_seconds",
        &[("route", "/v1/auth/signup")],
    );
    assert_eq!((latency.kind, latency.unit.as_str()), ("histogram", "s"));
    assert!(latency.value >= 1.0);
    assert_eq!(
        latency.buckets.iter().sum::<u64>() as f64,
        latency.value,
        "buckets add up to the count"
    );
    assert_eq!(latency.buckets.len(), latency.bounds.len() + 1);
    assert_eq!(latest("softly_jobs_queued", &[]).kind, "gauge");

    // Every export was gzipped protobuf carrying the license key.
    let exports = collector.received();
    assert!(!exports.is_empty());
    for export in &exports {
        assert!(["/v1/traces", "/v1/metrics"].contains(&export.path_and_query.as_str()));
        assert_eq!(export.header("content-type"), Some("application/x-protobuf"));
        assert_eq!(export.header("content-encoding"), Some("gzip"));
        assert_eq!(export.header("api-key"), Some(LICENSE_KEY));
    }
}

crate::on_both_backends!(a_request_the_jobs_it_enqueued_and_their_calls_are_one_trace);

/// A collector with no key, and the binary (embedded) exporting to it, with `set` and
/// without `remove`.
async fn exporting_process(set: &[(&str, &str)], remove: &[&str]) -> (FakeOtlpCollector, SoftlyProcess) {
    let collector = FakeOtlpCollector::start(None).await.unwrap();
    let endpoint = collector.endpoint();
    let mut env = vec![("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str())];
    env.extend_from_slice(set);
    let server = SoftlyProcess::start_with(&env, remove).await;
    (collector, server)
}

/// `OTEL_SDK_DISABLED=true` turns export off although an endpoint is set: the process
/// says so, and the collector hears nothing while it serves and runs jobs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_sdk_exports_nothing() {
    let (collector, server) = exporting_process(
        &[("OTEL_SDK_DISABLED", "true"), ("OTEL_BSP_SCHEDULE_DELAY", "100")],
        &[],
    )
    .await;
    server
        .wait_for_log(|event| event["message"] == "telemetry is not exported")
        .await;
    server.sign_up().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(collector.received().is_empty());
}

/// Spans still batched when the process is told to stop leave before it exits: with the
/// SDK's default 5 s schedule, a request answered just before SIGTERM is exported by the
/// shutdown, not lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_spans_leave_before_the_process_exits() {
    let (collector, mut server) = exporting_process(&[], &["OTEL_BSP_SCHEDULE_DELAY"]).await;
    let answered = reqwest::Client::new()
        .get(server.url("/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), reqwest::StatusCode::UNAUTHORIZED);
    assert!(collector.spans().is_empty(), "still batched: the schedule is 5 s");
    server.terminate();
    let exited = tokio::time::timeout(Duration::from_secs(20), server.child.wait())
        .await
        .expect("the process exits within 20 s")
        .unwrap();
    assert!(exited.success());
    assert!(
        collector.spans().iter().any(|s| s.name == "GET /v1/me"),
        "{:#?}",
        collector.spans()
    );
}

/// The sampler decides what is recorded: with `always_off` nothing is exported — no
/// request's span, no statement's, no job's — while a caller's sampled trace is followed
/// under the default, parent-based one (the other tests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sampler_that_keeps_nothing_exports_no_span() {
    let (collector, server) = exporting_process(
        &[
            ("OTEL_TRACES_SAMPLER", "always_off"),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
        &[],
    )
    .await;
    server.sign_up().await;
    let (trace, caller) = new_trace();
    let answered = reqwest::Client::new()
        .get(server.url("/v1/me"))
        .header("traceparent", traceparent(&trace, &caller))
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), reqwest::StatusCode::UNAUTHORIZED);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(collector.spans().is_empty(), "{:#?}", collector.spans());
}
