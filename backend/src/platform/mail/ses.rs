use std::future::Future;
use std::pin::Pin;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use reqwest::{Method, Url};

use super::{Mailer, OutgoingEmail};
use crate::config::SesSettings;
use crate::platform::aws::{AwsClient, Body, Request};

/// Amazon SES v2: the same MIME message the file mailer writes, sent as raw content
/// (`POST /v2/email/outbound-emails`). Credentials come from the standard chain (the
/// ECS task role in production): see [`crate::platform::aws::credentials`].
///
/// Delivery is at least once: a worker that dies after SES accepted a message and
/// before its job completed sends it again on retry (the same Message-ID, so mail
/// clients thread the two together).
pub struct SesMailer {
    aws: AwsClient,
    outbound: Url,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn connect(settings: &SesSettings) -> anyhow::Result<Self> {
        let base = match &settings.endpoint {
            Some(endpoint) => endpoint.trim_end_matches('/').to_string(),
            None => format!("https://email.{}.amazonaws.com", settings.region),
        };
        let raw = format!("{base}/v2/email/outbound-emails");
        Ok(Self {
            aws: AwsClient::from_environment("ses", &settings.region)?,
            outbound: Url::parse(&raw).with_context(|| format!("{raw:?} is not a URL for SES"))?,
            configuration_set: settings.configuration_set.clone(),
        })
    }
}

/// `SendEmail`'s request, as SES v2 names its fields.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendEmail<'a> {
    from_email_address: String,
    destination: Destination,
    content: Content,
    #[serde(skip_serializing_if = "Option::is_none")]
    configuration_set_name: Option<&'a str>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Destination {
    to_addresses: Vec<String>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Content {
    raw: Raw,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Raw {
    /// The whole MIME message, base64.
    data: String,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Sent {
    message_id: Option<String>,
}

impl Mailer for SesMailer {
    fn send<'a>(
        &'a self,
        email: &'a OutgoingEmail,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let request = SendEmail {
                from_email_address: email.from.to_string(),
                destination: Destination {
                    to_addresses: vec![email.to.email.to_string()],
                },
                content: Content {
                    raw: Raw {
                        data: STANDARD.encode(email.to_rfc5322()?),
                    },
                },
                configuration_set_name: self.configuration_set.as_deref(),
            };
            let body = serde_json::to_vec(&request).context("while building an SES message")?;
            let request = Request {
                method: Method::POST,
                url: self.outbound.clone(),
                headers: vec![("content-type".into(), "application/json".into())],
                body: Body::Bytes(Bytes::from(body)),
            };
            let response = self
                .aws
                .send(&request)
                .await
                .context("while sending through SES")?;
            let sent: Sent = response.json().await.context("while reading SES's answer")?;
            tracing::info!(
                to = %email.to.email, subject = %email.subject,
                ses_message_id = sent.message_id.unwrap_or_default(), "email sent"
            );
            Ok(())
        })
    }
}
