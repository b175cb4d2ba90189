//! A provider's failures, through the fake Anthropic (Deepgram's are in `audio`): busy
//! answers are retried as `retry-after` says, overloaded three times fails, a refused key
//! fails at once, a slow answer times out and is tried again, nonsense is tried again;
//! a failed capture says why and can be retried.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use softly_testbed::fakes::{Reply, Scripted};

use super::{CaptureApp, Providers, rows};
use crate::helpers::Backend;
use crate::on_both_backends;

on_both_backends!(
    busy_then_answering_is_retried_after_what_it_asked,
    overloaded_three_times_fails_and_a_retry_succeeds,
    a_refused_key_fails_without_retrying,
    a_slow_answer_times_out_and_malformed_json_is_tried_again,
);

const CLAUDE: Providers = Providers {
    voice: false,
    claude: true,
};

fn one_item() -> Value {
    json!({"items": [{"kind": "todo", "title": "Call mum", "due_on": "2027-01-04", "confidence": 0.9}]})
}

async fn busy_then_answering_is_retried_after_what_it_asked(backend: Backend) {
    let capture = CaptureApp::spawn(backend, CLAUDE, &[]).await;
    capture.claude.answers(one_item());
    capture.claude.script([Reply::Status {
        status: 429,
        retry_after: Some(1),
    }]);
    let token = capture.user().await;
    let started = std::time::Instant::now();
    let ready = capture.captured_text(&token, "call mum on Monday").await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(capture.claude.received().len(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as retry-after said"
    );
    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM capture_usage").await, 1);
}

async fn overloaded_three_times_fails_and_a_retry_succeeds(backend: Backend) {
    let capture = CaptureApp::spawn(backend, CLAUDE, &[]).await;
    capture.claude.answers(one_item());
    let overloaded = Reply::Status {
        status: 529,
        retry_after: None,
    };
    capture
        .claude
        .script([overloaded.clone(), overloaded.clone(), overloaded]);
    let token = capture.user().await;
    let failed = capture.captured_text(&token, "call mum on Monday").await;
    assert_eq!(failed["status"], "failed");
    let reason = failed["failure_reason"].as_str().unwrap();
    assert!(
        reason.contains("overloaded") && reason.contains("3 times"),
        "{reason}"
    );
    assert_eq!(capture.claude.received().len(), 3);
    assert_eq!(
        rows(&capture.app, "SELECT COUNT(*) FROM capture_usage").await,
        0,
        "nothing billed, nothing counted"
    );
    let id = failed["id"].as_str().unwrap();
    let item = json!({"kind": "todo", "title": "Call mum", "due_on": "2027-01-04"});
    assert_eq!(
        capture.accept(&token, id, json!([item])).await.status(),
        StatusCode::CONFLICT
    );

    let retried = capture.retry(&token, id).await;
    assert_eq!(retried.status(), StatusCode::ACCEPTED);
    let ready = capture.settled(&token, id).await;
    assert_eq!(
        (ready["status"].as_str(), ready["failure_reason"].as_str()),
        (Some("ready"), None)
    );
    // Only a failed capture is retried.
    let again = capture.retry(&token, id).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
}

async fn a_refused_key_fails_without_retrying(backend: Backend) {
    let capture = CaptureApp::spawn(backend, CLAUDE, &[("ANTHROPIC_API_KEY", "sk-ant-wrong")]).await;
    let token = capture.user().await;
    let failed = capture.captured_text(&token, "call mum on Monday").await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["failure_reason"]
            .as_str()
            .unwrap()
            .contains("refused Softly's key (401)"),
        "{failed}"
    );
    assert_eq!(capture.claude.received().len(), 1);
    // A malformed request (400) is not retried either.
    let capture = CaptureApp::spawn(Backend::Sqlite, CLAUDE, &[]).await;
    capture.claude.script([Reply::Status {
        status: 400,
        retry_after: None,
    }]);
    let token = capture.user().await;
    let failed = capture.captured_text(&token, "call mum on Monday").await;
    assert!(
        failed["failure_reason"].as_str().unwrap().contains("(400)"),
        "{failed}"
    );
    assert_eq!(capture.claude.received().len(), 1);
}

async fn a_slow_answer_times_out_and_malformed_json_is_tried_again(backend: Backend) {
    let capture = CaptureApp::spawn(backend, CLAUDE, &[("CAPTURE_CALL_TIMEOUT_SECS", "1")]).await;
    capture.claude.answers(one_item());
    capture
        .claude
        .script([Reply::Slow(Duration::from_secs(3)), Reply::Malformed]);
    let token = capture.user().await;
    let ready = capture.captured_text(&token, "call mum on Monday").await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(capture.claude.received().len(), 3);
    assert_eq!(rows(&capture.app, "SELECT COUNT(*) FROM capture_usage").await, 1);
}
