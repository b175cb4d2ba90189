//! Where the keys that sign AWS requests come from, in the order AWS's SDKs look:
//!
//! 1. the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`;
//! 2. the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else
//!    `~/.aws/credentials`), profile `AWS_PROFILE` or `default`, static keys only;
//! 3. the container endpoint ECS gives a task for its task role:
//!    `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on `169.254.170.2`) or
//!    `AWS_CONTAINER_CREDENTIALS_FULL_URI` (HTTPS, or HTTP to a loopback or the ECS/EKS
//!    link-local address only), with `AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)` when set.
//!    Its keys are temporary: kept until five minutes before they expire, then fetched
//!    again (one fetch at a time, however many requests wait for it).
//!
//! The chain is chosen once, when a client is made; no keys anywhere is an error at the
//! first request (as it was with the SDK), and a warning at start-up.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::sync::Mutex;

use crate::config::Secret;

/// One set of keys.
#[derive(Debug, Clone)]
pub struct Keys {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
}

/// Renew container keys this long before they expire.
const RENEW_BEFORE: Duration = Duration::from_secs(5 * 60);

/// The ECS task-role endpoint's host, for a relative URI.
const ECS_CONTAINER_HOST: &str = "http://169.254.170.2";

/// Where this process gets its keys.
#[derive(Clone)]
pub struct Credentials(Arc<Source>);

enum Source {
    /// Keys and where they were found.
    Fixed(Arc<Keys>, String),
    Container(Container),
    Missing,
}

struct Container {
    http: reqwest::Client,
    url: reqwest::Url,
    authorization: Option<Authorization>,
    current: Mutex<Option<(Arc<Keys>, jiff::Timestamp)>>,
}

enum Authorization {
    Token(Secret),
    /// Read at every fetch: the agent may rotate the file.
    TokenFile(String),
}

impl Credentials {
    /// These keys, always.
    pub fn fixed(keys: Keys) -> Self {
        Self::found_in(keys, "given".into())
    }

    fn found_in(keys: Keys, origin: String) -> Self {
        Self(Arc::new(Source::Fixed(Arc::new(keys), origin)))
    }

    /// The first source of the chain that `lookup` (the environment) names.
    pub fn from_environment(
        lookup: impl Fn(&str) -> Option<String>,
        http: reqwest::Client,
    ) -> anyhow::Result<Self> {
        let lookup = |name: &str| lookup(name).filter(|value| !value.is_empty());
        if let Some(access_key_id) = lookup("AWS_ACCESS_KEY_ID") {
            let secret = lookup("AWS_SECRET_ACCESS_KEY")
                .context("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")?;
            let keys = Keys {
                access_key_id,
                secret_access_key: Secret::new(secret),
                session_token: lookup("AWS_SESSION_TOKEN").map(Secret::new),
            };
            return Ok(Self::found_in(keys, "AWS_ACCESS_KEY_ID".into()));
        }
        if let Some((keys, origin)) = profile_keys(&lookup)? {
            return Ok(Self::found_in(keys, origin));
        }
        let url = match (
            lookup("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
            lookup("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        ) {
            (Some(relative), _) => Some(format!("{ECS_CONTAINER_HOST}{relative}")),
            (None, Some(full)) => Some(full),
            (None, None) => None,
        };
        let Some(url) = url else {
            return Ok(Self(Arc::new(Source::Missing)));
        };
        let url = container_url(&url)?;
        let authorization = match (
            lookup("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
            lookup("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        ) {
            (Some(file), _) => Some(Authorization::TokenFile(file)),
            (None, Some(token)) => Some(Authorization::Token(Secret::new(token))),
            (None, None) => None,
        };
        Ok(Self(Arc::new(Source::Container(Container {
            http,
            url,
            authorization,
            current: Mutex::new(None),
        }))))
    }

    /// Where the keys come from, for the start-up log and `softly config`.
    pub fn describe(&self) -> String {
        match &*self.0 {
            Source::Fixed(keys, origin) => format!("key {} ({origin})", keys.access_key_id),
            Source::Container(container) => format!("the container endpoint {}", container.url),
            Source::Missing => "none found".into(),
        }
    }

    /// Whether any source was found.
    pub fn found(&self) -> bool {
        !matches!(&*self.0, Source::Missing)
    }

    /// Keys valid for a while yet.
    pub async fn keys(&self) -> anyhow::Result<Arc<Keys>> {
        match &*self.0 {
            Source::Fixed(keys, _) => Ok(keys.clone()),
            Source::Container(container) => container.keys().await,
            Source::Missing => bail!(
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile in \
                 ~/.aws/credentials, or run where ECS provides AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
            ),
        }
    }
}

impl Container {
    async fn keys(&self) -> anyhow::Result<Arc<Keys>> {
        let mut current = self.current.lock().await;
        let now = jiff::Timestamp::now();
        if let Some((keys, expires)) = &*current
            && now + RENEW_BEFORE < *expires
        {
            return Ok(keys.clone());
        }
        let (keys, expires) = self
            .fetch()
            .await
            .with_context(|| format!("while fetching AWS credentials from {}", self.url))?;
        let keys = Arc::new(keys);
        *current = Some((keys.clone(), expires));
        Ok(keys)
    }

    async fn fetch(&self) -> anyhow::Result<(Keys, jiff::Timestamp)> {
        let mut request = self.http.get(self.url.clone()).timeout(Duration::from_secs(5));
        match &self.authorization {
            Some(Authorization::Token(token)) => request = request.header("authorization", token.expose()),
            Some(Authorization::TokenFile(path)) => {
                let token = tokio::fs::read_to_string(path)
                    .await
                    .with_context(|| format!("while reading the authorization token in {path}"))?;
                request = request.header("authorization", token.trim());
            }
            None => {}
        }
        let response = request.send().await?;
        let status = response.status();
        if !status.is_success() {
            bail!("the endpoint answered {status}");
        }
        let answer: ContainerAnswer = response.json().await.context("while reading its answer")?;
        let expires: jiff::Timestamp = answer
            .expiration
            .parse()
            .with_context(|| format!("its expiration {:?} is not a date", answer.expiration))?;
        Ok((
            Keys {
                access_key_id: answer.access_key_id,
                secret_access_key: Secret::new(answer.secret_access_key),
                session_token: answer.token.map(Secret::new),
            },
            expires,
        ))
    }
}

/// The container endpoint's answer (the same shape as EC2 instance metadata's).
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ContainerAnswer {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
    expiration: String,
}

/// A container endpoint the SDKs would call: HTTPS anywhere, plain HTTP only to this
/// machine or the ECS/EKS agents' link-local addresses (the token must not travel).
fn container_url(raw: &str) -> anyhow::Result<reqwest::Url> {
    let url = reqwest::Url::parse(raw).with_context(|| format!("{raw:?} is not a URL"))?;
    if url.scheme() == "https" {
        return Ok(url);
    }
    let allowed = match url.host() {
        Some(url::Host::Ipv4(ip)) => is_agent_address(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_agent_address(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    if url.scheme() != "http" || !allowed {
        bail!(
            "the container credentials endpoint {raw} must be HTTPS, or HTTP to a loopback or the ECS/EKS agent's address"
        );
    }
    Ok(url)
}

fn is_agent_address(ip: IpAddr) -> bool {
    let ecs: IpAddr = [169, 254, 170, 2].into();
    let eks: IpAddr = [169, 254, 170, 23].into();
    let eks_v6: IpAddr = "fd00:ec2::23".parse().expect("a literal address");
    ip.is_loopback() || ip == ecs || ip == eks || ip == eks_v6
}

/// Static keys of the named profile in the shared credentials file, and where they were.
fn profile_keys(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<(Keys, String)>> {
    let path = match (lookup("AWS_SHARED_CREDENTIALS_FILE"), lookup("HOME")) {
        (Some(path), _) => path,
        (None, Some(home)) => format!("{home}/.aws/credentials"),
        (None, None) => return Ok(None),
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let profile = lookup("AWS_PROFILE").unwrap_or_else(|| "default".into());
    let values = profile_section(&text, &profile);
    let get = |name: &str| {
        values
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(access_key_id), Some(secret)) => {
            let keys = Keys {
                access_key_id,
                secret_access_key: Secret::new(secret),
                session_token: get("aws_session_token").map(Secret::new),
            };
            Ok(Some((keys, format!("profile {profile} in {path}"))))
        }
        (None, None) => Ok(None),
        _ => bail!("profile [{profile}] in {path} needs both aws_access_key_id and aws_secret_access_key"),
    }
}

/// The `key = value` lines of `[profile]` in an INI file.
fn profile_section(text: &str, profile: &str) -> Vec<(String, String)> {
    let mut inside = false;
    let mut values = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') && line.ends_with(']') {
            inside = line[1..line.len() - 1].trim() == profile;
        } else if inside
            && !line.starts_with(['#', ';'])
            && let Some((key, value)) = line.split_once('=')
        {
            values.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn chain(vars: &[(&str, &str)]) -> anyhow::Result<Credentials> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Credentials::from_environment(|name| vars.get(name).cloned(), reqwest::Client::new())
    }

    #[tokio::test]
    async fn keys_in_the_environment_come_first() {
        let credentials = chain(&[
            ("AWS_ACCESS_KEY_ID", "AKIAENV"),
            ("AWS_SECRET_ACCESS_KEY", "env-secret"),
            ("AWS_SESSION_TOKEN", "env-token"),
            ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x"),
        ])
        .unwrap();
        let keys = credentials.keys().await.unwrap();
        assert_eq!(keys.access_key_id, "AKIAENV");
        assert_eq!(keys.secret_access_key.expose(), "env-secret");
        assert_eq!(keys.session_token.as_ref().unwrap().expose(), "env-token");
    }

    #[test]
    fn a_key_id_without_its_secret_is_an_error() {
        assert!(chain(&[("AWS_ACCESS_KEY_ID", "AKIAENV")]).is_err());
    }

    #[tokio::test]
    async fn the_named_profile_of_the_credentials_file_is_read() {
        let path = std::env::temp_dir().join(format!("softly-aws-{}", uuid::Uuid::now_v7().simple()));
        std::fs::write(
            &path,
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n\
             [work]\n# a comment\naws_access_key_id=AKIAWORK\naws_secret_access_key=w\naws_session_token=t\n",
        )
        .unwrap();
        let file = path.to_str().unwrap();
        let default = chain(&[("AWS_SHARED_CREDENTIALS_FILE", file)]).unwrap();
        assert_eq!(default.keys().await.unwrap().access_key_id, "AKIADEFAULT");
        let work = chain(&[("AWS_SHARED_CREDENTIALS_FILE", file), ("AWS_PROFILE", "work")]).unwrap();
        let keys = work.keys().await.unwrap();
        assert_eq!(keys.access_key_id, "AKIAWORK");
        assert_eq!(keys.session_token.as_ref().unwrap().expose(), "t");
        let other = chain(&[("AWS_SHARED_CREDENTIALS_FILE", file), ("AWS_PROFILE", "other")]).unwrap();
        assert!(!other.found());
        std::fs::remove_file(path).unwrap();
    }

    #[tokio::test]
    async fn no_source_is_an_error_that_says_what_to_set() {
        let credentials = chain(&[("HOME", "/nonexistent")]).unwrap();
        assert!(!credentials.found());
        let error = credentials.keys().await.unwrap_err().to_string();
        assert!(error.contains("AWS_ACCESS_KEY_ID"), "{error}");
    }

    /// A container endpoint on loopback handing out keys that expire `valid_for` from
    /// the request; answers its URL and how many times it was asked.
    async fn container_endpoint(
        valid_for: jiff::SignedDuration,
    ) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = asked.clone();
        let app = axum::Router::new().route(
            "/creds",
            axum::routing::get(move |headers: axum::http::HeaderMap| {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    if headers
                        .get("authorization")
                        .is_none_or(|v| v != "the-agent-token")
                    {
                        return Err(axum::http::StatusCode::UNAUTHORIZED);
                    }
                    Ok(axum::Json(serde_json::json!({
                        "AccessKeyId": format!("ASIA{n}"), "SecretAccessKey": "s", "Token": "t",
                        "Expiration": (jiff::Timestamp::now() + valid_for).to_string(),
                    })))
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/creds", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, asked)
    }

    #[tokio::test]
    async fn container_keys_are_reused_while_fresh_and_renewed_before_they_expire() {
        use std::sync::atomic::Ordering;
        let (url, asked) = container_endpoint(jiff::SignedDuration::from_hours(6)).await;
        let fresh = chain(&[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "the-agent-token"),
        ])
        .unwrap();
        for _ in 0..3 {
            assert_eq!(fresh.keys().await.unwrap().access_key_id, "ASIA1");
        }
        assert_eq!(asked.load(Ordering::SeqCst), 1, "six-hour keys are fetched once");

        let (url, asked) = container_endpoint(jiff::SignedDuration::from_mins(4)).await;
        let expiring = chain(&[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "the-agent-token"),
        ])
        .unwrap();
        assert_eq!(expiring.keys().await.unwrap().access_key_id, "ASIA1");
        assert_eq!(expiring.keys().await.unwrap().access_key_id, "ASIA2");
        assert_eq!(
            asked.load(Ordering::SeqCst),
            2,
            "keys within five minutes of expiry are renewed"
        );
    }

    #[tokio::test]
    async fn the_authorization_token_file_is_sent_and_a_refusal_is_an_error() {
        let (url, _) = container_endpoint(jiff::SignedDuration::from_hours(6)).await;
        let file = std::env::temp_dir().join(format!("softly-token-{}", uuid::Uuid::now_v7().simple()));
        std::fs::write(&file, "the-agent-token\n").unwrap();
        let with_file = chain(&[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.to_str().unwrap()),
        ])
        .unwrap();
        assert!(with_file.keys().await.is_ok());
        std::fs::remove_file(file).unwrap();

        let without = chain(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)]).unwrap();
        let error = format!("{:#}", without.keys().await.unwrap_err());
        assert!(error.contains("401"), "{error}");
    }

    #[test]
    fn a_container_endpoint_must_be_local_or_https() {
        for allowed in [
            "http://127.0.0.1:8080/creds",
            "http://localhost/creds",
            "http://169.254.170.2/v2/credentials/abc",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://[::1]:9/creds",
            "https://credentials.example.com/creds",
        ] {
            assert!(container_url(allowed).is_ok(), "{allowed}");
        }
        for refused in [
            "http://10.0.0.5/creds",
            "http://example.com/creds",
            "ftp://127.0.0.1/creds",
            "nonsense",
        ] {
            assert!(container_url(refused).is_err(), "{refused}");
            assert!(
                chain(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", refused)]).is_err(),
                "{refused}"
            );
        }
        let relative = chain(&[("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")]).unwrap();
        assert_eq!(
            relative.describe(),
            "the container endpoint http://169.254.170.2/v2/credentials/abc"
        );
    }
}
