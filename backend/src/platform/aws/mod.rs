//! AWS as Softly uses it: S3's object calls (put, head, get, delete, a presigned PUT and
//! a presigned GET) and SES v2 `SendEmail`, signed with SigV4 and sent with the binary's
//! one HTTP client.
//!
//! Why not the AWS SDK: it compiled for six of a clean build's eighteen minutes on two
//! cores (`aws-sdk-s3`, `aws-sdk-sesv2`, `aws-config` with STS, and their smithy stack)
//! to make those seven calls. What the SDK gave that matters is kept here: the
//! credential chain including the ECS task role ([`credentials`]), signing
//! ([`sigv4`]), bounded retries of transient failures, and errors that carry AWS's code.
//! Not kept: SSO and assume-role profiles, web identity and EC2 instance metadata — none
//! is how Softly runs (ECS Fargate with a task role, or keys in the environment).

pub mod credentials;
pub mod sigv4;

use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use reqwest::{Method, StatusCode};
use sha2::{Digest, Sha256};
use tracing::Instrument;

pub use credentials::{Credentials, Keys};
use sigv4::{Parts, Scope, Signer};

/// Attempts of one call when AWS (or the way to it) fails in passing.
const ATTEMPTS: u32 = 3;

/// A client for one AWS service in one region.
#[derive(Clone)]
pub struct AwsClient {
    http: reqwest::Client,
    credentials: Credentials,
    region: String,
    service: &'static str,
}

/// The body of a request, signed by its SHA-256.
pub enum Body {
    Empty,
    Bytes(Bytes),
    /// A file, streamed; its SHA-256 (hex) and length are known beforehand.
    File {
        path: std::path::PathBuf,
        sha256_hex: String,
        len: u64,
    },
}

/// A request to send: the URL's path is as sent (no query), the headers' names lower-case.
pub struct Request {
    pub method: Method,
    pub url: reqwest::Url,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

/// AWS refused a request: its status, code and message.
#[derive(Debug, thiserror::Error)]
#[error("{service} answered {status} {code}: {message}")]
pub struct AwsError {
    pub service: &'static str,
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl AwsClient {
    /// A client signing with the standard chain's keys ([`credentials`]).
    pub fn from_environment(service: &'static str, region: &str) -> anyhow::Result<Self> {
        let http = http_client()?;
        let credentials = Credentials::from_environment(|name| std::env::var(name).ok(), http.clone())?;
        if !credentials.found() {
            tracing::warn!(
                service,
                "no AWS credentials found: {service} calls will fail until some are set"
            );
        }
        Ok(Self::with_http(service, region, credentials, http))
    }

    /// A client signing with these credentials.
    pub fn with_credentials(
        service: &'static str,
        region: &str,
        credentials: Credentials,
    ) -> anyhow::Result<Self> {
        Ok(Self::with_http(service, region, credentials, http_client()?))
    }

    fn with_http(
        service: &'static str,
        region: &str,
        credentials: Credentials,
        http: reqwest::Client,
    ) -> Self {
        Self {
            http,
            credentials,
            region: region.to_string(),
            service,
        }
    }

    /// Sends a signed request, again after a transient failure (a connection error, 429,
    /// 500, 502, 503, 504) at most [`ATTEMPTS`] times; any other non-2xx is an
    /// [`AwsError`].
    pub async fn send(&self, request: &Request) -> anyhow::Result<reqwest::Response> {
        let span = crate::telemetry::external_call(self.service, request.method.as_str());
        self.send_retrying(request).instrument(span).await
    }

    async fn send_retrying(&self, request: &Request) -> anyhow::Result<reqwest::Response> {
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(request).await;
            let transient = match &outcome {
                Ok(response) => is_transient(response.status()),
                Err(error) => error.is_connect() || error.is_timeout(),
            };
            if !transient || attempt == ATTEMPTS {
                let metrics = crate::platform::metrics::metrics();
                let response = outcome
                    .map_err(anyhow::Error::from)
                    .inspect_err(|_| metrics.call(self.service, "unreachable"))
                    .with_context(|| format!("while calling {}", self.service))?;
                let ok = response.status().is_success();
                metrics.call(self.service, if ok { "ok" } else { "refused" });
                return self.success(response).await;
            }
            tokio::time::sleep(Duration::from_millis(100 * 4u64.pow(attempt - 1))).await;
            attempt += 1;
        }
    }

    /// A URL anyone may use for `expires_in` to make this request, sending `headers`
    /// (which are signed) unchanged.
    pub async fn presign(
        &self,
        method: Method,
        url: &reqwest::Url,
        query: Vec<(String, String)>,
        headers: Vec<(String, String)>,
        expires_in: Duration,
    ) -> anyhow::Result<String> {
        let keys = self.credentials.keys().await?;
        let mut parts = parts(&method, url, query, headers);
        let query = self.signer(&keys).presign(&mut parts, expires_in.as_secs());
        Ok(format!("{}?{query}", without_query(url)))
    }

    async fn send_once(&self, request: &Request) -> Result<reqwest::Response, SendError> {
        let keys = self.credentials.keys().await.map_err(SendError::Local)?;
        let (payload_sha256, body, streamed_len) = match &request.body {
            Body::Empty => (
                sigv4::EMPTY_PAYLOAD_SHA256.to_string(),
                reqwest::Body::from(Bytes::new()),
                None,
            ),
            Body::Bytes(bytes) => (
                hex::encode(Sha256::digest(bytes)),
                reqwest::Body::from(bytes.clone()),
                None,
            ),
            Body::File {
                path,
                sha256_hex,
                len,
            } => {
                let file = tokio::fs::File::open(path)
                    .await
                    .with_context(|| format!("while opening {}", path.display()))
                    .map_err(SendError::Local)?;
                let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024);
                (sha256_hex.clone(), reqwest::Body::wrap_stream(stream), Some(*len))
            }
        };
        let mut headers = request.headers.clone();
        if self.service == "s3" {
            headers.push(("x-amz-content-sha256".into(), payload_sha256.clone()));
        }
        let mut parts = parts(&request.method, &request.url, Vec::new(), headers);
        self.signer(&keys).sign_headers(&mut parts, &payload_sha256);
        let mut builder = self
            .http
            .request(request.method.clone(), without_query(&request.url));
        for (name, value) in parts.headers.iter().filter(|(name, _)| name != "host") {
            builder = builder.header(name, value);
        }
        // A stream has no length of its own, and S3 takes no chunked upload: say it.
        if let Some(len) = streamed_len {
            builder = builder.header("content-length", len);
        }
        builder.body(body).send().await.map_err(SendError::Http)
    }

    async fn success(&self, response: reqwest::Response) -> anyhow::Result<reqwest::Response> {
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let error_type = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|value| value.to_str().ok())
            .map(|value| value.split(':').next().unwrap_or(value).to_string());
        let body = response.text().await.unwrap_or_default();
        Err(AwsError {
            service: self.service,
            status,
            code: error_type
                .or_else(|| xml_element(&body, "Code"))
                .or_else(|| json_field(&body, "__type"))
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string()),
            message: xml_element(&body, "Message")
                .or_else(|| json_field(&body, "message"))
                .or_else(|| json_field(&body, "Message"))
                .unwrap_or_default(),
        }
        .into())
    }

    fn signer<'a>(&'a self, keys: &'a Keys) -> Signer<'a> {
        Signer {
            keys,
            scope: Scope {
                region: &self.region,
                service: self.service,
            },
            // AWS judges a signature's date by its own clock: the wall clock, never a
            // test's adjusted one.
            at: jiff::Timestamp::now(),
        }
    }
}

/// Where this process's AWS keys come from, as `softly config` says it (no secret).
pub fn describe_environment_credentials() -> String {
    let described = http_client()
        .and_then(|http| Credentials::from_environment(|name| std::env::var(name).ok(), http))
        .map_or_else(|error| format!("{error:#}"), |credentials| credentials.describe());
    format!("# AWS credentials: {described}")
}

/// The binary's HTTP client for AWS: rustls on ring with webpki roots; connections and
/// silences bounded, a whole (streamed) transfer not.
fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("softly/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(30))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .context("while building the HTTP client")
}

/// Why one attempt sent nothing or got no answer.
enum SendError {
    /// Before sending: no keys, or the file to send cannot be read. Not retried.
    Local(anyhow::Error),
    Http(reqwest::Error),
}

impl SendError {
    fn is_connect(&self) -> bool {
        matches!(self, Self::Http(error) if error.is_connect() || error.is_request())
    }

    fn is_timeout(&self) -> bool {
        matches!(self, Self::Http(error) if error.is_timeout())
    }
}

impl From<SendError> for anyhow::Error {
    fn from(error: SendError) -> Self {
        match error {
            SendError::Local(error) => error,
            SendError::Http(error) => error.into(),
        }
    }
}

fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

fn parts(
    method: &Method,
    url: &reqwest::Url,
    query: Vec<(String, String)>,
    mut headers: Vec<(String, String)>,
) -> Parts {
    headers.push(("host".into(), host(url)));
    Parts {
        method: method.as_str().to_string(),
        path: url.path().to_string(),
        query,
        headers,
    }
}

/// The `Host` header the HTTP client sends for `url`.
fn host(url: &reqwest::Url) -> String {
    let name = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{name}:{port}"),
        None => name.to_string(),
    }
}

fn without_query(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.to_string()
}

/// The text of the first `<name>` element of an AWS XML error body.
fn xml_element(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + body[start..].find(&format!("</{name}>"))?;
    Some(body[start..end].to_string())
}

fn json_field(body: &str, name: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let field = value.get(name)?.as_str()?;
    Some(field.rsplit('#').next().unwrap_or(field).to_string())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn error_bodies_give_their_code_and_message() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";
        assert_eq!(xml_element(xml, "Code").as_deref(), Some("NoSuchKey"));
        assert_eq!(
            xml_element(xml, "Message").as_deref(),
            Some("The specified key does not exist.")
        );
        assert_eq!(xml_element("<Error></Error>", "Code"), None);
        let json =
            r#"{"__type":"com.amazonaws.ses#MessageRejected","message":"Email address is not verified."}"#;
        assert_eq!(json_field(json, "__type").as_deref(), Some("MessageRejected"));
        assert_eq!(
            json_field(json, "message").as_deref(),
            Some("Email address is not verified.")
        );
    }

    /// A server answering each request with the next of `statuses` (an S3-style XML
    /// error for a failure); answers a client for it and how many requests it had.
    async fn answering(statuses: &'static [u16]) -> (AwsClient, Request, Arc<AtomicUsize>) {
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = asked.clone();
        let app = axum::Router::new().fallback(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let status = axum::http::StatusCode::from_u16(statuses[n.min(statuses.len() - 1)]).unwrap();
                let body = format!(
                    "<Error><Code>Code{}</Code><Message>attempt {n}</Message></Error>",
                    status.as_u16()
                );
                (status, body)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/bucket/key", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let keys = Keys {
            access_key_id: "AKID".into(),
            secret_access_key: crate::config::Secret::new("secret"),
            session_token: None,
        };
        let client = AwsClient::with_credentials("s3", "eu-west-2", Credentials::fixed(keys)).unwrap();
        let request = Request {
            method: Method::GET,
            url: url.parse().unwrap(),
            headers: Vec::new(),
            body: Body::Empty,
        };
        (client, request, asked)
    }

    #[tokio::test]
    async fn a_transient_failure_is_tried_again_and_a_refusal_is_not() {
        let (client, request, asked) = answering(&[503, 500, 200]).await;
        assert!(client.send(&request).await.is_ok());
        assert_eq!(asked.load(Ordering::SeqCst), 3);

        let (client, request, asked) = answering(&[403, 200]).await;
        let error = client.send(&request).await.unwrap_err();
        let refused = error.downcast_ref::<AwsError>().unwrap();
        assert_eq!((refused.status.as_u16(), refused.code.as_str()), (403, "Code403"));
        assert_eq!(asked.load(Ordering::SeqCst), 1, "a refusal is final");

        let (client, request, asked) = answering(&[503]).await;
        let error = client.send(&request).await.unwrap_err();
        assert_eq!(error.downcast_ref::<AwsError>().unwrap().message, "attempt 2");
        assert_eq!(
            asked.load(Ordering::SeqCst),
            ATTEMPTS as usize,
            "attempts are bounded"
        );
    }

    #[test]
    fn the_host_carries_a_port_only_when_it_is_not_the_default() {
        let url = |raw: &str| reqwest::Url::parse(raw).unwrap();
        assert_eq!(host(&url("http://127.0.0.1:5000/b/k")), "127.0.0.1:5000");
        assert_eq!(
            host(&url("https://b.s3.eu-west-2.amazonaws.com/k")),
            "b.s3.eu-west-2.amazonaws.com"
        );
        assert_eq!(
            host(&url("https://email.eu-west-2.amazonaws.com:443/v2")),
            "email.eu-west-2.amazonaws.com"
        );
    }
}
