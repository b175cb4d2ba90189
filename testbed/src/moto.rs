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

    /// Every recipient of every message sent so far, one entry per message and recipient.
    pub async fn recipients(&self) -> anyhow::Result<Vec<String>> {
        let data: Value = reqwest::get(format!("{}/moto-api/data.json", self.endpoint()))
            .await?
            .json()
            .await
            .context("while reading moto's recorded data")?;
        Ok(data["ses"]["RawMessage"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|m| m["destinations"].as_array().cloned().unwrap_or_default())
            .filter_map(|d| d.as_str().map(str::to_string))
            .collect())
    }

    /// The token of the latest `path?token=…` link moto was asked to send to `to`.
    pub async fn link_token(&self, to: &str, path: &str) -> anyhow::Result<Option<String>> {
        let data: Value = reqwest::get(format!("{}/moto-api/data.json", self.endpoint()))
            .await?
            .json()
            .await
            .context("while reading moto's recorded data")?;
        let needle = format!("{path}?token=");
        let token = data["ses"]["RawMessage"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| {
                m["destinations"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|a| a == to))
            })
            .filter_map(|m| {
                // Quoted-printable: soft line breaks out, `=3D` back to `=`.
                let raw = m["raw_data"].as_str()?.replace("=\r\n", "").replace("=3D", "=");
                let start = raw.rfind(&needle)? + needle.len();
                let token: String = raw[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                    .collect();
                (!token.is_empty()).then_some(token)
            })
            .next_back();
        Ok(token)
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
