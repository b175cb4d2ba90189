//! The vault suite. Every scenario runs twice: SQLite with local disk, and PostgreSQL
//! with an S3-compatible server (moto in CI). Presigned-URL signatures and expiry are
//! checked against s3s-fs, which verifies them (moto does not).

mod contention;
mod direct_upload;
mod documents;
mod events;
mod files;
mod large_bodies;
mod maintenance;
mod memory;
mod presigned;
mod processing;
mod quota;
mod refusals;
pub(crate) mod samples;
mod task_role;
mod upload;

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use softly::config::S3Settings;
use softly::platform::storage::S3Store;

use crate::helpers::{Backend, TestApp, bearer, test_service};

/// Where a scenario runs.
pub enum Setup {
    /// SQLite and local disk: the embedded default.
    Disk,
    /// PostgreSQL and an S3-compatible server.
    S3 { database: String, endpoint: String },
}

impl Setup {
    /// PostgreSQL and S3 as configured (their variants are ignored when the tests were
    /// built without them).
    pub fn s3() -> Self {
        Self::S3 {
            database: test_service("SOFTLY_TEST_DATABASE_URL"),
            endpoint: test_service("SOFTLY_TEST_S3_ENDPOINT"),
        }
    }
}

/// Runs each named `async fn(Setup)` on both setups.
macro_rules! on_both_setups {
    ($($name:ident),* $(,)?) => {
        mod sqlite_disk {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::vault::Setup::Disk).await;
                }
            )*
        }
        mod postgres_s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(all(softly_test_postgres, softly_test_s3)),
                    ignore = "set SOFTLY_TEST_DATABASE_URL and SOFTLY_TEST_S3_ENDPOINT (with AWS_ACCESS_KEY_ID/SECRET) to run"
                )]
                async fn $name() {
                    super::$name($crate::vault::Setup::s3()).await;
                }
            )*
        }
    };
}
pub(crate) use on_both_setups;

/// A running application with its store, and a way to look into the store.
pub struct VaultApp {
    pub app: TestApp,
    pub s3: Option<S3Store>,
}

/// A fresh bucket on `endpoint`.
pub async fn create_bucket(endpoint: &str) -> S3Store {
    in_new_bucket(S3Store::connect(&settings(endpoint)).unwrap()).await
}

/// A fresh bucket on `endpoint`, reached with these keys.
pub async fn create_bucket_with_keys(endpoint: &str, key: &str, secret: &str) -> S3Store {
    in_new_bucket(S3Store::connect_with_keys(&settings(endpoint), key, secret).unwrap()).await
}

/// A fresh bucket on `endpoint` whose writes ask for SSE-KMS with `kms_key_id`.
pub async fn create_bucket_with_kms_key(endpoint: &str, kms_key_id: &str) -> S3Store {
    let settings = S3Settings {
        kms_key_id: Some(kms_key_id.into()),
        ..settings(endpoint)
    };
    in_new_bucket(S3Store::connect(&settings).unwrap()).await
}

fn settings(endpoint: &str) -> S3Settings {
    S3Settings {
        bucket: format!("softly-vault-{}", uuid::Uuid::now_v7().simple()),
        region: "eu-west-2".into(),
        endpoint: Some(endpoint.to_string()),
        kms_key_id: None,
    }
}

async fn in_new_bucket(s3: S3Store) -> S3Store {
    let location = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                    <LocationConstraint>eu-west-2</LocationConstraint></CreateBucketConfiguration>";
    s3.request(Method::PUT, None, &[], location.into())
        .await
        .expect("the test bucket is created");
    s3
}

impl VaultApp {
    pub async fn spawn(setup: Setup) -> Self {
        Self::spawn_with(setup, &[]).await
    }

    pub async fn spawn_with(setup: Setup, extra: &[(&str, &str)]) -> Self {
        match setup {
            Setup::Disk => Self {
                app: TestApp::spawn_with(Backend::Sqlite, extra).await,
                s3: None,
            },
            Setup::S3 { database, endpoint } => {
                let s3 = create_bucket(&endpoint).await;
                let mut env = vec![
                    ("S3_BUCKET", s3.bucket()),
                    ("S3_ENDPOINT", endpoint.as_str()),
                    ("AWS_REGION", "eu-west-2"),
                ];
                env.extend_from_slice(extra);
                Self {
                    app: TestApp::spawn_with(Backend::Postgres(database), &env).await,
                    s3: Some(s3.clone()),
                }
            }
        }
    }

    /// A new signed-in user's access token.
    pub async fn user(&self) -> String {
        let (_, pair) = self.app.verified_user().await;
        bearer(&pair).to_string()
    }

    /// `POST /v1/documents` with `bytes` as the file and the given text fields.
    pub async fn upload(
        &self,
        token: &str,
        filename: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> Response {
        let part = Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str("application/octet-stream")
            .unwrap();
        let mut form = Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        self.app
            .request(Method::POST, "/v1/documents")
            .bearer_auth(token)
            .multipart(form.part("file", part))
            .send()
            .await
            .unwrap()
    }

    /// Uploads and answers the new document, asserting 201.
    pub async fn uploaded(
        &self,
        token: &str,
        filename: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> Value {
        let response = self.upload(token, filename, bytes, fields).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{:?}",
            response.text().await
        );
        response.json::<Value>().await.unwrap()["document"].clone()
    }

    /// The document once processing has settled (at most ten seconds).
    pub async fn settled(&self, token: &str, id: &str) -> Value {
        for _ in 0..200 {
            let document = self.app.get_json(&format!("/v1/documents/{id}"), token).await["document"].clone();
            if document["status"] != "processing" {
                return document;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("document {id} still processing after ten seconds");
    }

    /// GETs `path`; a redirect to the store is followed as a browser would, without
    /// our token. Answers the final status, headers and body.
    pub async fn fetch(&self, path: &str, token: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let response = self.app.get(path, Some(token)).await;
        let response = if response.status() == StatusCode::FOUND {
            assert!(self.s3.is_some(), "only S3 redirects downloads");
            let location = response.headers()["location"].to_str().unwrap().to_string();
            reqwest::get(location).await.unwrap()
        } else {
            assert!(self.s3.is_none(), "S3 downloads are redirects");
            response
        };
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.bytes().await.unwrap().to_vec())
    }

    /// Every object in the store, sorted.
    pub async fn objects(&self) -> Vec<String> {
        let mut keys = match &self.s3 {
            Some(s3) => {
                // ListObjectsV2: each object's key in a <Key> element (tests keep fewer
                // than a page of 1000).
                let listed = s3
                    .request(Method::GET, None, &[], Default::default())
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                listed
                    .split("<Key>")
                    .skip(1)
                    .filter_map(|rest| rest.split_once("</Key>").map(|(key, _)| key.to_string()))
                    .collect()
            }
            None => walk(&self.app.data_dir.join("objects")),
        };
        keys.sort();
        keys
    }

    /// The store once background jobs have run.
    pub async fn objects_after_jobs(&self) -> Vec<String> {
        self.app.wait_for_jobs().await;
        self.objects().await
    }
}

/// Files below `root`, as keys relative to it.
fn walk(root: &PathBuf) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    found
}

/// The `code` of a problem answer, asserting its status.
pub async fn code_of(response: Response, status: StatusCode) -> String {
    crate::helpers::problem_code(response, status).await
}
