use std::future::Future;
use std::pin::Pin;

use anyhow::Context;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{Mailer, OutgoingEmail};
use crate::config::Secret;

/// Any SMTP server, for self-hosters: `SMTP_URL` as lettre reads it (`smtps://` for TLS
/// from the start, `smtp://…?tls=required` for STARTTLS). The same MIME message the
/// other transports send; connections are pooled.
///
/// Delivery is at least once, as with SES: a worker that dies after the server accepted
/// a message and before its job completed sends it again (the same Message-ID).
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl SmtpMailer {
    pub fn new(url: &Secret) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .context("SMTP_URL is not a usable SMTP URL")?
            .build();
        Ok(Self { transport })
    }
}

impl Mailer for SmtpMailer {
    fn send<'a>(
        &'a self,
        email: &'a OutgoingEmail,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let envelope = Envelope::new(Some(email.from.email.clone()), vec![email.to.email.clone()])
                .context("while addressing an email")?;
            let response = self
                .transport
                .send_raw(&envelope, &email.to_rfc5322()?)
                .await
                .context("while sending through SMTP")?;
            tracing::info!(
                to = %email.to.email, subject = %email.subject,
                smtp_code = %response.code(), "email sent"
            );
            Ok(())
        })
    }
}
