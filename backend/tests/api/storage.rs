//! The object store contract, on local disk always and on an S3-compatible server when
//! `SOFTLY_TEST_S3_ENDPOINT` names one (CI starts moto's server mode).

use std::path::PathBuf;
use std::sync::Arc;

use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use softly::config::Secret;
use softly::platform::clock::{Clock, ClockHandle};
use softly::platform::storage::{
    ByteStream, Delivery, DownloadAs, LocalDisk, ObjectKey, ObjectStore, ReceiveError, S3Store, SignedPut,
};

use crate::helpers::test_service;

/// Which store a test runs on.
enum Store {
    Disk,
    S3(String),
}

impl Store {
    fn s3() -> Self {
        Self::S3(test_service("SOFTLY_TEST_S3_ENDPOINT"))
    }
}

/// A fresh store: a new folder, or a new bucket.
struct Fixture {
    store: Arc<dyn ObjectStore>,
    s3: Option<S3Store>,
    scratch: PathBuf,
}

impl Fixture {
    async fn new(kind: Store) -> Self {
        let scratch = std::env::temp_dir().join(format!("softly-storage-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&scratch).unwrap();
        match kind {
            Store::Disk => Self {
                store: Arc::new(disk(&scratch, Clock::system())),
                s3: None,
                scratch,
            },
            Store::S3(endpoint) => {
                let s3 = crate::vault::create_bucket(&endpoint).await;
                Self {
                    store: Arc::new(s3.clone()),
                    s3: Some(s3),
                    scratch,
                }
            }
        }
    }

    /// A file of `len` pseudo-random bytes in the scratch folder.
    fn file(&self, name: &str, len: usize, seed: u8) -> (PathBuf, Vec<u8>) {
        let mut state = u32::from(seed).wrapping_mul(2_654_435_761) | 1;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        let path = self.scratch.join(name);
        std::fs::write(&path, &bytes).unwrap();
        (path, bytes)
    }

    async fn read(&self, key: &ObjectKey) -> Option<Vec<u8>> {
        let object = self.store.get(key).await.unwrap()?;
        let chunks: Vec<bytes::Bytes> = object.body.try_collect().await.unwrap();
        let bytes = chunks.concat();
        assert_eq!(object.size, bytes.len() as u64);
        Some(bytes)
    }
}

const SECRET: &str = "a-secret-key-base-for-the-storage-tests-0123456789";

fn disk(scratch: &std::path::Path, clock: Clock) -> LocalDisk {
    LocalDisk::new(scratch.join("objects"), &Secret::new(SECRET), clock)
}

macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod disk {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(super::Store::Disk).await;
                }
            )*
        }
        mod s3 {
            $(
                #[tokio::test]
                #[cfg_attr(not(softly_test_s3), ignore = "set SOFTLY_TEST_S3_ENDPOINT (moto's server, with AWS_ACCESS_KEY_ID/SECRET) to run")]
                async fn $name() {
                    super::$name(super::Store::s3()).await;
                }
            )*
        }
    };
}

fn key(raw: &str) -> ObjectKey {
    ObjectKey::parse(raw).unwrap()
}

async fn a_stored_file_reads_back_byte_for_byte(kind: Store) {
    let fixture = Fixture::new(kind).await;
    let (path, bytes) = fixture.file("upload", 3 * 1024 * 1024 + 17, 1);
    let key = key("documents/a/original");
    fixture
        .store
        .put_file(&key, &path, "application/pdf")
        .await
        .unwrap();
    assert_eq!(fixture.store.size(&key).await.unwrap(), Some(bytes.len() as u64));
    assert_eq!(fixture.read(&key).await.unwrap(), bytes);
}

async fn storing_again_replaces_the_whole_object(kind: Store) {
    let fixture = Fixture::new(kind).await;
    let key = key("documents/b/original");
    let (long, _) = fixture.file("long", 100_000, 2);
    let (short, short_bytes) = fixture.file("short", 10, 3);
    fixture.store.put_file(&key, &long, "image/png").await.unwrap();
    fixture.store.put_file(&key, &short, "image/png").await.unwrap();
    assert_eq!(fixture.read(&key).await.unwrap(), short_bytes);
}

async fn a_missing_object_has_no_size_and_no_body(kind: Store) {
    let fixture = Fixture::new(kind).await;
    let key = key("documents/never/original");
    assert_eq!(fixture.store.size(&key).await.unwrap(), None);
    assert!(fixture.read(&key).await.is_none());
}

async fn deleting_removes_the_object_and_deleting_again_succeeds(kind: Store) {
    let fixture = Fixture::new(kind).await;
    let key = key("documents/c/original");
    let (path, _) = fixture.file("doomed", 1000, 4);
    fixture.store.put_file(&key, &path, "image/jpeg").await.unwrap();
    fixture.store.delete(&key).await.unwrap();
    assert_eq!(fixture.store.size(&key).await.unwrap(), None);
    fixture.store.delete(&key).await.unwrap();
    // The source file is the caller's: storing does not consume it.
    assert!(path.exists());
}

async fn an_empty_file_is_an_empty_object(kind: Store) {
    let fixture = Fixture::new(kind).await;
    let key = key("documents/d/original");
    let (path, _) = fixture.file("empty", 0, 5);
    fixture
        .store
        .put_file(&key, &path, "application/octet-stream")
        .await
        .unwrap();
    assert_eq!(fixture.read(&key).await.unwrap(), Vec::<u8>::new());
}

async fn a_temporary_file_is_stored_whole_and_may_be_moved(kind: Store) {
    let fixture = Fixture::new(kind).await;
    let key = key("documents/g/original");
    let (path, bytes) = fixture.file("temporary", 200_000, 8);
    fixture
        .store
        .put_temp_file(&key, &path, "application/pdf")
        .await
        .unwrap();
    assert_eq!(fixture.read(&key).await.unwrap(), bytes);
    if fixture.s3.is_none() {
        assert!(!path.exists(), "local disk moves the file instead of copying it");
    }
}

on_both_stores!(
    a_stored_object_is_delivered_and_a_missing_one_is_not_on_disk,
    a_stored_file_reads_back_byte_for_byte,
    storing_again_replaces_the_whole_object,
    a_missing_object_has_no_size_and_no_body,
    deleting_removes_the_object_and_deleting_again_succeeds,
    an_empty_file_is_an_empty_object,
    a_temporary_file_is_stored_whole_and_may_be_moved,
);

#[tokio::test]
#[cfg_attr(
    not(softly_test_s3),
    ignore = "set SOFTLY_TEST_S3_ENDPOINT (moto's server, with AWS_ACCESS_KEY_ID/SECRET) to run"
)]
async fn every_s3_write_asks_for_server_side_encryption() {
    let fixture = Fixture::new(Store::s3()).await;
    let key = key("documents/e/original");
    let (path, _) = fixture.file("secret", 100, 6);
    fixture.store.put_file(&key, &path, "image/png").await.unwrap();
    let s3 = fixture.s3.as_ref().unwrap();
    let head = s3
        .request(reqwest::Method::HEAD, Some(&key), &[], Bytes::new())
        .await
        .unwrap();
    assert_eq!(head.headers()["x-amz-server-side-encryption"], "AES256");
    assert_eq!(head.headers()["content-type"], "image/png");
}

#[tokio::test]
#[cfg_attr(
    not(softly_test_s3),
    ignore = "set SOFTLY_TEST_S3_ENDPOINT (moto's server, with AWS_ACCESS_KEY_ID/SECRET) to run"
)]
async fn with_a_kms_key_configured_every_s3_write_asks_for_that_key() {
    let endpoint = test_service("SOFTLY_TEST_S3_ENDPOINT");
    let kms_key = "arn:aws:kms:eu-west-2:123456789012:key/0b7a1e5c-3f2d-4c8e-9a61-5d2f8e4b7c90";
    let s3 = crate::vault::create_bucket_with_kms_key(&endpoint, kms_key).await;
    let scratch = std::env::temp_dir().join(format!("softly-kms-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&scratch).unwrap();
    let path = scratch.join("secret");
    std::fs::write(&path, b"a passport scan").unwrap();
    let key = key("documents/k/original");
    s3.put_file(&key, &path, "image/png").await.unwrap();
    let head = s3
        .request(reqwest::Method::HEAD, Some(&key), &[], Bytes::new())
        .await
        .unwrap();
    assert_eq!(head.headers()["x-amz-server-side-encryption"], "aws:kms");
    assert_eq!(
        head.headers()["x-amz-server-side-encryption-aws-kms-key-id"],
        kms_key
    );
    let _ = std::fs::remove_dir_all(&scratch);
}

#[tokio::test]
async fn a_disk_write_leaves_no_temporary_files() {
    let fixture = Fixture::new(Store::Disk).await;
    let key = key("documents/f/original");
    let (path, _) = fixture.file("clean", 5000, 7);
    fixture.store.put_file(&key, &path, "image/png").await.unwrap();
    let folder = fixture.scratch.join("objects/documents/f");
    let names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["original"]);
}

fn download() -> DownloadAs<'static> {
    DownloadAs {
        content_type: "application/pdf",
        content_disposition: "attachment",
        expires_in: Duration::from_secs(60),
    }
}

async fn a_stored_object_is_delivered_and_a_missing_one_is_not_on_disk(kind: Store) {
    let fixture = Fixture::new(kind).await;
    let key = key("documents/g/original");
    let (path, bytes) = fixture.file("g", 3000, 5);
    fixture
        .store
        .put_file(&key, &path, "application/pdf")
        .await
        .unwrap();
    match fixture.store.deliver(&key, download()).await.unwrap().unwrap() {
        // A store that redirects signs a URL whose GET answers the bytes.
        Delivery::Redirect(url) => {
            assert!(fixture.s3.is_some());
            let fetched = reqwest::get(url).await.unwrap().bytes().await.unwrap();
            assert_eq!(fetched.to_vec(), bytes);
        }
        Delivery::Stream(object) => {
            assert!(fixture.s3.is_none());
            let chunks: Vec<Bytes> = object.body.try_collect().await.unwrap();
            assert_eq!(chunks.concat(), bytes);
        }
    }
    if fixture.s3.is_none() {
        let none = ObjectKey::parse("documents/none/original").unwrap();
        assert!(fixture.store.deliver(&none, download()).await.unwrap().is_none());
    }
}

fn body(bytes: Vec<u8>) -> ByteStream {
    Box::pin(futures_util::stream::iter([Ok(Bytes::from(bytes))]))
}

/// The local store's own upload URL: its expiry and signature as they are in the query.
async fn signed_url(store: &LocalDisk, key: &ObjectKey) -> (i64, String) {
    let presigned = store
        .presign_put(
            key,
            "application/pdf",
            "",
            100,
            Duration::from_secs(900),
            "http://api/receive",
        )
        .await
        .unwrap();
    assert_eq!(presigned.method, "PUT");
    let query = presigned.url.strip_prefix("http://api/receive?").unwrap();
    let (expires, signature) = query.split_once("&signature=").unwrap();
    let expires = expires.strip_prefix("expires=").unwrap().parse().unwrap();
    (expires, signature.to_string())
}

fn local(clock: Clock) -> (LocalDisk, PathBuf) {
    let scratch = std::env::temp_dir().join(format!("softly-signed-{}", uuid::Uuid::now_v7().simple()));
    (disk(&scratch, clock), scratch)
}

#[tokio::test]
async fn a_disk_upload_url_stores_the_body_for_its_key_only_until_it_expires() {
    let (clock, handle): (Clock, ClockHandle) = Clock::adjustable();
    let (store, _scratch) = local(clock);
    let key = key("documents/s/original");
    let (expires, signature) = signed_url(&store, &key).await;
    let signed = SignedPut {
        expires_secs: expires,
        signature: &signature,
    };

    let other = ObjectKey::parse("documents/t/original").unwrap();
    let refused = store.receive(&other, signed, body(b"x".to_vec()), 100).await;
    assert!(
        matches!(refused, Err(ReceiveError::InvalidSignature)),
        "{refused:?}"
    );
    let later = SignedPut {
        expires_secs: expires + 1,
        ..signed
    };
    let refused = store.receive(&key, later, body(b"x".to_vec()), 100).await;
    assert!(
        matches!(refused, Err(ReceiveError::InvalidSignature)),
        "{refused:?}"
    );
    assert!(store.size(&key).await.unwrap().is_none());

    store
        .receive(&key, signed, body(b"%PDF-1.4".to_vec()), 100)
        .await
        .unwrap();
    assert_eq!(store.size(&key).await.unwrap(), Some(8));

    handle.advance(Duration::from_secs(901));
    let refused = store.receive(&key, signed, body(b"%PDF-2".to_vec()), 100).await;
    assert!(matches!(refused, Err(ReceiveError::Expired)), "{refused:?}");
    assert_eq!(
        store.size(&key).await.unwrap(),
        Some(8),
        "the object is unchanged"
    );
}

#[tokio::test]
async fn a_disk_upload_over_its_limit_stores_nothing_and_leaves_no_temporary_file() {
    let (store, scratch) = local(Clock::system());
    let key = key("documents/u/original");
    let (expires, signature) = signed_url(&store, &key).await;
    let signed = SignedPut {
        expires_secs: expires,
        signature: &signature,
    };
    let refused = store.receive(&key, signed, body(vec![7; 101]), 100).await;
    assert!(matches!(refused, Err(ReceiveError::TooLarge)), "{refused:?}");
    assert!(store.size(&key).await.unwrap().is_none());
    let left = std::fs::read_dir(scratch.join("objects/documents/u"))
        .unwrap()
        .count();
    assert_eq!(left, 0, "no temporary file is left");
    store
        .receive(&key, signed, body(vec![7; 100]), 100)
        .await
        .unwrap();
    assert_eq!(
        store.size(&key).await.unwrap(),
        Some(100),
        "exactly the limit is accepted"
    );
}

#[tokio::test]
async fn deleting_the_last_object_of_a_folder_removes_the_folders_it_empties_on_disk() {
    let fixture = Fixture::new(Store::Disk).await;
    let (path, _) = fixture.file("any", 10, 1);
    let original = key("documents/u1/d1/original");
    let thumbnail = key("documents/u1/d1/thumbnail.jpg");
    let other = key("documents/u1/d2/original");
    for key in [&original, &thumbnail, &other] {
        fixture.store.put_file(key, &path, "image/png").await.unwrap();
    }
    let objects = fixture.scratch.join("objects");
    fixture.store.delete(&original).await.unwrap();
    assert!(
        objects.join("documents/u1/d1").exists(),
        "the thumbnail is still there"
    );
    fixture.store.delete(&thumbnail).await.unwrap();
    assert!(!objects.join("documents/u1/d1").exists());
    assert!(
        objects.join("documents/u1").exists(),
        "another document is still there"
    );
    fixture.store.delete(&other).await.unwrap();
    assert!(!objects.join("documents").exists());
    assert!(objects.exists(), "the root stays");
    fixture.store.put_file(&other, &path, "image/png").await.unwrap();
    assert_eq!(
        fixture.read(&other).await.unwrap().len(),
        10,
        "writing makes the folders again"
    );
}
