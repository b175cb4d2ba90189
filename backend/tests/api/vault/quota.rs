//! The quota: checked before a body is read, bound atomically when a document is admitted.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::direct_upload::{announce, checksum, send};
use super::samples::pdf;
use super::{Setup, VaultApp, code_of, on_both_setups};

async fn concurrent_uploads_cannot_together_pass_the_quota(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("VAULT_QUOTA_BYTES", "150000")]).await;
    let token = vault.user().await;
    let uploads = (0..4u8).map(|i| vault.upload(&token, "big.pdf", pdf(100_000, i), &[]));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(uploads)
        .await
        .into_iter()
        .map(|r| r.status())
        .collect();
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::FORBIDDEN).count();
    assert_eq!((created, refused), (1, 3), "{statuses:?}");
    let me = vault.app.get_json("/v1/me", &token).await;
    assert_eq!(me["storage_used_bytes"], 100_000);
    assert_eq!(me["storage_quota_bytes"], 150_000);
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 1);
    assert_eq!(
        vault.objects_after_jobs().await.len(),
        1,
        "refused files are not kept"
    );
}

async fn the_quota_is_reached_exactly_and_freed_by_deleting(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("VAULT_QUOTA_BYTES", "3000")]).await;
    let token = vault.user().await;
    let first = vault.uploaded(&token, "a.pdf", pdf(2000, 1), &[]).await;
    let response = vault.upload(&token, "b.pdf", pdf(1001, 2), &[]).await;
    assert_eq!(code_of(response, StatusCode::FORBIDDEN).await, "quota_exceeded");
    vault.uploaded(&token, "c.pdf", pdf(1000, 3), &[]).await;
    assert_eq!(
        vault.app.get_json("/v1/me", &token).await["storage_used_bytes"],
        3000
    );

    // Direct uploads meet the same quota, when announced and when completed.
    let bytes = pdf(500, 4);
    let body = json!({"filename": "d.pdf", "byte_size": 500, "checksum_sha256": checksum(&bytes), "content_type": "application/pdf"});
    let response = vault
        .app
        .send(Method::POST, "/v1/documents/uploads", &token, Some(body))
        .await;
    assert_eq!(code_of(response, StatusCode::FORBIDDEN).await, "quota_exceeded");

    let path = format!("/v1/documents/{}", first["id"].as_str().unwrap());
    assert_eq!(
        vault.app.send(Method::DELETE, &path, &token, None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        vault.app.get_json("/v1/me", &token).await["storage_used_bytes"],
        1000
    );
    let ticket = announce(&vault, &token, 500, &checksum(&bytes), "application/pdf").await;
    // The announced upload holds its room: a streamed upload cannot take it meanwhile.
    let response = vault.upload(&token, "e.pdf", pdf(1600, 5), &[]).await;
    assert_eq!(code_of(response, StatusCode::FORBIDDEN).await, "quota_exceeded");
    assert!(send(&vault, &ticket, bytes).await.is_success());
    let complete = format!(
        "/v1/documents/uploads/{}/complete",
        ticket["upload_id"].as_str().unwrap()
    );
    let response = vault
        .app
        .send(Method::POST, &complete, &token, Some(json!({})))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        vault.app.get_json("/v1/me", &token).await["storage_used_bytes"],
        1500
    );
    vault.uploaded(&token, "f.pdf", pdf(1500, 6), &[]).await;
    assert_eq!(
        vault.app.get_json("/v1/me", &token).await["storage_used_bytes"],
        3000
    );
    assert_eq!(vault.objects_after_jobs().await.len(), 3);
}

async fn the_quota_follows_the_plan_both_ways_and_a_downgrade_keeps_every_document(setup: Setup) {
    use crate::plans::{WEBHOOK, delivered, event};
    let vault = VaultApp::spawn_with(
        setup,
        &[
            ("VAULT_QUOTA_BYTES", "3000"),
            ("PLUS_VAULT_QUOTA_BYTES", "6000"),
            WEBHOOK,
        ],
    )
    .await;
    let token = vault.user().await;
    let me = vault.app.get_json("/v1/me", &token).await;
    let id = me["id"].as_str().unwrap().to_string();
    let kept = vault.uploaded(&token, "a.pdf", pdf(2500, 1), &[]).await;
    let response = vault.upload(&token, "b.pdf", pdf(2500, 2), &[]).await;
    assert_eq!(code_of(response, StatusCode::FORBIDDEN).await, "quota_exceeded");

    // Up: plus's quota applies at once.
    let now = vault.app.now_ms();
    delivered(&vault.app, event("p1", "INITIAL_PURCHASE", &id, now, None)).await;
    vault.uploaded(&token, "b.pdf", pdf(2500, 2), &[]).await;
    let me = vault.app.get_json("/v1/me", &token).await;
    assert_eq!(
        (
            me["storage_used_bytes"].clone(),
            me["storage_quota_bytes"].clone()
        ),
        (json!(5000), json!(6000))
    );

    // Down: over free's quota, everything stays readable and deletable; nothing new fits.
    delivered(&vault.app, event("x1", "EXPIRATION", &id, now + 1, None)).await;
    let me = vault.app.get_json("/v1/me", &token).await;
    assert_eq!(
        (
            me["storage_used_bytes"].clone(),
            me["storage_quota_bytes"].clone()
        ),
        (json!(5000), json!(3000))
    );
    let listed = vault.app.get_json("/v1/documents", &token).await;
    assert_eq!(
        listed["documents"].as_array().unwrap().len(),
        2,
        "a downgrade deletes nothing"
    );
    let path = format!("/v1/documents/{}", kept["id"].as_str().unwrap());
    let (status, _, bytes) = vault.fetch(&format!("{path}/file"), &token).await;
    assert_eq!(
        (status, bytes.len()),
        (StatusCode::OK, 2500),
        "downloads still work"
    );
    let response = vault.upload(&token, "c.pdf", pdf(10, 3), &[]).await;
    assert_eq!(code_of(response, StatusCode::FORBIDDEN).await, "quota_exceeded");
    assert_eq!(
        vault.app.send(Method::DELETE, &path, &token, None).await.status(),
        StatusCode::NO_CONTENT
    );
    vault.uploaded(&token, "c.pdf", pdf(400, 3), &[]).await;
    assert_eq!(
        vault.app.get_json("/v1/me", &token).await["storage_used_bytes"],
        2900
    );
}

on_both_setups!(
    concurrent_uploads_cannot_together_pass_the_quota,
    the_quota_is_reached_exactly_and_freed_by_deleting,
    the_quota_follows_the_plan_both_ways_and_a_downgrade_keeps_every_document,
);
