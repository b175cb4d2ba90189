//! OTLP over HTTP, as the specification defines it: a protobuf message POSTed to a
//! signal's URL (`…/v1/traces`, `…/v1/metrics`) with `Content-Type:
//! application/x-protobuf`, gzipped unless configured otherwise, with the configured
//! headers (New Relic's `api-key`); any 2xx is success. Sent through Softly's one HTTP
//! client (reqwest, rustls) on the process's runtime: the SDK's batch processor calls in
//! from a thread of its own, outside any runtime.

use std::io::Write;

use anyhow::Context;
use flate2::write::GzEncoder;
use prost::Message;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use tokio::runtime::Handle;

use crate::config::OtlpExport;

#[derive(Debug, Clone)]
pub struct OtlpHttp {
    client: reqwest::Client,
    runtime: Handle,
    headers: HeaderMap,
    gzip: bool,
}

impl OtlpHttp {
    pub fn new(export: &OtlpExport, runtime: Handle) -> anyhow::Result<Self> {
        let mut headers = HeaderMap::new();
        for (name, value) in &export.headers {
            let mut value =
                HeaderValue::from_str(value.expose()).with_context(|| format!("the {name} header"))?;
            value.set_sensitive(true);
            headers.insert(HeaderName::from_bytes(name.as_bytes())?, value);
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-protobuf"));
        if export.gzip {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("softly/", env!("CARGO_PKG_VERSION")))
            .timeout(export.timeout)
            .pool_idle_timeout(std::time::Duration::from_secs(60))
            .build()?;
        Ok(Self {
            client,
            runtime,
            headers,
            gzip: export.gzip,
        })
    }

    /// Sends `message` to `url` and waits for the answer, from any thread.
    pub fn send<M: Message>(
        &self,
        url: &str,
        message: &M,
    ) -> impl Future<Output = anyhow::Result<()>> + Send + use<M> {
        let body = self.encode(message);
        let request = body.map(|body| self.client.post(url).headers(self.headers.clone()).body(body));
        let sent = request.map(|request| self.runtime.spawn(async move { answered(request.send().await) }));
        async move { sent?.await.context("the export was cancelled")? }
    }

    /// The message's protobuf, gzipped at the fastest level: a batch is a few hundred
    /// kilobytes of ids and attribute names that compress well even so, and compressing
    /// harder costs the service's own CPU.
    fn encode(&self, message: &impl Message) -> anyhow::Result<Vec<u8>> {
        let plain = message.encode_to_vec();
        if !self.gzip {
            return Ok(plain);
        }
        let mut gzip = GzEncoder::new(Vec::with_capacity(plain.len() / 4), flate2::Compression::fast());
        gzip.write_all(&plain)?;
        Ok(gzip.finish()?)
    }
}

fn answered(response: reqwest::Result<reqwest::Response>) -> anyhow::Result<()> {
    let response = response.context("the collector could not be reached")?;
    let status = response.status();
    anyhow::ensure!(status.is_success(), "the collector answered {status}");
    Ok(())
}
