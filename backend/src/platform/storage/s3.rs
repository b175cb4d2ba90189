use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::Credentials;
use aws_sdk_s3::presigning::{PresignedRequest, PresigningConfig};
use aws_sdk_s3::primitives::ByteStream as S3Body;
use aws_sdk_s3::types::ServerSideEncryption;
use tokio_util::io::ReaderStream;

use super::{BoxFuture, Delivery, DownloadAs, ObjectKey, ObjectStore, Presigned, StoredObject};
use crate::config::S3Settings;

/// Objects in one S3 bucket. Credentials come from the standard AWS chain: environment,
/// profile, the ECS task role (`AWS_CONTAINER_CREDENTIALS_*`) or instance metadata.
/// Every write asks for server-side encryption.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: Client,
    bucket: String,
}

impl S3Store {
    pub async fn connect(settings: &S3Settings) -> Self {
        Self::with_config(settings, Self::builder(settings).await)
    }

    /// A store that signs with these keys instead of the standard chain's: for an
    /// S3-compatible server of one's own (tests run one inside their process).
    pub async fn connect_with_keys(
        settings: &S3Settings,
        access_key_id: &str,
        secret_access_key: &str,
    ) -> Self {
        let credentials = Credentials::new(access_key_id, secret_access_key, None, None, "static keys");
        let config = Self::builder(settings).await.credentials_provider(credentials);
        Self::with_config(settings, config)
    }

    async fn builder(settings: &S3Settings) -> aws_sdk_s3::config::Builder {
        let shared = crate::platform::aws::sdk_config(&settings.region).await;
        let config = aws_sdk_s3::config::Builder::from(&shared);
        match &settings.endpoint {
            Some(endpoint) => config.endpoint_url(endpoint).force_path_style(true),
            None => config,
        }
    }

    fn with_config(settings: &S3Settings, config: aws_sdk_s3::config::Builder) -> Self {
        Self {
            client: Client::from_conf(config.build()),
            bucket: settings.bucket.clone(),
        }
    }

    /// The SDK client, for operations outside the trait (tests create buckets with it).
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
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
            let body = S3Body::from_path(source)
                .await
                .with_context(|| format!("while reading {}", source.display()))?;
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .content_type(content_type)
                .server_side_encryption(ServerSideEncryption::Aes256)
                .body(body)
                .send()
                .await
                .with_context(|| format!("while storing {key} in S3"))?;
            Ok(())
        })
    }

    fn size<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<Option<u64>>> {
        Box::pin(async move {
            match self
                .client
                .head_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .send()
                .await
            {
                Ok(head) => Ok(Some(head.content_length().unwrap_or(0).max(0) as u64)),
                Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
                Err(e) => Err(e).with_context(|| format!("while reading the size of {key} in S3")),
            }
        })
    }

    fn get<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<Option<StoredObject>>> {
        Box::pin(async move {
            match self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .send()
                .await
            {
                Ok(object) => {
                    let size = object.content_length().unwrap_or(0).max(0) as u64;
                    Ok(Some(StoredObject {
                        size,
                        body: Box::pin(ReaderStream::new(object.body.into_async_read())),
                    }))
                }
                Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => Ok(None),
                Err(e) => Err(e).with_context(|| format!("while reading {key} from S3")),
            }
        })
    }

    fn delete<'a>(&'a self, key: &'a ObjectKey) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            // S3 answers 204 for a missing key too: deleting is idempotent.
            self.client
                .delete_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .send()
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
        expires_in: Duration,
        _receiver: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Presigned>> {
        Box::pin(async move {
            // Content type, encryption and checksum are signed: the client must send them
            // as given, and S3 refuses a body with another SHA-256.
            let request = self
                .client
                .put_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .content_type(content_type)
                .server_side_encryption(ServerSideEncryption::Aes256)
                .checksum_sha256(checksum_sha256)
                .presigned(PresigningConfig::expires_in(expires_in)?)
                .await
                .with_context(|| format!("while presigning an upload to {key}"))?;
            Ok(presigned("PUT", &request))
        })
    }

    /// A redirect to a presigned GET, answered with the given type and disposition.
    fn deliver<'a>(
        &'a self,
        key: &'a ObjectKey,
        download: DownloadAs<'a>,
    ) -> BoxFuture<'a, anyhow::Result<Option<Delivery>>> {
        Box::pin(async move {
            let request = self
                .client
                .get_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .response_content_type(download.content_type)
                .response_content_disposition(download.content_disposition)
                .presigned(PresigningConfig::expires_in(download.expires_in)?)
                .await
                .with_context(|| format!("while presigning a download of {key}"))?;
            Ok(Some(Delivery::Redirect(request.uri().to_string())))
        })
    }
}

fn presigned(method: &'static str, request: &PresignedRequest) -> Presigned {
    Presigned {
        method,
        url: request.uri().to_string(),
        headers: request
            .headers()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
    }
}
