//! Presigned URLs against s3s-fs, an S3 server that verifies signatures and expiry:
//! the URLs the API hands out work, tampered ones do not, and expired ones stop working.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use reqwest::StatusCode;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use softly::platform::storage::{Delivery, DownloadAs, ObjectKey, ObjectStore};
use tokio::net::TcpListener;

use super::direct_upload::{announce, checksum, send};
use super::samples::pdf;
use super::{Setup, VaultApp, create_bucket_with_keys};
use crate::helpers::test_service;

/// s3s-fs on a loopback port, accepting the credentials of this process's AWS chain
/// (the application under test signs with them).
async fn start_s3s() -> String {
    let key = test_service("AWS_ACCESS_KEY_ID");
    let secret = test_service("AWS_SECRET_ACCESS_KEY");
    start_s3s_accepting(&key, &secret).await.0
}

/// s3s-fs on a loopback port accepting only `key`/`secret`; answers its endpoint and
/// the folder it keeps buckets in (one folder per bucket).
pub async fn start_s3s_accepting(key: &str, secret: &str) -> (String, std::path::PathBuf) {
    let (key, secret) = (key.to_string(), secret.to_string());
    let root = std::env::temp_dir().join(format!("softly-s3s-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&root).unwrap();
    let mut builder = S3ServiceBuilder::new(s3s_fs::FileSystem::new(&root).unwrap());
    builder.set_auth(SimpleAuth::from_single(key, secret));
    let service = builder.build();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let service = service.clone();
            tokio::spawn(async move {
                let _ = Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    (format!("http://{address}"), root)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(all(softly_test_postgres, softly_test_s3)),
    ignore = "set SOFTLY_TEST_DATABASE_URL and SOFTLY_TEST_S3_ENDPOINT (with AWS_ACCESS_KEY_ID/SECRET) to run"
)]
async fn presigned_uploads_and_downloads_work_and_tampering_is_refused() {
    let endpoint = start_s3s().await;
    let Setup::S3 { database, .. } = Setup::s3() else {
        unreachable!("Setup::s3 is the S3 setup")
    };
    let vault = VaultApp::spawn(Setup::S3 { database, endpoint }).await;
    let token = vault.user().await;
    let bytes = pdf(4000, 1);
    let ticket = announce(&vault, &token, bytes.len(), &checksum(&bytes), "application/pdf").await;

    let mut tampered = ticket.clone();
    let url = ticket["url"].as_str().unwrap();
    let forged = url.replace("X-Amz-Signature=", "X-Amz-Signature=0");
    tampered["url"] = serde_json::Value::String(forged[..forged.len() - 1].to_string());
    assert_eq!(
        send(&vault, &tampered, bytes.clone()).await,
        StatusCode::FORBIDDEN
    );
    let mut unsigned_header = ticket.clone();
    unsigned_header["headers"]["content-type"] = "text/html".into();
    assert_eq!(
        send(&vault, &unsigned_header, bytes.clone()).await,
        StatusCode::FORBIDDEN
    );

    // The URL admits only the announced content: other bytes are refused by S3 itself,
    // and so is another length (it is signed).
    assert_eq!(send(&vault, &ticket, pdf(4000, 2)).await, StatusCode::BAD_REQUEST);
    assert_eq!(send(&vault, &ticket, pdf(4100, 1)).await, StatusCode::FORBIDDEN);
    assert_eq!(send(&vault, &ticket, bytes.clone()).await, StatusCode::OK);
    let path = format!(
        "/v1/documents/uploads/{}/complete",
        ticket["upload_id"].as_str().unwrap()
    );
    let response = vault
        .app
        .send(reqwest::Method::POST, &path, &token, Some(serde_json::json!({})))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = ticket["upload_id"].as_str().unwrap();
    let (status, _, body) = vault.fetch(&format!("/v1/documents/{id}/file"), &token).await;
    assert_eq!((status, body), (StatusCode::OK, bytes));

    let download = vault
        .app
        .get(&format!("/v1/documents/{id}/file"), Some(&token))
        .await;
    let location = download.headers()["location"].to_str().unwrap().to_string();
    let forged = location.replace(
        "response-content-type=application%2Fpdf",
        "response-content-type=text%2Fhtml",
    );
    assert_ne!(forged, location);
    assert_eq!(
        reqwest::get(forged).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presigned_urls_stop_working_when_they_expire() {
    // The server and the store share keys of their own: nothing from the environment.
    let (endpoint, _) = start_s3s_accepting("TESTKEY", "test-secret").await;
    let s3 = create_bucket_with_keys(&endpoint, "TESTKEY", "test-secret").await;
    let store: Arc<dyn ObjectStore> = Arc::new(s3.clone());
    let key = ObjectKey::parse("documents/expiry/original").unwrap();
    let put = store
        .presign_put(
            &key,
            "application/pdf",
            &checksum(&pdf(100, 1)),
            pdf(100, 1).len() as u64,
            Duration::from_secs(1),
            "unused: S3 takes uploads itself",
        )
        .await
        .unwrap();
    let download = DownloadAs {
        content_type: "application/pdf",
        content_disposition: "attachment",
        expires_in: Duration::from_secs(1),
    };
    let Some(Delivery::Redirect(get)) = store.deliver(&key, download).await.unwrap() else {
        panic!("S3 delivers by redirect");
    };
    let client = reqwest::Client::new();
    let put_now = |body: Vec<u8>| {
        let mut request = client.put(&put.url).body(body);
        for (name, value) in &put.headers {
            request = request.header(name, value);
        }
        request.send()
    };
    assert_eq!(put_now(pdf(100, 1)).await.unwrap().status(), StatusCode::OK);
    assert_eq!(reqwest::get(&get).await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        put_now(pdf(100, 2)).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(reqwest::get(&get).await.unwrap().status(), StatusCode::FORBIDDEN);
}
