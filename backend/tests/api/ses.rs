//! Mail through Amazon SES v2 (`MAIL_TRANSPORT=ses`), against moto's server mode, which
//! records what it was asked to send.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use softly::platform::aws::{AwsClient, Body, Request};

use crate::helpers::{Backend, Email, PASSWORD, TestApp, test_service};

/// Messages moto recorded for `to`, as raw MIME.
async fn sent_to(endpoint: &str, to: &str) -> Vec<String> {
    let data: Value = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    data["ses"]["RawMessage"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| {
            m["destinations"]
                .as_array()
                .is_some_and(|d| d.iter().any(|a| a == to))
        })
        .map(|m| m["raw_data"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(softly_test_ses),
    ignore = "set SOFTLY_TEST_SES_ENDPOINT (moto's server) to run"
)]
async fn sign_up_mail_is_sent_through_ses_with_a_working_link() {
    let endpoint = test_service("SOFTLY_TEST_SES_ENDPOINT");
    // SES sends only from a verified identity.
    let ses = AwsClient::from_environment("ses", "eu-west-2").unwrap();
    let identities = Request {
        method: reqwest::Method::POST,
        url: format!("{endpoint}/v2/email/identities").parse().unwrap(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: Body::Bytes(r#"{"EmailIdentity":"mysoftly.app"}"#.into()),
    };
    // Already verified by an earlier run against the same server is fine too.
    let _ = ses.send(&identities).await;

    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("MAIL_TRANSPORT", "ses"),
            ("SES_ENDPOINT", endpoint.as_str()),
            ("AWS_REGION", "eu-west-2"),
        ],
    )
    .await;
    let email = format!("ses-{}@example.com", uuid::Uuid::now_v7().simple());
    assert_eq!(
        app.signup(&email, PASSWORD, "Ada").await.status(),
        StatusCode::CREATED
    );
    let mut sent = Vec::new();
    for _ in 0..100 {
        sent = sent_to(&endpoint, &email).await;
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sent.len(), 1, "one message for {email}");
    let message = Email::parse(&sent[0]);
    assert!(message.subject.contains("Confirm"), "{}", message.subject);
    let token = message.token("/verify-email");
    let response = app
        .post("/v1/auth/verify-email", serde_json::json!({ "token": token }))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the link in the SES message works"
    );
    assert!(
        !app.data_dir.join("mail").exists(),
        "nothing was written to files"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(softly_test_ses),
    ignore = "set SOFTLY_TEST_SES_ENDPOINT (moto's server) to run"
)]
async fn a_refused_send_is_retried_not_lost() {
    let endpoint = test_service("SOFTLY_TEST_SES_ENDPOINT");
    // From an unverified domain: SES refuses, the job keeps its message and retries.
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("MAIL_TRANSPORT", "ses"),
            ("SES_ENDPOINT", endpoint.as_str()),
            ("AWS_REGION", "eu-west-2"),
            ("MAIL_FROM", "Softly <hello@unverified.example>"),
        ],
    )
    .await;
    let email = format!("refused-{}@example.com", uuid::Uuid::now_v7().simple());
    assert_eq!(
        app.signup(&email, PASSWORD, "Ada").await.status(),
        StatusCode::CREATED
    );
    let row = app.failed_email_job().await;
    assert_eq!(row.0, "queued", "waiting for its retry");
    assert!(row.1 >= 1);
    assert!(sent_to(&endpoint, &email).await.is_empty());
}
