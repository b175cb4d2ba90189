//! Events between capabilities, seen through the vault: an account's deletion reaches
//! the vault as `accounts.user_deleted`, a delivery that is a row of the deleting
//! transaction.

use std::time::Duration;

use reqwest::StatusCode;
use softly::accounts::UserDeleted;

use super::samples::pdf;
use super::{Setup, VaultApp, on_both_setups};
use crate::helpers::bearer;

/// A user with two documents, processed; their id and token.
async fn user_with_documents(vault: &VaultApp) -> (String, String) {
    let (_, pair) = vault.app.verified_user().await;
    let token = bearer(&pair).to_string();
    vault.uploaded(&token, "a.pdf", pdf(400, 1), &[]).await;
    vault.uploaded(&token, "b.pdf", pdf(500, 2), &[]).await;
    let user_id = vault.app.get_json("/v1/me", &token).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(vault.objects_after_jobs().await.len(), 2);
    (user_id, token)
}

async fn an_event_published_in_a_change_that_rolls_back_is_never_delivered(setup: Setup) {
    let vault = VaultApp::spawn(setup).await;
    let (user_id, token) = user_with_documents(&vault).await;
    let work = vault.app.wired.platform.work();

    let mut change = work.begin().await.unwrap();
    change
        .publish(&UserDeleted {
            user_id: user_id.clone(),
        })
        .await
        .unwrap();
    drop(change); // rolled back
    vault.app.wired.platform.jobs.wake();
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM jobs").await, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(vault.objects_after_jobs().await.len(), 2);
    let listed = vault.app.get_json("/v1/documents", &token).await;
    assert_eq!(listed["documents"].as_array().unwrap().len(), 2);

    // The same event, committed, is delivered: the vault forgets the user.
    let mut change = work.begin().await.unwrap();
    change.publish(&UserDeleted { user_id }).await.unwrap();
    change.commit().await.unwrap();
    assert!(vault.objects_after_jobs().await.is_empty());
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
}

async fn a_deletion_committed_before_a_crash_still_removes_every_object(setup: Setup) {
    let vault = VaultApp::spawn_with(setup, &[("JOB_WORKERS", "0")]).await;
    let workers = vault.app.wired.start_workers(1);
    let (_, token) = user_with_documents(&vault).await;
    // The process's workers die with it: nothing runs after the commit.
    workers.shutdown(Duration::from_secs(1)).await;

    let response = vault.app.delete_account(&token).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(vault.objects().await.len(), 2, "nothing removed yet");
    assert_eq!(
        vault
            .app
            .count("SELECT COUNT(*) FROM jobs WHERE kind = 'vault.forget_deleted_user'")
            .await,
        1,
        "the delivery waits in the database"
    );

    // A process that starts later finds the delivery and finishes the work.
    let workers = vault.app.wired.start_workers(1);
    let left = vault.objects_after_jobs().await;
    workers.shutdown(Duration::from_secs(1)).await;
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 0);
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM vault_usage").await, 0);
}

on_both_setups!(
    an_event_published_in_a_change_that_rolls_back_is_never_delivered,
    a_deletion_committed_before_a_crash_still_removes_every_object,
);
