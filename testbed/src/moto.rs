//! moto's server mode on loopback: S3 for the vault, SES v2 for mail (it records what
//! it was asked to send, readable at `/moto-api/data.json`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;
use tokio::process::Command;

use crate::process::{Daemon, wait_for_port};

pub const REGION: &str = "eu-west-2";
pub const BUCKET: &str = "softly-testbed";
/// The domain Softly sends from, verified in SES before anything is sent.
const SENDER_DOMAIN: &str = "mysoftly.app";

pub struct Moto {
    pub port: u16,
    _daemon: Daemon,
}

impl Moto {
    /// Starts `moto_server` (`$MOTO_SERVER`, else `.ci/.venv/bin/moto_server`, else the
    /// PATH), creates the bucket and verifies the sender's domain.
    pub async fn start(base: &Path, port: u16) -> anyhow::Result<Self> {
        let mut command = Command::new(program());
        command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        let daemon = Daemon::spawn("moto_server", command, &base.join("moto.log"))?;
        wait_for_port(port, Duration::from_secs(60)).await?;
        let this = Self {
            port,
            _daemon: daemon,
        };
        this.prepare().await?;
        Ok(this)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn prepare(&self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        // moto does not check signatures; it reads the service from the credential scope.
        let bucket = client
            .put(format!("{}/{BUCKET}", self.endpoint()))
            .header("authorization", authorization("s3"))
            .header("content-type", "application/xml")
            .body(format!(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
                 <LocationConstraint>{REGION}</LocationConstraint></CreateBucketConfiguration>"
            ))
            .send()
            .await?;
        if !bucket.status().is_success() {
            bail!("creating the bucket: {}", bucket.text().await?);
        }
        let identity = client
            .post(format!("{}/v2/email/identities", self.endpoint()))
            .header("authorization", authorization("ses"))
            .json(&serde_json::json!({ "EmailIdentity": SENDER_DOMAIN }))
            .send()
            .await?;
        if !identity.status().is_success() {
            bail!("verifying the sender: {}", identity.text().await?);
        }
        Ok(())
    }

    /// Every message sent so far: its recipients and its raw text.
    async fn sent(&self) -> anyhow::Result<Vec<(Vec<String>, String)>> {
        let data: Value = reqwest::get(format!("{}/moto-api/data.json", self.endpoint()))
            .await?
            .json()
            .await
            .context("while reading moto's recorded data")?;
        Ok(data["ses"]["RawMessage"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                let to = m["destinations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.as_str().map(str::to_string))
                    .collect();
                (to, m["raw_data"].as_str().unwrap_or_default().to_string())
            })
            .collect())
    }

    /// Every recipient of every message sent so far, one entry per message and recipient.
    pub async fn recipients(&self) -> anyhow::Result<Vec<String>> {
        Ok(self.sent().await?.into_iter().flat_map(|(to, _)| to).collect())
    }

    /// The Message-ID of every message sent so far to one of `recipients`, one entry per
    /// message (a message sent twice appears twice).
    pub async fn message_ids_to(&self, recipients: &[String]) -> anyhow::Result<Vec<String>> {
        Ok(self
            .sent()
            .await?
            .into_iter()
            .filter(|(to, _)| to.iter().any(|t| recipients.contains(t)))
            .filter_map(|(_, raw)| {
                let line = raw
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))?;
                Some(line["message-id:".len()..].trim().to_string())
            })
            .collect())
    }

    /// The token of the latest `path?token=…` link moto was asked to send to `to`.
    pub async fn link_token(&self, to: &str, path: &str) -> anyhow::Result<Option<String>> {
        let needle = format!("{path}?token=");
        Ok(self
            .sent()
            .await?
            .into_iter()
            .filter(|(recipients, _)| recipients.iter().any(|r| r == to))
            .filter_map(|(_, raw)| {
                // Quoted-printable: soft line breaks out, `=3D` back to `=`.
                let raw = raw.replace("=\r\n", "").replace("=3D", "=");
                let start = raw.rfind(&needle)? + needle.len();
                let token: String = raw[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .collect();
                (!token.is_empty()).then_some(token)
            })
            .next_back())
    }

    /// Keys of the objects under `prefix` (up to 1000).
    pub async fn object_keys(&self, prefix: &str) -> anyhow::Result<Vec<String>> {
        let listing = reqwest::Client::new()
            .get(format!("{}/{BUCKET}", self.endpoint()))
            .query(&[("list-type", "2"), ("prefix", prefix)])
            .header("authorization", authorization("s3"))
            .send()
            .await?
            .text()
            .await?;
        Ok(listing
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(str::to_string)
            .collect())
    }
}

fn authorization(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=testing/20260101/{REGION}/{service}/aws4_request, \
         SignedHeaders=host, Signature=00"
    )
}

fn program() -> PathBuf {
    if let Some(path) = std::env::var_os("MOTO_SERVER") {
        return PathBuf::from(path);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/.venv/bin/moto_server");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("moto_server")
}
