//! Capture → review → accept, on both databases: the local extractor when no model is
//! configured, Claude (the fake) when one is; what is refused changes nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use softly_testbed::fakes::Scripted;

use super::{CaptureApp, Providers, rows};
use crate::helpers::Backend;
use crate::on_both_backends;

on_both_backends!(
    text_is_read_locally_and_accepted_into_items_with_reminders,
    accepting_refuses_bad_input_and_changes_nothing,
    accepting_past_the_plans_items_with_reminders_is_refused,
    text_that_cannot_be_taken_is_refused_and_nothing_is_stored,
    a_capture_is_discarded_and_only_its_owner_sees_it,
    claude_reads_text_through_a_forced_tool_and_its_usage_is_counted,
);

async fn text_is_read_locally_and_accepted_into_items_with_reminders(backend: Backend) {
    let capture = CaptureApp::spawn(backend, Providers::default(), &[]).await;
    let token = capture.user().await;
    let me = capture.app.get_json("/v1/me", &token).await;
    assert_eq!(me["capture"]["reader"], "local");
    assert_eq!(me["capture"]["voice"], false);

    let text = "Renew the car insurance before the 3rd of March, it's about £420. Dentist appointment next Friday at 3pm";
    let ready = capture.captured_text(&token, text).await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["reader"], "local");
    assert_eq!(ready["transcript"], text);
    let proposals = ready["proposals"].as_array().unwrap().clone();
    assert_eq!(proposals.len(), 2, "{ready}");
    assert_eq!(proposals[0]["item"]["title"], "Renew the car insurance");
    assert_eq!(proposals[0]["item"]["amount_minor"], 42_000);
    assert_eq!(proposals[1]["item"]["kind"], "appointment");
    assert!(proposals[0]["confidence"].as_f64().unwrap() > 0.5);
    // Nothing is an item until the person accepts.
    assert_eq!(
        capture.app.get_json("/v1/items", &token).await["items"],
        json!([])
    );

    let mut edited = proposals[0]["item"].clone();
    edited["title"] = json!("Renew car insurance (Admiral)");
    let second = proposals[1]["item"].clone();
    let id = ready["id"].as_str().unwrap();
    let accepted = capture.accept(&token, id, json!([edited, second])).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["capture"]["status"], "accepted");
    assert_eq!(accepted["capture"]["item_ids"].as_array().unwrap().len(), 2);
    // What was said is not kept once it became items.
    assert_eq!(
        rows(
            &capture.app,
            "SELECT COUNT(*) FROM captures WHERE transcript IS NOT NULL OR proposals IS NOT NULL"
        )
        .await,
        0
    );

    let items = capture.app.get_json("/v1/items", &token).await["items"].clone();
    let titles: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"Renew car insurance (Admiral)"), "{titles:?}");
    for item in items.as_array().unwrap() {
        assert!(
            !item["reminders"].as_array().unwrap().is_empty(),
            "the kind's reminders: {item}"
        );
    }
    // Accepted once: a second accept is refused and makes nothing.
    let again = capture.accept(&token, id, json!([second])).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert_eq!(again.json::<Value>().await.unwrap()["code"], "capture_not_ready");
    assert_eq!(
        capture.app.get_json("/v1/items", &token).await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        capture.app.get_json("/v1/captures", &token).await["captures"],
        json!([])
    );
}

async fn accepting_refuses_bad_input_and_changes_nothing(backend: Backend) {
    let capture = CaptureApp::spawn(backend, Providers::default(), &[]).await;
    let token = capture.user().await;
    let ready = capture.captured_text(&token, "Pay the rent on the 1st").await;
    let id = ready["id"].as_str().unwrap();
    let good = ready["proposals"][0]["item"].clone();

    let none = capture.accept(&token, id, json!([])).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(none.json::<Value>().await.unwrap()["code"], "invalid_proposals");

    let mut bad = good.clone();
    bad["due_on"] = json!("31/02/2027");
    let one_bad = capture.accept(&token, id, json!([good, bad])).await;
    assert_eq!(one_bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = one_bad.json().await.unwrap();
    assert_eq!(
        (problem["code"].as_str(), problem["field"].as_str()),
        (Some("invalid_date"), Some("proposals"))
    );
    assert!(
        problem["detail"].as_str().unwrap().starts_with("Proposal 2"),
        "{problem}"
    );

    let mut unknown = good.clone();
    unknown["colour"] = json!("blue");
    let unknown = capture.accept(&token, id, json!([unknown])).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let stranger = capture.user().await;
    let theirs = capture.accept(&stranger, id, json!([good])).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);

    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM items").await, 0);
    let still = capture.app.get_json(&format!("/v1/captures/{id}"), &token).await;
    assert_eq!(still["capture"]["status"], "ready");
    // And the good one alone is accepted.
    assert_eq!(
        capture.accept(&token, id, json!([good])).await.status(),
        StatusCode::OK
    );
    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM items").await, 1);
}

/// Accepted proposals count against the plan like items made by hand: past its limit of
/// items with reminders, accepting is refused and nothing is created.
async fn accepting_past_the_plans_items_with_reminders_is_refused(backend: Backend) {
    let capture = CaptureApp::spawn(
        backend,
        Providers::default(),
        &[("FREE_MAX_ITEMS_WITH_REMINDERS", "1")],
    )
    .await;
    let token = capture.user().await;
    let ready = capture.captured_text(&token, "Pay the rent on the 1st").await;
    let id = ready["id"].as_str().unwrap();
    let mut reminded = ready["proposals"][0]["item"].clone();
    reminded["reminders"] = json!([{"value": 1, "unit": "day"}]);
    let mut quiet = reminded.clone();
    quiet["reminders"] = json!([]);

    let two = capture.accept(&token, id, json!([reminded, reminded])).await;
    assert_eq!(two.status(), StatusCode::FORBIDDEN);
    assert_eq!(two.json::<Value>().await.unwrap()["code"], "plan_limit_reached");
    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM items").await, 0);
    let still = capture.app.get_json(&format!("/v1/captures/{id}"), &token).await;
    assert_eq!(still["capture"]["status"], "ready");

    let within = capture.accept(&token, id, json!([reminded, quiet])).await;
    assert_eq!(within.status(), StatusCode::OK);
    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM items").await, 2);
}

async fn text_that_cannot_be_taken_is_refused_and_nothing_is_stored(backend: Backend) {
    let capture = CaptureApp::spawn(backend, Providers::default(), &[]).await;
    let token = capture.user().await;
    for text in ["", "   ", &"a".repeat(5001), "pay \u{202e}rent"] {
        let refused = capture.take_text(&token, text).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text:?}");
        assert_eq!(
            refused.json::<Value>().await.unwrap()["code"],
            "invalid_capture_text"
        );
    }
    let plain = capture
        .app
        .request(Method::POST, "/v1/captures")
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("pay rent")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let broken = capture
        .app
        .request(Method::POST, "/v1/captures")
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"text\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let anonymous = capture
        .app
        .post("/v1/captures", json!({"text": "pay rent"}))
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM captures").await, 0);
    // The longest text that is allowed is taken.
    assert_eq!(
        capture.take_text(&token, &"a".repeat(5000)).await.status(),
        StatusCode::ACCEPTED
    );
}

async fn a_capture_is_discarded_and_only_its_owner_sees_it(backend: Backend) {
    let capture = CaptureApp::spawn(backend, Providers::default(), &[]).await;
    let token = capture.user().await;
    let stranger = capture.user().await;
    let ready = capture.captured_text(&token, "Call the bank tomorrow").await;
    let path = format!("/v1/captures/{}", ready["id"].as_str().unwrap());
    assert_eq!(
        capture.app.get(&path, Some(&stranger)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        capture
            .app
            .send(Method::DELETE, &path, &stranger, None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        capture.app.get_json("/v1/captures", &stranger).await["captures"],
        json!([])
    );
    assert_eq!(
        capture.app.get_json("/v1/captures", &token).await["captures"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        capture
            .app
            .send(Method::DELETE, &path, &token, None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        capture.app.get(&path, Some(&token)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM items").await, 0);
}

async fn claude_reads_text_through_a_forced_tool_and_its_usage_is_counted(backend: Backend) {
    let capture = CaptureApp::spawn(
        backend,
        Providers {
            voice: false,
            claude: true,
        },
        &[],
    )
    .await;
    capture.claude.answers(json!({"items": [
        {"kind": "renewal", "title": "Renew the car insurance", "category": "vehicle", "due_on": "2027-03-03",
         "amount_minor": 42000, "currency": "GBP", "confidence": 0.92},
        {"kind": "chore", "title": "Water the plants", "due_on": "soon", "recurrence": "every so often", "confidence": 0.4},
    ]}));
    let token = capture.user().await;
    let ready = capture
        .captured_text(
            &token,
            "renew the car insurance before 3 March, about £420; water the plants",
        )
        .await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["reader"], "claude");
    let proposals = ready["proposals"].as_array().unwrap();
    assert_eq!(proposals[0]["item"]["due_on"], "2027-03-03");
    assert_eq!(proposals[0]["unsure"], json!([]));
    // What the model got wrong is not passed on as if it were right.
    let second = &proposals[1];
    assert_eq!(second["item"]["kind"], "todo");
    assert_eq!(second["item"]["recurrence"], Value::Null);
    let unsure: Vec<&str> = second["unsure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        unsure.contains(&"kind") && unsure.contains(&"due_on") && unsure.contains(&"recurrence"),
        "{unsure:?}"
    );

    let [request] = capture.claude.received().try_into().unwrap();
    assert_eq!(request.path_and_query, "/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(super::ANTHROPIC_KEY));
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body["model"], "claude-haiku-4-5");
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "propose_items"})
    );
    assert_eq!(body["tools"][0]["input_schema"]["type"], "object");

    assert_eq!(
        rows(
            &capture.app,
            "SELECT COUNT(*) FROM capture_usage WHERE call = 'extraction' AND input_tokens > 0"
        )
        .await,
        1
    );
    let me = capture.app.get_json("/v1/me", &token).await;
    assert_eq!(me["capture"]["reader"], "claude");
    assert_eq!(me["capture"]["extractions_used"], 1);
}
