use anyhow::Context;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

/// An email ready to send: both a text and an HTML part.
#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    /// Stable across retries; becomes the Message-ID.
    pub id: String,
    pub from: Mailbox,
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one link the message is about, for development logs.
    pub action_url: Option<String>,
}

impl OutgoingEmail {
    /// The message as RFC 5322 bytes, MIME multipart/alternative.
    pub fn to_rfc5322(&self) -> anyhow::Result<Vec<u8>> {
        let domain = self.from.email.domain().to_string();
        let message = Message::builder()
            .message_id(Some(format!("<{}@{domain}>", self.id)))
            .from(self.from.clone())
            .to(self.to.clone())
            .subject(&self.subject)
            .multipart(MultiPart::alternative_plain_html(
                self.text.clone(),
                self.html.clone(),
            ))
            .context("while building an email")?;
        Ok(message.formatted())
    }
}
