//! The production credential path, offline: the real binary with no AWS keys in its
//! environment, only `AWS_CONTAINER_CREDENTIALS_FULL_URI` (what ECS sets for a task
//! role), reaching an S3 server that accepts nothing but the credentials that endpoint
//! hands out.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::get;
use serde_json::{Value, json};

use super::presigned::start_s3s_accepting;
use super::samples::pdf;
use crate::process::SoftlyProcess;

const KEY: &str = "ASIATASKROLEKEY";
const SECRET: &str = "task-role-secret-access-key";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_reach_s3_with_the_ecs_task_role_credentials() {
    let (endpoint, root) = start_s3s_accepting(KEY, SECRET).await;
    let bucket = "softly-task-role";
    std::fs::create_dir_all(root.join(bucket)).unwrap();

    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let credentials = axum::Router::new().route(
        "/task-role",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async {
                axum::Json(json!({
                    "AccessKeyId": KEY, "SecretAccessKey": SECRET, "Token": "task-session-token",
                    "Expiration": "2099-01-01T00:00:00Z",
                }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let credentials_uri = format!("http://{}/task-role", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, credentials).await });

    let home = std::env::temp_dir().join(format!("softly-home-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&home).unwrap();
    let set = [
        ("S3_BUCKET", bucket),
        ("S3_ENDPOINT", endpoint.as_str()),
        ("AWS_REGION", "eu-west-2"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", credentials_uri.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("HOME", home.to_str().unwrap()),
    ];
    let remove = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
    ];
    let server = SoftlyProcess::start_with(&set, &remove).await;

    let token = server.signed_in_token().await;
    let client = reqwest::Client::new();

    let bytes = pdf(2048, 1);
    let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name("policy.pdf");
    let response = client
        .post(server.url("/v1/documents"))
        .bearer_auth(&token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        reqwest::StatusCode::CREATED,
        "{:?}",
        response.text().await
    );
    assert!(
        served.load(Ordering::SeqCst) >= 1,
        "credentials came from the task-role endpoint"
    );
    let document: Value = response.json().await.unwrap();
    let id = document["document"]["id"].as_str().unwrap();
    let stored = walk_for(&root.join(bucket), id);
    assert_eq!(
        stored.as_deref(),
        Some(bytes.as_slice()),
        "the object is in the bucket"
    );
}

/// The bytes of the first file below `folder` whose path mentions `id`.
fn walk_for(folder: &std::path::Path, id: &str) -> Option<Vec<u8>> {
    for entry in std::fs::read_dir(folder).ok()? {
        let path = entry.ok()?.path();
        if path.is_dir() {
            if let Some(found) = walk_for(&path, id) {
                return Some(found);
            }
        } else if path.to_string_lossy().contains(id) && path.ends_with("original") {
            return std::fs::read(&path).ok();
        }
    }
    None
}
