//! The mailer: one interface, an embedded transport that writes `.eml` files, and the
//! message builder they share; SES in production; SMTP for self-hosters.

mod file;
pub mod letter;
mod message;
mod ses;
mod smtp;

use std::future::Future;
use std::pin::Pin;

pub use file::FileMailer;
pub use letter::{Action, Entry, Letter, SendLetter, SendLetterHandler, escape_html};
pub use message::OutgoingEmail;
pub use ses::SesMailer;
pub use smtp::SmtpMailer;

/// Sends one email. Implementations must be idempotent on [`OutgoingEmail::id`]: a job
/// retried after a crash may hand over the same message twice.
pub trait Mailer: Send + Sync + 'static {
    fn send<'a>(
        &'a self,
        email: &'a OutgoingEmail,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
}

/// The mailer the configuration names.
pub fn connect(config: &crate::config::Config) -> anyhow::Result<std::sync::Arc<dyn Mailer>> {
    Ok(std::sync::Arc::new(Counted(transport(config)?)))
}

/// Counts what the transport did with each email in the metrics.
struct Counted(std::sync::Arc<dyn Mailer>);

impl Mailer for Counted {
    fn send<'a>(
        &'a self,
        email: &'a OutgoingEmail,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let sent = self.0.send(email).await;
            crate::platform::metrics::metrics().email(if sent.is_ok() { "sent" } else { "failed" });
            sent
        })
    }
}

fn transport(config: &crate::config::Config) -> anyhow::Result<std::sync::Arc<dyn Mailer>> {
    Ok(match &config.mail_transport {
        crate::config::MailTransport::File => {
            std::sync::Arc::new(FileMailer::new(config.data_dir.join("mail")))
        }
        crate::config::MailTransport::Ses(ses) => std::sync::Arc::new(SesMailer::connect(ses)?),
        crate::config::MailTransport::Smtp(url) => std::sync::Arc::new(SmtpMailer::new(url)?),
    })
}
