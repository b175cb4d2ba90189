//! The mailer: one interface, an embedded transport that writes `.eml` files, and the
//! message builder they share. SES joins in production.

mod file;
mod message;

use std::future::Future;
use std::pin::Pin;

pub use file::FileMailer;
pub use message::OutgoingEmail;

/// Sends one email. Implementations must be idempotent on [`OutgoingEmail::id`]: a job
/// retried after a crash may hand over the same message twice.
pub trait Mailer: Send + Sync + 'static {
    fn send<'a>(
        &'a self,
        email: &'a OutgoingEmail,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>>;
}
