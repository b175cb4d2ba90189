//! The emails of the accounts capability, sent by background jobs.
//!
//! The job carries what the message needs (for links, the token itself: the job row is
//! deleted once the message is handed over). Rendering happens in the worker; the job
//! id becomes the message id, so a retried job rewrites the same message.

use std::sync::Arc;

use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};

use super::store::{email_tokens, users};
use crate::platform::db::Db;
use crate::platform::jobs::{self, Job, JobHandler, JobQueue};
use crate::platform::mail::{Mailer, OutgoingEmail};
use crate::platform::time::now_ms;

/// An email to one account holder.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccountEmail {
    pub to: String,
    pub name: String,
    pub template: Template,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum Template {
    VerifyEmail { token: String },
    AlreadyRegistered,
    PasswordReset { token: String },
    PasswordChanged,
}

impl Job for AccountEmail {
    const KIND: &'static str = "account_email";
}

/// Someone asked to reset the password of `email`; whether the account exists is
/// decided here, off the request, so the answer takes the same time either way.
#[derive(Debug, Serialize, Deserialize)]
pub struct PasswordResetRequested {
    pub email: String,
}

impl Job for PasswordResetRequested {
    const KIND: &'static str = "password_reset_requested";
}

/// Renders [`AccountEmail`]s and hands them to the mailer.
pub struct AccountEmailHandler {
    pub mailer: Arc<dyn Mailer>,
    pub from: Mailbox,
    pub app_url: String,
}

impl JobHandler<AccountEmail> for AccountEmailHandler {
    async fn run(&self, job_id: &str, job: AccountEmail) -> anyhow::Result<()> {
        let to: Mailbox = format!("{} <{}>", quote(&job.name), job.to)
            .parse()
            .or_else(|_| job.to.parse())
            .map_err(|e| anyhow::anyhow!("recipient does not parse: {e}"))?;
        let rendered = render(&self.app_url, &job);
        let email = OutgoingEmail {
            id: job_id.to_string(),
            from: self.from.clone(),
            to,
            subject: rendered.subject.to_string(),
            text: rendered.text,
            html: rendered.html,
            action_url: rendered.link,
        };
        self.mailer.send(&email).await
    }
}

/// Creates a reset token and queues its email when the account exists.
pub struct PasswordResetRequestHandler {
    pub db: Db,
    pub jobs: JobQueue,
}

impl JobHandler<PasswordResetRequested> for PasswordResetRequestHandler {
    async fn run(&self, _job_id: &str, job: PasswordResetRequested) -> anyhow::Result<()> {
        let Some(user) = users::find_by_email(self.db.pool(), &job.email).await? else {
            return Ok(());
        };
        let mut tx = self.db.pool().begin().await?;
        let token =
            email_tokens::create(&mut *tx, &user.id, email_tokens::Purpose::ResetPassword, now_ms()).await?;
        let email = AccountEmail {
            to: user.email,
            name: user.name,
            template: Template::PasswordReset { token },
        };
        jobs::enqueue(&mut tx, &email).await?;
        tx.commit().await?;
        self.jobs.wake();
        Ok(())
    }
}

struct Rendered {
    subject: &'static str,
    text: String,
    html: String,
    link: Option<String>,
}

fn render(app_url: &str, job: &AccountEmail) -> Rendered {
    let name = &job.name;
    let (subject, intro, link, action, outro) = match &job.template {
        Template::VerifyEmail { token } => (
            "Confirm your email for Softly",
            "Welcome to Softly. Confirm your email address so we can send you reminders.",
            Some(format!("{app_url}/verify-email?token={token}")),
            "Confirm my email",
            "The link works for 24 hours. If you did not sign up, ignore this email.",
        ),
        Template::AlreadyRegistered => (
            "You already have a Softly account",
            "Someone, perhaps you, tried to sign up to Softly with this email address, which already has an account.",
            Some(format!("{app_url}/forgot-password")),
            "Reset my password",
            "If it was you, sign in instead, or reset your password. If not, you can ignore this email.",
        ),
        Template::PasswordReset { token } => (
            "Reset your Softly password",
            "We received a request to reset your Softly password.",
            Some(format!("{app_url}/reset-password?token={token}")),
            "Choose a new password",
            "The link works for one hour and only once. If you did not ask for it, ignore this email: your password stays as it is.",
        ),
        Template::PasswordChanged => (
            "Your Softly password was changed",
            "Your Softly password was just changed, and your other devices were signed out.",
            None,
            "",
            "If this was not you, reset your password at once and contact support@mysoftly.app.",
        ),
    };
    let mut text = format!("Hello {name},\n\n{intro}\n\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">\
         <p>Hello {},</p><p>{}</p>",
        escape_html(name),
        escape_html(intro)
    );
    if let Some(link) = &link {
        text.push_str(&format!("{action}: {link}\n\n"));
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>",
            escape_html(link),
            escape_html(action)
        ));
    }
    text.push_str(&format!("{outro}\n\n— Softly\n"));
    html.push_str(&format!(
        "<p>{}</p><p>— Softly</p></body></html>",
        escape_html(outro)
    ));
    Rendered {
        subject,
        text,
        html,
        link,
    }
}

fn escape_html(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A display name as an RFC 5322 quoted string.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_in_html() {
        let job = AccountEmail {
            to: "a@example.com".into(),
            name: "<script>x</script>".into(),
            template: Template::PasswordChanged,
        };
        let rendered = render("https://app.example", &job);
        assert!(!rendered.html.contains("<script>"));
        assert!(rendered.text.contains("<script>"));
    }

    #[test]
    fn verification_links_point_at_the_web_app() {
        let job = AccountEmail {
            to: "a@example.com".into(),
            name: "Ada".into(),
            template: Template::VerifyEmail { token: "abc".into() },
        };
        let rendered = render("https://app.example", &job);
        assert_eq!(
            rendered.link.as_deref(),
            Some("https://app.example/verify-email?token=abc")
        );
        assert!(
            rendered
                .html
                .contains("https://app.example/verify-email?token=abc")
        );
    }
}
