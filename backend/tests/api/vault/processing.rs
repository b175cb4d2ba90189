//! The processing job: bombs, broken images and files changed behind our back fail
//! cleanly; the service carries on.

use reqwest::StatusCode;

use super::samples::{pdf, png, png_bomb};
use super::{Setup, VaultApp, on_both_setups};

async fn a_png_declaring_fifty_thousand_pixels_square_fails_without_a_thumbnail(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let document = vault
        .uploaded(&token, "bomb.png", png_bomb(50_000, 50_000), &[])
        .await;
    let id = document["id"].as_str().unwrap();
    let failed = vault.settled(&token, id).await;
    assert_eq!(failed["status"], "failed");
    let reason = failed["failure_reason"].as_str().unwrap();
    assert!(reason.contains("50000 × 50000"), "{reason}");
    assert_eq!(failed["thumbnail_url"], serde_json::Value::Null);
    let thumbnail = vault
        .app
        .get(&format!("/v1/documents/{id}/thumbnail"), Some(&token))
        .await;
    assert_eq!(thumbnail.status(), StatusCode::NOT_FOUND);
    assert_eq!(vault.objects_after_jobs().await.len(), 1, "only the original");
    // The worker is alive: the next image is processed.
    let next = vault.uploaded(&token, "fine.png", png(10, 10), &[]).await;
    assert_eq!(
        vault.settled(&token, next["id"].as_str().unwrap()).await["status"],
        "ready"
    );
}

async fn an_image_that_does_not_decode_fails_with_a_reason(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let token = vault.user().await;
    let mut broken = png(50, 50);
    broken.truncate(60);
    let document = vault.uploaded(&token, "broken.png", broken, &[]).await;
    let failed = vault.settled(&token, document["id"].as_str().unwrap()).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["failure_reason"]
            .as_str()
            .unwrap()
            .starts_with("The image could not be read")
    );
}

async fn a_stored_file_changed_after_upload_fails_its_check(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("JOB_WORKERS", "0")]).await;
    let token = vault.user().await;
    let document = vault.uploaded(&token, "a.pdf", pdf(1000, 1), &[]).await;
    let id = document["id"].as_str().unwrap();
    // Replace the stored object with other bytes before any worker runs.
    let key = vault.objects().await.remove(0);
    let other = std::env::temp_dir().join(format!("softly-other-{}", uuid::Uuid::now_v7().simple()));
    std::fs::write(&other, pdf(1000, 2)).unwrap();
    let store = vault.app.wired.platform.storage.clone();
    let key = softly::platform::storage::ObjectKey::parse(&key).unwrap();
    store.put_file(&key, &other, "application/pdf").await.unwrap();
    let workers = vault.app.wired.start_workers(1);
    let failed = vault.settled(&token, id).await;
    workers.shutdown(std::time::Duration::from_secs(5)).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(
        failed["failure_reason"],
        "The stored file does not match what was uploaded."
    );
}

on_both_setups!(
    a_png_declaring_fifty_thousand_pixels_square_fails_without_a_thumbnail,
    an_image_that_does_not_decode_fails_with_a_reason,
    a_stored_file_changed_after_upload_fails_its_check,
);
