use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use futures_util::TryStreamExt;
use reqwest::{Method, StatusCode, Url};
use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use super::{BoxFuture, Delivery, DownloadAs, ObjectKey, ObjectStore, Presigned, StoredObject};
use crate::config::S3Settings;
use crate::platform::aws::{AwsClient, AwsError, Body, Credentials, Keys, Request};

/// Objects in one S3 bucket, through S3's REST API signed with SigV4. Credentials come
/// from the standard chain (environment, profile, the ECS task role): see
/// [`crate::platform::aws::credentials`]. Every write asks for server-side encryption:
/// with the configured KMS key, else with S3's own keys.
#[derive(Clone)]
pub struct S3Store {
    aws: AwsClient,
    bucket: String,
    /// The bucket's URL, ending in `/`: virtual-hosted on AWS, path-style on an
    /// S3-compatible server of one's own.
    bucket_url: Url,
    /// The headers that ask for server-side encryption, on every write.
    encryption: Vec<(String, String)>,
}

impl S3Store {
    pub fn connect(settings: &S3Settings) -> anyhow::Result<Self> {
        Self::with_client(settings, AwsClient::from_environment("s3", &settings.region)?)
    }

    /// A store that signs with these keys instead of the standard chain's: for an
    /// S3-compatible server of one's own (tests run one inside their process).
    pub fn connect_with_keys(
        settings: &S3Settings,
        access_key_id: &str,
        secret_access_key: &str,
    ) -> anyhow::Result<Self> {
        let keys = Keys {
            access_key_id: access_key_id.into(),
            secret_access_key: crate::config::Secret::new(secret_access_key),
            session_token: None,
        };
        let aws = AwsClient::with_credentials("s3", &settings.region, Credentials::fixed(keys))?;
        Self::with_client(settings, aws)
    }

    fn with_client(settings: &S3Settings, aws: AwsClient) -> anyhow::Result<Self> {
        let raw = match &settings.endpoint {
            Some(endpoint) => format!("{}/{}/", endpoint.trim_end_matches('/'), settings.bucket),
            None => format!(
                "https://{}.s3.{}.amazonaws.com/",
                settings.bucket, settings.region
            ),
        };
        let bucket_url = Url::parse(&raw).with_context(|| format!("{raw:?} is not a URL for the bucket"))?;
        Ok(Self {
            aws,
            bucket: settings.bucket.clone(),
            bucket_url,
            encryption: encryption_headers(settings.kms_key_id.as_deref()),
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Sends a signed request for `key` (None: the bucket itself), for calls outside the
    /// trait (tests create buckets and read headers with it). A refusal is an error.
    pub async fn request(
        &self,
        method: Method,
        key: Option<&ObjectKey>,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> anyhow::Result<reqwest::Response> {
        let headers = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let body = if body.is_empty() {
            Body::Empty
        } else {
            Body::Bytes(body)
        };
        self.aws
            .send(&self.object_request(method, key, headers, body))
            .await
    }

    fn url(&self, key: Option<&ObjectKey>) -> Url {
        match key {
            // An ObjectKey holds only characters a URL path keeps as they are.
            Some(key) => self
                .bucket_url
                .join(key.as_str())
                .expect("an object key is a relative path"),
            None => self.bucket_url.clone(),
        }
    }

    fn object_request(
        &self,
        method: Method,
        key: Option<&ObjectKey>,
        headers: Vec<(String, String)>,
        body: Body,
    ) -> Request {
        Request {
            method,
            url: self.url(key),
            headers,
            body,
        }
    }

    /// Sends a request whose refusals are answers: a missing object is `Ok(None)`.
    async fn send_finding(
        &self,
        method: Method,
        key: &ObjectKey,
    ) -> anyhow::Result<Option<reqwest::Response>> {
        match self
            .aws
            .send(&self.object_request(method, Some(key), Vec::new(), Body::Empty))
            .await
        {
            Ok(response) => Ok(Some(response)),
            // HEAD has no body to say NoSuchKey: its 404 is the answer.
            Err(error) if error.downcast_ref::<AwsError>().is_some_and(is_missing) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

fn is_missing(error: &AwsError) -> bool {
    error.status == StatusCode::NOT_FOUND && matches!(error.code.as_str(), "NoSuchKey" | "Not Found")
}

/// SSE-KMS with `kms_key_id`, else SSE-S3.
fn encryption_headers(kms_key_id: Option<&str>) -> Vec<(String, String)> {
    match kms_key_id {
        Some(key) => vec![
            ("x-amz-server-side-encryption".into(), "aws:kms".into()),
            ("x-amz-server-side-encryption-aws-kms-key-id".into(), key.into()),
        ],
        None => vec![("x-amz-server-side-encryption".into(), "AES256".into())],
    }
}

impl ObjectStore for S3Store {
    fn put_file<'a>(
        &'a self,
        key: &'a ObjectKey,
        source: &'a Path,
        content_type: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let (sha256_hex, len) = file_sha256(source)
                .await
                .with_context(|| format!("while reading {}", source.display()))?;
            let mut headers = vec![("content-type".to_string(), content_type.to_string())];
            headers.extend(self.encryption.iter().cloned());
            let body = Body::File {
                path: source.to_path_buf(),
                sha256_hex,
                len,
            };
            self.aws
                .send(&self.object_request(Method::PUT, Some(key), headers, body))
                .await
                .with_context(|| format!("while storing {key} in S3"))?;
            Ok(())
        })
    }

    fn size<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<Option<u64>>> {
        Box::pin(async move {
            let head = self
                .send_finding(Method::HEAD, key)
                .await
                .with_context(|| format!("while reading the size of {key} in S3"))?;
            Ok(head.map(|head| content_length(&head)))
        })
    }

    fn get<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<Option<StoredObject>>> {
        Box::pin(async move {
            let object = self
                .send_finding(Method::GET, key)
                .await
                .with_context(|| format!("while reading {key} from S3"))?;
            Ok(object.map(|object| StoredObject {
                size: content_length(&object),
                body: Box::pin(object.bytes_stream().map_err(std::io::Error::other)),
            }))
        })
    }

    fn delete<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            // S3 answers 204 for a missing key too: deleting is idempotent.
            self.aws
                .send(&self.object_request(Method::DELETE, Some(key), Vec::new(), Body::Empty))
                .await
                .with_context(|| format!("while deleting {key} from S3"))?;
            Ok(())
        })
    }

    fn presign_put<'a>(
        &'a self,
        key: &'a ObjectKey,
        content_type: &'a str,
        checksum_sha256: &'a str,
        byte_size: u64,
        expires_in: Duration,
        _receiver: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Presigned>> {
        Box::pin(async move {
            // Content type, encryption and checksum are signed: the client must send them
            // as given, and S3 refuses a body with another SHA-256. The length is signed
            // too, so no body longer (or shorter) than announced is taken; the client's
            // HTTP stack sends it from the body, so it is not among the headers to send.
            let mut headers = vec![("content-type".to_string(), content_type.to_string())];
            headers.extend(self.encryption.iter().cloned());
            headers.push(("x-amz-checksum-sha256".to_string(), checksum_sha256.to_string()));
            let mut signed = headers.clone();
            signed.push(("content-length".to_string(), byte_size.to_string()));
            let url = self
                .aws
                .presign(Method::PUT, &self.url(Some(key)), Vec::new(), signed, expires_in)
                .await
                .with_context(|| format!("while presigning an upload to {key}"))?;
            Ok(Presigned {
                method: "PUT",
                url,
                headers,
            })
        })
    }

    /// A redirect to a presigned GET, answered with the given type and disposition.
    fn deliver<'a>(
        &'a self,
        key: &'a ObjectKey,
        download: DownloadAs<'a>,
    ) -> BoxFuture<'a, anyhow::Result<Option<Delivery>>> {
        Box::pin(async move {
            let query = vec![
                (
                    "response-content-type".to_string(),
                    download.content_type.to_string(),
                ),
                (
                    "response-content-disposition".to_string(),
                    download.content_disposition.to_string(),
                ),
            ];
            let url = self
                .aws
                .presign(
                    Method::GET,
                    &self.url(Some(key)),
                    query,
                    Vec::new(),
                    download.expires_in,
                )
                .await
                .with_context(|| format!("while presigning a download of {key}"))?;
            Ok(Some(Delivery::Redirect(url)))
        })
    }
}

fn content_length(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get("content-length")
        .and_then(|value| value.to_str().ok()?.parse().ok())
        .unwrap_or(0)
}

/// The SHA-256 (hex) and length of a file, which S3 checks the body against.
async fn file_sha256(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut len = 0;
    loop {
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            return Ok((hex::encode(hasher.finalize()), len));
        }
        hasher.update(&buffer[..read]);
        len += read as u64;
    }
}
