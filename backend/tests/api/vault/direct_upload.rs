//! Direct uploads: announce, send straight to the store, complete.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::samples::{html, pdf, png};
use super::{Setup, VaultApp, code_of, on_both_setups};

pub fn checksum(bytes: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(bytes))
}

/// Announces a file; answers the ticket.
pub async fn announce(
    vault: &VaultApp,
    token: &str,
    byte_size: usize,
    checksum: &str,
    content_type: &str,
) -> Value {
    let body = json!({
        "filename": "scan.pdf", "byte_size": byte_size, "checksum_sha256": checksum, "content_type": content_type,
    });
    let response = vault
        .app
        .send(Method::POST, "/v1/documents/uploads", token, Some(body))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// Sends `bytes` as the ticket says; answers the status. An API URL is sent to the
/// test server (the configured API_URL names the production port).
pub async fn send(vault: &VaultApp, ticket: &Value, bytes: Vec<u8>) -> StatusCode {
    let mut url = ticket["url"].as_str().unwrap().to_string();
    if let Some(path) = url.strip_prefix("http://localhost:3000") {
        url = format!("{}{path}", vault.app.address);
    }
    let method = Method::from_bytes(ticket["method"].as_str().unwrap().as_bytes()).unwrap();
    let mut request = vault.app.client.request(method, url).body(bytes);
    for (name, value) in ticket["headers"].as_object().unwrap() {
        request = request.header(name, value.as_str().unwrap());
    }
    request.send().await.unwrap().status()
}

/// Announces and sends `bytes` without completing; answers the upload id.
pub async fn land(vault: &VaultApp, token: &str, bytes: &[u8]) -> String {
    let ticket = announce(vault, token, bytes.len(), &checksum(bytes), "application/pdf").await;
    assert!(send(vault, &ticket, bytes.to_vec()).await.is_success());
    ticket["upload_id"].as_str().unwrap().to_string()
}

async fn complete(vault: &VaultApp, token: &str, upload_id: &str, body: Value) -> reqwest::Response {
    let path = format!("/v1/documents/uploads/{upload_id}/complete");
    vault.app.send(Method::POST, &path, token, Some(body)).await
}

async fn a_direct_upload_becomes_a_ready_document(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let bytes = png(64, 48);
    let ticket = announce(&vault, &token, bytes.len(), &checksum(&bytes), "image/png").await;
    assert_eq!(ticket["method"], "PUT");
    assert_eq!(ticket["headers"]["content-type"], "image/png");
    if vault.s3.is_some() {
        assert_eq!(ticket["headers"]["x-amz-server-side-encryption"], "AES256");
        assert!(ticket["url"].as_str().unwrap().contains("X-Amz-Expires=900"));
        let sum = checksum(&bytes);
        assert_eq!(
            ticket["headers"]["x-amz-checksum-sha256"],
            sum.as_str(),
            "S3 checks the body"
        );
    }
    assert!(send(&vault, &ticket, bytes.clone()).await.is_success());
    let upload_id = ticket["upload_id"].as_str().unwrap();
    let response = complete(
        &vault,
        &token,
        upload_id,
        json!({"title": "Licence", "kind": "driving_licence"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let document = response.json::<Value>().await.unwrap()["document"].clone();
    assert_eq!(document["id"], upload_id);
    assert_eq!(document["kind"], "driving_licence");
    assert_eq!(document["content_type"], "image/png");
    let ready = vault.settled(&token, upload_id).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["width"], 64);
    let (_, _, stored) = vault
        .fetch(&format!("/v1/documents/{upload_id}/file"), &token)
        .await;
    assert_eq!(stored, bytes);
    // Completing twice does not make two documents.
    let again = complete(&vault, &token, upload_id, json!({})).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        vault.app.get_json("/v1/me", &token).await["storage_used_bytes"],
        bytes.len()
    );
}

async fn a_mismatched_upload_is_refused_with_a_precise_code_and_nothing_kept(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let good = pdf(2000, 7);
    let mut corrupted = good.clone();
    corrupted[1500] ^= 0xFF;
    // Shorter: a longer body is refused while it is sent (see below).
    let shorter = pdf(1900, 7);
    let cases = [
        (good.len(), checksum(&good), corrupted, "checksum_mismatch"),
        (good.len(), checksum(&good), shorter, "size_mismatch"),
        (html().len(), checksum(&html()), html(), "unsupported_type"),
    ];
    for (size, sum, sent, code) in cases {
        let ticket = announce(&vault, &token, size, &sum, "application/pdf").await;
        assert!(send(&vault, &ticket, sent).await.is_success());
        let upload_id = ticket["upload_id"].as_str().unwrap();
        let response = complete(&vault, &token, upload_id, json!({})).await;
        assert_eq!(code_of(response, StatusCode::UNPROCESSABLE_ENTITY).await, code);
        let again = complete(&vault, &token, upload_id, json!({})).await;
        assert_eq!(again.status(), StatusCode::NOT_FOUND, "the upload is gone");
    }
    assert!(vault.objects_after_jobs().await.is_empty(), "nothing kept");
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
    assert_eq!(
        vault.app.get_json("/v1/me", &token).await["storage_used_bytes"],
        0
    );
}

async fn completing_before_the_file_arrives_says_so_and_keeps_the_upload(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let bytes = pdf(800, 5);
    let ticket = announce(&vault, &token, bytes.len(), &checksum(&bytes), "application/pdf").await;
    let upload_id = ticket["upload_id"].as_str().unwrap();
    let response = complete(&vault, &token, upload_id, json!({})).await;
    assert_eq!(
        code_of(response, StatusCode::UNPROCESSABLE_ENTITY).await,
        "upload_missing"
    );
    assert!(send(&vault, &ticket, bytes).await.is_success());
    let response = complete(&vault, &token, upload_id, json!({"kind": "nonsense"})).await;
    assert_eq!(
        code_of(response, StatusCode::UNPROCESSABLE_ENTITY).await,
        "invalid_kind"
    );
    let response = complete(&vault, &token, upload_id, json!({})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

async fn announcements_are_checked(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("VAULT_MAX_UPLOAD_BYTES", "1000")]).await;
    let token = vault.user().await;
    let sum = checksum(b"x");
    let cases = [
        (
            json!({"filename": "a.pdf", "byte_size": 1001, "checksum_sha256": sum, "content_type": "application/pdf"}),
            "invalid_byte_size",
        ),
        (
            json!({"filename": "a.pdf", "byte_size": 0, "checksum_sha256": sum, "content_type": "application/pdf"}),
            "invalid_byte_size",
        ),
        (
            json!({"filename": "a.pdf", "byte_size": 10, "checksum_sha256": "abc", "content_type": "application/pdf"}),
            "invalid_checksum",
        ),
        (
            json!({"filename": "a.html", "byte_size": 10, "checksum_sha256": sum, "content_type": "text/html"}),
            "unsupported_type",
        ),
        (
            json!({"filename": "..", "byte_size": 10, "checksum_sha256": sum, "content_type": "application/pdf"}),
            "invalid_filename",
        ),
    ];
    for (body, code) in cases {
        let response = vault
            .app
            .send(Method::POST, "/v1/documents/uploads", &token, Some(body))
            .await;
        assert_eq!(code_of(response, StatusCode::UNPROCESSABLE_ENTITY).await, code);
    }
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM uploads").await, 0);
    let ok = announce(&vault, &token, 1000, &sum, "application/pdf").await;
    assert!(ok["upload_id"].is_string());
}

async fn another_users_upload_cannot_be_completed(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let (owner, intruder) = (vault.user().await, vault.user().await);
    let upload_id = land(&vault, &owner, &pdf(500, 1)).await;
    let response = complete(&vault, &intruder, &upload_id, json!({})).await;
    assert_eq!(code_of(response, StatusCode::NOT_FOUND).await, "not_found");
    let response = complete(&vault, &owner, &upload_id, json!({})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// Announces `bytes` as a PDF; answers the response, whatever it is.
async fn try_announce(vault: &VaultApp, token: &str, bytes: &[u8]) -> reqwest::Response {
    let body = json!({
        "filename": "scan.pdf", "byte_size": bytes.len(), "checksum_sha256": checksum(bytes), "content_type": "application/pdf",
    });
    vault
        .app
        .send(Method::POST, "/v1/documents/uploads", token, Some(body))
        .await
}

/// What `/v1/me` says the user keeps (documents and reserved uploads).
pub async fn used_bytes(vault: &VaultApp, token: &str) -> i64 {
    vault.app.get_json("/v1/me", token).await["storage_used_bytes"]
        .as_i64()
        .unwrap()
}

async fn an_announced_upload_holds_its_size_of_the_quota_until_it_completes_or_is_refused(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("VAULT_QUOTA_BYTES", "3000")]).await;
    let token = vault.user().await;
    let first = pdf(2000, 1);
    let ticket = announce(&vault, &token, first.len(), &checksum(&first), "application/pdf").await;
    assert_eq!(used_bytes(&vault, &token).await, 2000, "reserved when announced");

    // Nothing is sent yet, and still a second slot cannot claim the same room.
    let second = pdf(1500, 2);
    let refused = try_announce(&vault, &token, &second).await;
    assert_eq!(code_of(refused, StatusCode::FORBIDDEN).await, "quota_exceeded");
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM uploads").await, 1);

    assert!(send(&vault, &ticket, first).await.is_success());
    let upload_id = ticket["upload_id"].as_str().unwrap();
    let completed = complete(&vault, &token, upload_id, json!({})).await;
    assert_eq!(completed.status(), StatusCode::CREATED);
    assert_eq!(
        used_bytes(&vault, &token).await,
        2000,
        "the document took the reservation over"
    );

    let third = pdf(1000, 3);
    let ticket = announce(&vault, &token, third.len(), &checksum(&third), "application/pdf").await;
    assert_eq!(
        used_bytes(&vault, &token).await,
        3000,
        "the quota is reached exactly"
    );
    let mut corrupted = third.clone();
    corrupted[900] ^= 0xFF;
    assert!(send(&vault, &ticket, corrupted).await.is_success());
    let upload_id = ticket["upload_id"].as_str().unwrap();
    let refused = complete(&vault, &token, upload_id, json!({})).await;
    assert_eq!(
        code_of(refused, StatusCode::UNPROCESSABLE_ENTITY).await,
        "checksum_mismatch"
    );
    assert_eq!(
        used_bytes(&vault, &token).await,
        2000,
        "a refused upload gives its reservation back"
    );
}

async fn concurrent_announcements_cannot_together_pass_the_quota_or_the_slot_limit(setup: Setup) {
    let vault = VaultApp::spawn_with(
        setup,
        &[("VAULT_QUOTA_BYTES", "10000"), ("VAULT_MAX_OPEN_UPLOADS", "3")],
    )
    .await;
    let token = vault.user().await;
    let (vault, token) = (&vault, &token);
    let attempt = |size: usize, seed: u8| async move { try_announce(vault, token, &pdf(size, seed)).await };
    // Eight of 3000 bytes at once: the quota admits three, and so does the slot limit.
    let answers = futures_util::future::join_all((0..8).map(|i| attempt(3000, i))).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [201, 201, 201, 403, 403, 403, 403, 403], "{statuses:?}");
    assert_eq!(used_bytes(vault, token).await, 9000);

    // Small ones: room is left, slots are not.
    let answers = futures_util::future::join_all((0..4).map(|i| attempt(200, 10 + i))).await;
    for answer in answers {
        assert_eq!(
            code_of(answer, StatusCode::TOO_MANY_REQUESTS).await,
            "too_many_uploads"
        );
    }
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM uploads").await, 3);
    assert_eq!(
        used_bytes(vault, token).await,
        9000,
        "refused slots reserve nothing"
    );
}

async fn open_uploads_are_limited_per_user_and_completing_one_frees_a_slot(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("VAULT_MAX_OPEN_UPLOADS", "2")]).await;
    let (token, other) = (vault.user().await, vault.user().await);
    let first = land(&vault, &token, &pdf(300, 1)).await;
    land(&vault, &token, &pdf(300, 2)).await;
    let bytes = pdf(300, 3);
    let refused = try_announce(&vault, &token, &bytes).await;
    assert_eq!(
        code_of(refused, StatusCode::TOO_MANY_REQUESTS).await,
        "too_many_uploads"
    );
    land(&vault, &other, &pdf(300, 4)).await;

    let completed = complete(&vault, &token, &first, json!({})).await;
    assert_eq!(completed.status(), StatusCode::CREATED);
    let accepted = try_announce(&vault, &token, &bytes).await;
    assert_eq!(
        accepted.status(),
        StatusCode::CREATED,
        "a completed upload frees its slot"
    );
}

async fn an_upload_announced_before_reservations_reserves_when_it_completes(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("VAULT_QUOTA_BYTES", "3000")]).await;
    let token = vault.user().await;
    let upload_id = land(&vault, &token, &pdf(2000, 1)).await;
    // As a row written by the previous release: nothing reserved, nothing counted.
    sqlx::query("UPDATE uploads SET reserved_bytes = 0")
        .execute(vault.app.db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE vault_usage SET used_bytes = 0")
        .execute(vault.app.db.pool())
        .await
        .unwrap();
    let completed = complete(&vault, &token, &upload_id, json!({})).await;
    assert_eq!(completed.status(), StatusCode::CREATED);
    assert_eq!(used_bytes(&vault, &token).await, 2000, "counted at completion");
}

on_both_setups!(
    an_announced_upload_holds_its_size_of_the_quota_until_it_completes_or_is_refused,
    concurrent_announcements_cannot_together_pass_the_quota_or_the_slot_limit,
    open_uploads_are_limited_per_user_and_completing_one_frees_a_slot,
    an_upload_announced_before_reservations_reserves_when_it_completes,
    a_direct_upload_becomes_a_ready_document,
    a_mismatched_upload_is_refused_with_a_precise_code_and_nothing_kept,
    completing_before_the_file_arrives_says_so_and_keeps_the_upload,
    announcements_are_checked,
    another_users_upload_cannot_be_completed,
);

#[tokio::test]
async fn the_embedded_upload_url_needs_its_signature_and_its_time() {
    let vault = VaultApp::spawn(Setup::Disk).await;
    let token = vault.user().await;
    let bytes = pdf(300, 1);
    let ticket = announce(&vault, &token, bytes.len(), &checksum(&bytes), "application/pdf").await;
    let url = ticket["url"].as_str().unwrap();
    assert!(
        url.starts_with("http://localhost:3000/v1/documents/uploads/"),
        "{url}"
    );
    let path = url.strip_prefix("http://localhost:3000").unwrap();
    let tampered = format!("{}x", path);
    let response = vault
        .app
        .request(Method::PUT, &tampered)
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(response, StatusCode::FORBIDDEN).await,
        "invalid_signature"
    );
    let (base, signature) = path.split_once("&signature=").unwrap();
    let later = format!("{}&signature={signature}", base.replace("expires=", "expires=9"));
    let response = vault
        .app
        .request(Method::PUT, &later)
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        code_of(response, StatusCode::FORBIDDEN).await,
        "invalid_signature"
    );
    // The genuine URL, once its fifteen minutes have passed on the application's clock.
    vault
        .app
        .clock
        .advance(std::time::Duration::from_secs(15 * 60 + 1));
    let response = vault
        .app
        .request(Method::PUT, path)
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(code_of(response, StatusCode::FORBIDDEN).await, "url_expired");
    assert!(vault.objects().await.is_empty());
    let fresh = announce(&vault, &token, bytes.len(), &checksum(&bytes), "application/pdf").await;
    assert!(send(&vault, &fresh, bytes).await.is_success());
    assert_eq!(vault.objects().await.len(), 1);
}

#[tokio::test]
async fn the_embedded_store_takes_no_byte_past_the_announced_size() {
    let vault = VaultApp::spawn(Setup::Disk).await;
    let token = vault.user().await;
    let bytes = pdf(1000, 1);
    let ticket = announce(&vault, &token, bytes.len(), &checksum(&bytes), "application/pdf").await;
    // A body far larger than announced (and than the quota would allow): refused while
    // it is read, nothing written.
    let flood = vec![b'x'; 2 * 1024 * 1024];
    assert_eq!(send(&vault, &ticket, flood).await, StatusCode::PAYLOAD_TOO_LARGE);
    let mut one_more = bytes.clone();
    one_more.push(b'\n');
    assert_eq!(
        send(&vault, &ticket, one_more).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert!(vault.objects().await.is_empty(), "nothing kept");
    assert_eq!(send(&vault, &ticket, bytes).await, StatusCode::NO_CONTENT);
    assert_eq!(vault.objects().await.len(), 1);
}
