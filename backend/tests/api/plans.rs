//! Plans through RevenueCat's webhook: who may call it, what each event does to a
//! user's plan, retried and late deliveries, transfers, and reading a subscriber back
//! from a fake RevenueCat that speaks its wire.

use reqwest::StatusCode;
use serde_json::{Value, json};
use softly::plans::{PlanName, Plans};
use softly_testbed::fakes::Scripted;
use softly_testbed::fakes::revenuecat::FakeRevenueCat;

use crate::helpers::{Backend, TestApp, bearer, problem_code};

pub const WEBHOOK_AUTH: &str = "Bearer whsec-softly-test-0123456789";
const API_KEY: &str = "sk_test_softly";

/// The configuration a test app takes RevenueCat's webhook with.
pub const WEBHOOK: (&str, &str) = ("REVENUECAT_WEBHOOK_AUTH", WEBHOOK_AUTH);

/// Sends RevenueCat's webhook call with `event` (id, type and timestamp given by the
/// caller) and `authorization`.
pub async fn deliver(app: &TestApp, authorization: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = app
        .request(reqwest::Method::POST, "/v1/webhooks/revenuecat")
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.unwrap()
}

/// An event of `kind` about `user_id`, for `plus`, `at` the given time, lapsing at
/// `expires` (ms; None: never).
pub fn event(id: &str, kind: &str, user_id: &str, at: i64, expires: Option<i64>) -> Value {
    json!({"api_version": "1.0", "event": {
        "id": id, "type": kind, "app_user_id": user_id, "original_app_user_id": user_id,
        "aliases": [user_id], "event_timestamp_ms": at, "entitlement_ids": ["plus"],
        "expiration_at_ms": expires, "product_id": "softly_plus_monthly", "period_type": "NORMAL",
        "purchased_at_ms": at, "environment": "SANDBOX", "store": "APP_STORE", "currency": "GBP",
        "price": 3.99, "transaction_id": format!("tx-{id}")
    }})
}

/// Delivers `body` with the right authorization and expects 200.
pub async fn delivered(app: &TestApp, body: Value) {
    let response = deliver(app, Some(WEBHOOK_AUTH), body).await;
    let status = response.status();
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        response.text().await.unwrap_or_default()
    );
}

/// A signed-in user's id and token.
async fn user(app: &TestApp) -> (String, String) {
    let (_, pair) = app.signed_in_user().await;
    let token = bearer(&pair).to_string();
    let id = app.get_json("/v1/me", &token).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    (id, token)
}

/// A fake RevenueCat, and an app that takes its webhook and reads subscribers back from it.
async fn with_revenuecat(backend: Backend) -> (FakeRevenueCat, TestApp) {
    let revenuecat = FakeRevenueCat::start(API_KEY).await.unwrap();
    let url = revenuecat.url();
    let app = TestApp::spawn_with(
        backend,
        &[WEBHOOK, ("REVENUECAT_API_KEY", API_KEY), ("REVENUECAT_URL", &url)],
    )
    .await;
    (revenuecat, app)
}

async fn plan(app: &TestApp, token: &str) -> String {
    app.get_json("/v1/me", token).await["plan"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn only_the_configured_authorization_is_let_in(backend: Backend) {
    let app = TestApp::spawn_with(backend.clone(), &[WEBHOOK]).await;
    let (id, _) = user(&app).await;
    let purchase = |n: &str| event(n, "INITIAL_PURCHASE", &id, app.now_ms(), None);
    for wrong in [None, Some("Bearer whsec-softly-test-0123456788"), Some("")] {
        let response = deliver(&app, wrong, purchase("e1")).await;
        assert_eq!(
            problem_code(response, StatusCode::UNAUTHORIZED).await,
            "webhook_unauthorized"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM revenuecat_events").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM plan_entitlements").await, 0);
    delivered(&app, purchase("e1")).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM plan_entitlements").await, 1);

    // A server with no webhook secret configured lets nobody in.
    let closed = TestApp::spawn(backend).await;
    let response = deliver(&closed, Some(WEBHOOK_AUTH), purchase("e2")).await;
    assert_eq!(
        problem_code(response, StatusCode::UNAUTHORIZED).await,
        "webhook_unauthorized"
    );
}

async fn a_body_that_is_not_an_event_is_refused_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK]).await;
    let not_json = app
        .request(reqwest::Method::POST, "/v1/webhooks/revenuecat")
        .header("authorization", WEBHOOK_AUTH)
        .body("{\"api_version\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(not_json, StatusCode::BAD_REQUEST).await,
        "malformed_json"
    );
    for shape in [
        json!({"api_version": "1.0"}),
        json!({"api_version": "1.0", "event": {"type": "RENEWAL", "event_timestamp_ms": 1}}),
        json!({"api_version": "1.0", "event": {"id": "", "type": "RENEWAL", "event_timestamp_ms": 1}}),
        json!({"api_version": "1.0", "event": {"id": "x", "type": "RENEWAL", "event_timestamp_ms": "soon"}}),
    ] {
        let response = deliver(&app, Some(WEBHOOK_AUTH), shape).await;
        assert_eq!(
            problem_code(response, StatusCode::UNPROCESSABLE_ENTITY).await,
            "invalid_body"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM revenuecat_events").await, 0);
}

async fn each_event_type_moves_the_plan_as_revenuecat_means_it(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK]).await;
    let (id, token) = user(&app).await;
    let month = 30 * 24 * 3600 * 1000;
    let mut at = app.now_ms();
    let mut send = async |kind: &str, expires: Option<i64>| {
        at += 1;
        delivered(&app, event(&format!("{kind}-{at}"), kind, &id, at, expires)).await;
        plan(&app, &token).await
    };
    let later = Some(app.now_ms() + month);
    assert_eq!(plan(&app, &token).await, "free", "everyone starts on free");
    assert_eq!(send("INITIAL_PURCHASE", later).await, "plus");
    assert_eq!(
        send("CANCELLATION", later).await,
        "plus",
        "a cancellation keeps the plan until it lapses"
    );
    assert_eq!(send("UNCANCELLATION", later).await, "plus");
    assert_eq!(
        send("BILLING_ISSUE", later).await,
        "plus",
        "a billing issue keeps it through the grace period"
    );
    assert_eq!(
        send("SUBSCRIPTION_PAUSED", later).await,
        "plus",
        "a pause takes effect when it lapses"
    );
    assert_eq!(send("TEST", None).await, "plus");
    assert_eq!(
        send("SOME_FUTURE_TYPE", None).await,
        "plus",
        "an unknown type is taken and ignored"
    );
    assert_eq!(send("EXPIRATION", None).await, "free");
    assert_eq!(send("RENEWAL", later).await, "plus");
    let refunded = Some(app.now_ms() - 1000);
    assert_eq!(
        send("CANCELLATION", refunded).await,
        "free",
        "a refund's expiry is past: the plan drops at once"
    );
    assert_eq!(
        send("NON_RENEWING_PURCHASE", None).await,
        "plus",
        "a lifetime purchase does not lapse"
    );
    let outcomes = app
        .count("SELECT COUNT(*) FROM revenuecat_events WHERE outcome IN ('unknown', 'ignored')")
        .await;
    assert_eq!(
        outcomes, 3,
        "TEST, SUBSCRIPTION_PAUSED and the unknown type are recorded, not applied"
    );
}

async fn a_plan_lapses_at_its_time_without_another_event(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK]).await;
    // What the vault and capture read (`GET /v1/me` may show a plan that lapsed up to a
    // minute late: the life of a cached profile).
    let plans = Plans::new(
        app.db.clone(),
        app.wired.platform.clock.clone(),
        app.wired.platform.config.plans.clone(),
    );
    let (renewing, _) = user(&app).await;
    let (lifetime, _) = user(&app).await;
    let now = app.now_ms();
    delivered(
        &app,
        event("p1", "INITIAL_PURCHASE", &renewing, now, Some(now + 3_600_000)),
    )
    .await;
    delivered(&app, event("p2", "NON_RENEWING_PURCHASE", &lifetime, now, None)).await;
    assert_eq!(plans.of(&renewing).await.unwrap().name, PlanName::Plus);
    app.clock.advance(std::time::Duration::from_secs(3601));
    assert_eq!(plans.of(&renewing).await.unwrap().name, PlanName::Free);
    app.clock.advance(std::time::Duration::from_secs(400 * 24 * 3600));
    assert_eq!(
        plans.of(&lifetime).await.unwrap().name,
        PlanName::Plus,
        "a lifetime purchase does not lapse"
    );
}

async fn a_retried_delivery_changes_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK]).await;
    let (id, token) = user(&app).await;
    let now = app.now_ms();
    let purchase = event("p1", "INITIAL_PURCHASE", &id, now, None);
    delivered(&app, purchase.clone()).await;
    delivered(&app, event("x1", "EXPIRATION", &id, now + 10, None)).await;
    assert_eq!(plan(&app, &token).await, "free");
    delivered(&app, purchase).await;
    assert_eq!(
        plan(&app, &token).await,
        "free",
        "the purchase, delivered again, was applied once"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM revenuecat_events").await, 2);
}

async fn a_late_event_is_not_applied_and_the_subscriber_is_read_back(backend: Backend) {
    let (revenuecat, app) = with_revenuecat(backend).await;
    let (id, token) = user(&app).await;
    // Events from a minute ago; RevenueCat's read-back is dated when it answers, later.
    let now = app.now_ms() - 60_000;
    let next_month = jiff::Timestamp::from_millisecond(now + 30 * 24 * 3600 * 1000).unwrap();
    revenuecat.holds(
        &id,
        &[(
            "plus",
            Some(&next_month.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
        )],
    );
    delivered(
        &app,
        event("r2", "RENEWAL", &id, now + 200, Some(next_month.as_millisecond())),
    )
    .await;
    // The expiration of the period before arrives after the renewal that followed it.
    delivered(&app, event("x1", "EXPIRATION", &id, now + 100, None)).await;
    assert_eq!(
        plan(&app, &token).await,
        "plus",
        "the older event was not applied"
    );
    app.wait_for_jobs().await;
    let asked = revenuecat.received();
    assert_eq!(asked.len(), 1, "one read-back");
    assert_eq!(asked[0].path_and_query, format!("/v1/subscribers/{id}"));
    assert_eq!(
        asked[0].header("authorization"),
        Some(&*format!("Bearer {API_KEY}"))
    );
    assert_eq!(plan(&app, &token).await, "plus");
    let stale = app
        .count("SELECT COUNT(*) FROM revenuecat_events WHERE outcome = 'stale'")
        .await;
    assert_eq!(stale, 1);

    // RevenueCat's answer governs: it now says nothing is held.
    revenuecat.holds(&id, &[]);
    delivered(&app, event("c1", "PRODUCT_CHANGE", &id, now + 300, None)).await;
    app.wait_for_jobs().await;
    assert_eq!(plan(&app, &token).await, "free");
}

async fn a_refused_read_back_is_retried(backend: Backend) {
    let (revenuecat, app) = with_revenuecat(backend).await;
    let (id, token) = user(&app).await;
    let before = crate::metrics::scrape(&app).await;
    revenuecat.holds(&id, &[("plus", None)]);
    revenuecat.script([softly_testbed::fakes::Reply::Status {
        status: 429,
        retry_after: Some(1),
    }]);
    delivered(&app, event("c1", "PRODUCT_CHANGE", &id, app.now_ms(), None)).await;
    for _ in 0..100 {
        if app.count("SELECT COUNT(*) FROM jobs WHERE kind = 'plans.read_back_subscriber' AND attempts >= 1 AND status = 'queued'").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(plan(&app, &token).await, "free", "nothing changed on a refusal");
    // The retry comes after its backoff.
    app.clock.advance(std::time::Duration::from_secs(120));
    app.wired.platform.jobs.wake();
    app.wait_for_jobs().await;
    assert_eq!(plan(&app, &token).await, "plus");
    assert_eq!(revenuecat.received().len(), 2);
    let scraped = crate::metrics::scrape(&app).await;
    let calls = |scrape: &prometheus_parse::Scrape, outcome| {
        let labels = [("provider", "revenuecat"), ("outcome", outcome)];
        crate::metrics::value(scrape, "softly_external_calls_total", &labels)
    };
    // The process's counters (other tests of this binary may call too): at least ours.
    assert!(
        calls(&scraped, "refused") - calls(&before, "refused") >= 1.0,
        "the refusal is counted"
    );
    assert!(
        calls(&scraped, "ok") - calls(&before, "ok") >= 1.0,
        "the answer is counted"
    );
}

async fn a_transfer_moves_the_plan_to_the_other_user(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK]).await;
    let (from, from_token) = user(&app).await;
    let (to, to_token) = user(&app).await;
    let now = app.now_ms();
    delivered(&app, event("p1", "INITIAL_PURCHASE", &from, now, None)).await;
    let transfer = json!({"api_version": "1.0", "event": {
        "id": "t1", "type": "TRANSFER", "event_timestamp_ms": now + 1, "store": "APP_STORE",
        "environment": "SANDBOX", "transferred_from": [from], "transferred_to": [to]
    }});
    delivered(&app, transfer).await;
    assert_eq!(plan(&app, &from_token).await, "free");
    assert_eq!(plan(&app, &to_token).await, "plus");
}

async fn an_event_about_someone_softly_does_not_know_is_recorded_and_left(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK]).await;
    delivered(
        &app,
        event(
            "a1",
            "INITIAL_PURCHASE",
            "$RCAnonymousID:0a1b2c",
            app.now_ms(),
            None,
        ),
    )
    .await;
    assert_eq!(app.count("SELECT COUNT(*) FROM plan_entitlements").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM revenuecat_events WHERE outcome = 'no_such_user'")
            .await,
        1
    );
}

async fn me_shows_the_plan_and_its_limits(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        &[
            WEBHOOK,
            ("VAULT_QUOTA_BYTES", "1000"),
            ("PLUS_VAULT_QUOTA_BYTES", "5000"),
            ("CAPTURE_AUDIO_MINUTES_PER_MONTH", "10"),
            ("PLUS_AUDIO_MINUTES_PER_MONTH", "100"),
        ],
    )
    .await;
    let (id, token) = user(&app).await;
    let me = app.get_json("/v1/me", &token).await;
    assert_eq!(me["plan"]["name"], "free");
    assert_eq!(me["plan"]["vault_quota_bytes"], 1000);
    assert_eq!(me["storage_quota_bytes"], 1000);
    assert_eq!(me["capture"]["audio_seconds_limit"], 600);
    delivered(&app, event("p1", "INITIAL_PURCHASE", &id, app.now_ms(), None)).await;
    let me = app.get_json("/v1/me", &token).await;
    assert_eq!(me["plan"]["name"], "plus");
    assert_eq!(me["plan"]["audio_minutes_per_month"], 100);
    assert_eq!(me["storage_quota_bytes"], 5000);
    assert_eq!(me["capture"]["audio_seconds_limit"], 6000);
}

async fn a_deleted_account_leaves_no_plan_and_no_purchase_record(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK]).await;
    let (id, token) = user(&app).await;
    let purchase = event("p1", "INITIAL_PURCHASE", &id, app.now_ms(), None);
    delivered(&app, purchase.clone()).await;
    assert_eq!(app.delete_account(&token).await.status(), StatusCode::NO_CONTENT);
    app.wait_for_jobs().await;
    assert_eq!(app.count("SELECT COUNT(*) FROM plan_entitlements").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM plan_subscribers").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM revenuecat_events").await, 0);
    // RevenueCat delivering it again finds nobody to give it to.
    delivered(&app, purchase).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM plan_entitlements").await, 0);
}

/// An item `title`, due 2030, with a reminder a day before or none.
fn item(title: &str, reminded: bool) -> Value {
    let reminders = if reminded {
        json!([{"value": 1, "unit": "day"}])
    } else {
        json!([])
    };
    json!({"kind": "bill", "title": title, "due_on": "2030-01-01", "reminders": reminders})
}

async fn a_plan_limits_how_many_open_items_have_reminders(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK, ("FREE_MAX_ITEMS_WITH_REMINDERS", "2")]).await;
    let (id, token) = user(&app).await;
    let create = |body: Value| app.send(reqwest::Method::POST, "/v1/items", &token, Some(body));
    assert_eq!(create(item("One", true)).await.status(), StatusCode::CREATED);
    assert_eq!(create(item("Two", true)).await.status(), StatusCode::CREATED);
    let me = app.get_json("/v1/me", &token).await;
    assert_eq!(me["plan"]["items_with_reminders"], 2);

    // A third with reminders is refused and leaves nothing; without reminders it is kept.
    let refused = create(item("Three", true)).await;
    assert_eq!(
        problem_code(refused, StatusCode::FORBIDDEN).await,
        "plan_limit_reached"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM items").await, 2);
    let quiet = create(item("Three", false)).await;
    assert_eq!(quiet.status(), StatusCode::CREATED);
    let quiet: Value = quiet.json().await.unwrap();
    let quiet_id = quiet["item"]["id"].as_str().unwrap().to_string();
    // Giving it reminders by an edit is refused the same way, and changes nothing.
    let path = format!("/v1/items/{quiet_id}");
    let edit = |body: Value| app.send(reqwest::Method::PATCH, &path, &token, Some(body));
    let refused = edit(json!({"reminders": [{"value": 2, "unit": "day"}]})).await;
    assert_eq!(
        problem_code(refused, StatusCode::FORBIDDEN).await,
        "plan_limit_reached"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM item_reminders").await, 2);

    // Plus has no such limit; a downgrade keeps every reminder and refuses new ones.
    delivered(&app, event("p1", "INITIAL_PURCHASE", &id, app.now_ms(), None)).await;
    assert_eq!(
        edit(json!({"reminders": [{"value": 2, "unit": "day"}]}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(create(item("Four", true)).await.status(), StatusCode::CREATED);
    assert_eq!(
        app.get_json("/v1/me", &token).await["plan"]["items_with_reminders"],
        Value::Null
    );
    delivered(&app, event("x1", "EXPIRATION", &id, app.now_ms() + 1, None)).await;
    assert_eq!(plan(&app, &token).await, "free");
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT item_id) FROM item_reminders")
            .await,
        4
    );
    let refused = create(item("Five", true)).await;
    assert_eq!(
        problem_code(refused, StatusCode::FORBIDDEN).await,
        "plan_limit_reached"
    );
}

async fn a_plan_without_the_digest_keeps_reminders_one_email_each(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[WEBHOOK, ("FREE_DIGEST", "false")]).await;
    let (id, token) = user(&app).await;
    let settings = |body: Value| {
        app.send(
            reqwest::Method::PATCH,
            "/v1/reminders/settings",
            &token,
            Some(body),
        )
    };
    let refused = settings(json!({"delivery": "digest", "reminder_time": "07:00"})).await;
    assert_eq!(
        problem_code(refused, StatusCode::FORBIDDEN).await,
        "plan_limit_reached"
    );
    let kept = app.get_json("/v1/reminders/settings", &token).await;
    assert_eq!(kept["settings"]["delivery"], "single");
    assert_ne!(
        kept["settings"]["reminder_time"], "07:00",
        "nothing of the refused change"
    );
    assert_eq!(
        settings(json!({"delivery": "single"})).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.get_json("/v1/me", &token).await["plan"]["digest"], false);

    delivered(&app, event("p1", "INITIAL_PURCHASE", &id, app.now_ms(), None)).await;
    assert_eq!(
        settings(json!({"delivery": "digest"})).await.status(),
        StatusCode::OK
    );
    assert_eq!(app.get_json("/v1/me", &token).await["plan"]["digest"], true);
}

crate::on_both_backends!(
    only_the_configured_authorization_is_let_in,
    a_deleted_account_leaves_no_plan_and_no_purchase_record,
    a_body_that_is_not_an_event_is_refused_and_changes_nothing,
    each_event_type_moves_the_plan_as_revenuecat_means_it,
    a_plan_lapses_at_its_time_without_another_event,
    a_retried_delivery_changes_nothing,
    a_late_event_is_not_applied_and_the_subscriber_is_read_back,
    a_refused_read_back_is_retried,
    a_transfer_moves_the_plan_to_the_other_user,
    an_event_about_someone_softly_does_not_know_is_recorded_and_left,
    me_shows_the_plan_and_its_limits,
    a_plan_limits_how_many_open_items_have_reminders,
    a_plan_without_the_digest_keeps_reminders_one_email_each,
);
