use std::future::Future;
use std::pin::Pin;

use anyhow::Context;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{EmailContent, RawMessage};

use super::{Mailer, OutgoingEmail};
use crate::config::SesSettings;

/// Amazon SES v2: the same MIME message the file mailer writes, sent as raw content.
/// Credentials come from the standard AWS chain (the ECS task role in production).
///
/// Delivery is at least once: a worker that dies after SES accepted a message and
/// before its job completed sends it again on retry (the same Message-ID, so mail
/// clients thread the two together).
pub struct SesMailer {
    client: Client,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub async fn connect(settings: &SesSettings) -> Self {
        let shared = crate::platform::aws::sdk_config(&settings.region).await;
        let mut config = aws_sdk_sesv2::config::Builder::from(&shared);
        if let Some(endpoint) = &settings.endpoint {
            config = config.endpoint_url(endpoint);
        }
        Self {
            client: Client::from_conf(config.build()),
            configuration_set: settings.configuration_set.clone(),
        }
    }
}

impl Mailer for SesMailer {
    fn send<'a>(
        &'a self,
        email: &'a OutgoingEmail,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let raw = RawMessage::builder()
                .data(Blob::new(email.to_rfc5322()?))
                .build()
                .context("while building an SES message")?;
            let sent = self
                .client
                .send_email()
                .from_email_address(email.from.to_string())
                .destination(
                    aws_sdk_sesv2::types::Destination::builder()
                        .to_addresses(email.to.email.to_string())
                        .build(),
                )
                .content(EmailContent::builder().raw(raw).build())
                .set_configuration_set_name(self.configuration_set.clone())
                .send()
                .await
                .context("while sending through SES")?;
            tracing::info!(
                to = %email.to.email, subject = %email.subject,
                ses_message_id = sent.message_id().unwrap_or_default(), "email sent"
            );
            Ok(())
        })
    }
}
