//! The monthly limits: over them a capture is refused with 429 and when they start again;
//! under them it is taken; a new month starts from zero.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{CaptureApp, Providers};
use crate::helpers::{Backend, PASSWORD, bearer};
use crate::on_both_backends;

on_both_backends!(extractions_past_the_limit_are_refused_until_the_month_turns);

async fn extractions_past_the_limit_are_refused_until_the_month_turns(backend: Backend) {
    let capture = CaptureApp::spawn(
        backend,
        Providers {
            voice: false,
            claude: true,
        },
        &[("CAPTURE_EXTRACTIONS_PER_MONTH", "2")],
    )
    .await;
    capture.claude.answers(json!({"items": []}));
    let (email, pair) = capture.app.signed_in_user().await;
    let token = bearer(&pair).to_string();
    for _ in 0..2 {
        assert_eq!(capture.captured_text(&token, "call mum").await["status"], "ready");
    }
    let refused = capture.take_text(&token, "call mum").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "capture_limit_reached");
    assert!(
        problem["detail"].as_str().unwrap().contains("start again on 1 "),
        "{problem}"
    );
    let me = capture.app.get_json("/v1/me", &token).await;
    assert_eq!(
        (
            me["capture"]["extractions_used"].as_i64(),
            me["capture"]["extractions_limit"].as_i64()
        ),
        (Some(2), Some(2))
    );
    // Another user has their own allowance.
    let other = capture.user().await;
    assert_eq!(
        capture.take_text(&other, "call mum").await.status(),
        StatusCode::ACCEPTED
    );
    // Next month starts from zero.
    capture.app.clock.advance(Duration::from_secs(32 * 24 * 3600));
    let pair = capture.app.login_ok(&email, PASSWORD).await;
    assert_eq!(
        capture.take_text(bearer(&pair), "call mum").await.status(),
        StatusCode::ACCEPTED
    );
}

/// `softly usage` on the application's own database: the month's calls per provider and
/// model, one line each; a month that is not YYYY-MM is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn softly_usage_reports_the_months_calls() {
    let capture = CaptureApp::spawn(
        Backend::Sqlite,
        Providers {
            voice: false,
            claude: true,
        },
        &[],
    )
    .await;
    capture.claude.answers(json!({"items": []}));
    for _ in 0..2 {
        let token = capture.user().await;
        assert_eq!(capture.captured_text(&token, "call mum").await["status"], "ready");
    }
    let usage = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_softly"))
            .arg("usage")
            .args(args)
            .env_remove("DATABASE_URL")
            .env("SOFTLY_DATA_DIR", &capture.app.data_dir)
            .output()
            .unwrap()
    };
    let output = usage(&[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8(output.stdout).unwrap();
    let line = report
        .lines()
        .find(|l| l.starts_with("anthropic"))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        line.contains("claude-haiku-4-5") && line.contains("calls      2") && line.contains("users     2"),
        "{line}"
    );
    let empty = usage(&["--month", "2020-01"]);
    assert!(
        String::from_utf8(empty.stdout)
            .unwrap()
            .contains("no provider calls")
    );
    let refused = usage(&["--month", "2020-13"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("YYYY-MM"));
}
