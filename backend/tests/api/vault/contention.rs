//! Many writers at once on SQLite: every write transaction takes the write lock when it
//! begins and waits its turn on the busy timeout, so contention is slowness, never a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::samples::pdf;
use super::{Setup, VaultApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_deletes_uploads_and_edits_all_succeed_on_sqlite() {
    let vault = VaultApp::spawn(Setup::Disk).await;
    let token = vault.user().await;
    let mut ids = Vec::new();
    for i in 0..80 {
        let document = vault.uploaded(&token, "d.pdf", pdf(300, i as u8), &[]).await;
        ids.push(document["id"].as_str().unwrap().to_string());
    }
    let (to_delete, to_edit) = ids.split_at(40);
    let (vault, token) = (&vault, token.as_str());
    let deletes = to_delete.iter().map(|id| {
        let path = format!("/v1/documents/{id}");
        async move { vault.app.send(Method::DELETE, &path, token, None).await.status() }
    });
    let edits = to_edit.iter().map(|id| {
        let path = format!("/v1/documents/{id}");
        let body = json!({"title": "Renamed", "expires_on": "2031-01-31"});
        async move {
            vault
                .app
                .send(Method::PATCH, &path, token, Some(body))
                .await
                .status()
        }
    });
    let uploads = (0..40).map(|i| async move {
        vault
            .upload(token, "new.pdf", pdf(300, 100 + i as u8), &[])
            .await
            .status()
    });
    let (deleted, edited, uploaded) = tokio::join!(
        futures_util::future::join_all(deletes),
        futures_util::future::join_all(edits),
        futures_util::future::join_all(uploads),
    );
    let count =
        |statuses: &[StatusCode], wanted: StatusCode| statuses.iter().filter(|s| **s == wanted).count();
    assert_eq!(
        count(&deleted, StatusCode::NO_CONTENT),
        40,
        "deletes: {deleted:?}"
    );
    assert_eq!(count(&edited, StatusCode::OK), 40, "edits: {edited:?}");
    assert_eq!(count(&uploaded, StatusCode::CREATED), 40, "uploads: {uploaded:?}");
    assert_eq!(vault.app.count("SELECT COUNT(*) FROM documents").await, 80);
    assert_eq!(
        vault
            .app
            .count("SELECT COUNT(*) FROM documents WHERE title = 'Renamed'")
            .await,
        40
    );
}
