//! The vault's periodic clean-ups: expired uploads, and deletions that gave up.

use softly::platform::jobs::{self, Job};

use super::direct_upload::{land, used_bytes};
use super::samples::pdf;
use super::{Setup, VaultApp, on_both_setups};

async fn run<J: Job>(vault: &VaultApp, job: J) {
    let mut conn = vault.app.db.pool().acquire().await.unwrap();
    jobs::enqueue(&mut conn, &job, vault.app.now_ms()).await.unwrap();
    drop(conn);
    vault.app.wired.platform.jobs.wake();
    vault.app.wait_for_jobs().await;
}

async fn expired_uploads_go_with_their_objects_and_live_ones_stay(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("SCHEDULER_TICK_MS", "0")]).await;
    let token = vault.user().await;
    let expired = land(&vault, &token, &pdf(300, 1)).await;
    let live = land(&vault, &token, &pdf(300, 2)).await;
    sqlx::query("UPDATE uploads SET expires_at = 0 WHERE id = $1")
        .bind(&expired)
        .execute(vault.app.db.pool())
        .await
        .unwrap();
    assert_eq!(vault.objects().await.len(), 2);
    assert_eq!(used_bytes(&vault, &token).await, 600, "both hold their size");
    run(&vault, softly::vault::PurgeExpiredUploads {}).await;
    assert_eq!(
        used_bytes(&vault, &token).await,
        300,
        "the expired one gave its size back"
    );
    let left = vault.objects().await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].contains(&live));
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM uploads").await, 1);
}

async fn deletions_that_gave_up_are_retried(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("SCHEDULER_TICK_MS", "0")]).await;
    let token = vault.user().await;
    land(&vault, &token, &pdf(300, 3)).await;
    let key = vault.objects().await.remove(0);
    let payload = serde_json::json!({ "keys": [key] }).to_string();
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at)
         VALUES ('gave-up', $1, $2, 'dead', 30, 30, 0, 0, 0)",
    )
    .bind(softly::vault::DeleteObjects::KIND)
    .bind(payload)
    .execute(vault.app.db.pool())
    .await
    .unwrap();
    run(&vault, softly::vault::RetryStuckDeletions {}).await;
    assert!(
        vault.objects().await.is_empty(),
        "the retried deletion removed the object"
    );
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM jobs").await, 0);
}

on_both_setups!(
    expired_uploads_go_with_their_objects_and_live_ones_stay,
    deletions_that_gave_up_are_retried,
);
