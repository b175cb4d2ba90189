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
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::mail::{Action, Letter, Mailer};
use crate::platform::work::Work;

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

/// Lays out [`AccountEmail`]s and hands them to the mailer.
pub struct AccountEmailHandler {
    pub mailer: Arc<dyn Mailer>,
    pub from: Mailbox,
    pub app_url: String,
}

impl JobHandler<AccountEmail> for AccountEmailHandler {
    async fn run(&self, job_id: &str, job: AccountEmail) -> anyhow::Result<()> {
        let email = letter(&self.app_url, &job).to_email(job_id, &self.from, &job.to)?;
        self.mailer.send(&email).await
    }
}

/// Creates a reset token and queues its email when the account exists.
pub struct PasswordResetRequestHandler {
    pub db: Db,
    pub work: Work,
}

impl JobHandler<PasswordResetRequested> for PasswordResetRequestHandler {
    async fn run(&self, _job_id: &str, job: PasswordResetRequested) -> anyhow::Result<()> {
        let Some(user) = users::find_by_email(self.db.pool(), &job.email).await? else {
            return Ok(());
        };
        let mut work = self.work.begin().await?;
        let now = work.now_ms();
        let token =
            email_tokens::create(work.conn(), &user.id, email_tokens::Purpose::ResetPassword, now).await?;
        let email = AccountEmail {
            to: user.email,
            name: user.name,
            template: Template::PasswordReset { token },
        };
        work.enqueue(&email).await?;
        work.commit().await?;
        Ok(())
    }
}

fn letter(app_url: &str, job: &AccountEmail) -> Letter {
    let (subject, intro, action, outro) = match &job.template {
        Template::VerifyEmail { token } => (
            "Confirm your email for Softly",
            "Welcome to Softly. Confirm your email address so we can send you reminders.",
            Some((
                "Confirm my email",
                format!("{app_url}/verify-email?token={token}"),
            )),
            "The link works for 24 hours. If you did not sign up, ignore this email.",
        ),
        Template::AlreadyRegistered => (
            "You already have a Softly account",
            "Someone, perhaps you, tried to sign up to Softly with this email address, which already has an account.",
            Some(("Reset my password", format!("{app_url}/forgot-password"))),
            "If it was you, sign in instead, or reset your password. If not, you can ignore this email.",
        ),
        Template::PasswordReset { token } => (
            "Reset your Softly password",
            "We received a request to reset your Softly password.",
            Some((
                "Choose a new password",
                format!("{app_url}/reset-password?token={token}"),
            )),
            "The link works for one hour and only once. If you did not ask for it, ignore this email: your password stays as it is.",
        ),
        Template::PasswordChanged => (
            "Your Softly password was changed",
            "Your Softly password was just changed, and your other devices were signed out.",
            None,
            "If this was not you, reset your password at once and contact support@mysoftly.app.",
        ),
    };
    Letter {
        subject: subject.to_string(),
        name: job.name.clone(),
        intro: intro.to_string(),
        list: Vec::new(),
        action: action.map(|(label, url)| Action {
            label: label.to_string(),
            url,
        }),
        links: Vec::new(),
        outro: outro.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_links_point_at_the_web_app() {
        let job = AccountEmail {
            to: "a@example.com".into(),
            name: "Ada".into(),
            template: Template::VerifyEmail { token: "abc".into() },
        };
        let letter = letter("https://app.example", &job);
        let link = letter.action.as_ref().map(|a| a.url.as_str());
        assert_eq!(link, Some("https://app.example/verify-email?token=abc"));
        assert!(
            letter
                .render()
                .html
                .contains("https://app.example/verify-email?token=abc")
        );
    }

    #[test]
    fn the_password_changed_notice_has_no_link() {
        let job = AccountEmail {
            to: "a@example.com".into(),
            name: "Ada".into(),
            template: Template::PasswordChanged,
        };
        assert!(letter("https://app.example", &job).action.is_none());
    }
}
