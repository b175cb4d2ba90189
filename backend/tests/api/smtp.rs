//! Mail through SMTP (`MAIL_TRANSPORT=smtp`), against a real SMTP server (aiosmtpd,
//! from PyPI) that files every message it accepts into a maildir.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, Email, PASSWORD, TestApp, test_service};

/// Messages in the maildir addressed to `to`, as raw text.
fn delivered_to(maildir: &str, to: &str) -> Vec<String> {
    let folder = PathBuf::from(maildir).join("new");
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
        .filter(|raw| raw.lines().any(|l| l == format!("X-RcptTo: {to}")))
        .collect()
}

fn server() -> (String, String) {
    let url = test_service("SOFTLY_TEST_SMTP_URL");
    let maildir = test_service("SOFTLY_TEST_SMTP_MAILDIR");
    (url, maildir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(softly_test_smtp),
    ignore = "set SOFTLY_TEST_SMTP_URL and SOFTLY_TEST_SMTP_MAILDIR (aiosmtpd) to run"
)]
async fn sign_up_mail_is_delivered_over_smtp_with_a_working_link() {
    let (url, maildir) = server();
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("MAIL_TRANSPORT", "smtp"), ("SMTP_URL", url.as_str())],
    )
    .await;
    let email = format!("smtp-{}@example.com", uuid::Uuid::now_v7().simple());
    assert_eq!(
        app.signup(&email, PASSWORD, "Ada").await.status(),
        StatusCode::CREATED
    );
    let mut delivered = Vec::new();
    for _ in 0..200 {
        delivered = delivered_to(&maildir, &email);
        if !delivered.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(delivered.len(), 1, "one message for {email}");
    let message = Email::parse(&delivered[0]);
    assert!(message.subject.contains("Confirm"), "{}", message.subject);
    let token = message.token("/verify-email");
    let response = app
        .post("/v1/auth/verify-email", serde_json::json!({ "token": token }))
        .await;
    assert_eq!(response.status(), StatusCode::OK, "the link in the message works");
    assert!(
        !app.data_dir.join("mail").exists(),
        "nothing was written to files"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(softly_test_smtp),
    ignore = "set SOFTLY_TEST_SMTP_URL and SOFTLY_TEST_SMTP_MAILDIR (aiosmtpd) to run"
)]
async fn an_unreachable_smtp_server_leaves_the_message_queued_for_retry() {
    let (_, maildir) = server();
    // A port nothing listens on.
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[("MAIL_TRANSPORT", "smtp"), ("SMTP_URL", "smtp://127.0.0.1:9")],
    )
    .await;
    let email = format!("unsent-{}@example.com", uuid::Uuid::now_v7().simple());
    assert_eq!(
        app.signup(&email, PASSWORD, "Ada").await.status(),
        StatusCode::CREATED
    );
    let row = app.failed_email_job().await;
    assert_eq!(row.0, "queued", "waiting for its retry");
    assert!(row.1 >= 1);
    assert!(delivered_to(&maildir, &email).is_empty());
}
