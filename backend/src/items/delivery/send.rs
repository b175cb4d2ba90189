//! The jobs that send reminder emails: one per reminder, or one digest per user.

use std::sync::Arc;

use jiff::civil::Date;
use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};

use super::letters::{self, Reminded};
use crate::items::context::Items;
use crate::items::store::history::{self, Action, Entry};
use crate::items::store::items::{self, Item};
use crate::items::store::reminders::DueReminder;
use crate::items::store::{links, reminders, sends};
use crate::platform::jobs::{Job, JobHandler};
use crate::platform::mail::Mailer;

/// Send one reminder's email for the occurrence due on `due_on`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendReminder {
    pub reminder_id: String,
    pub item_id: String,
    pub user_id: String,
    #[serde(with = "civil_date")]
    pub due_on: Date,
}

impl Job for SendReminder {
    const KIND: &'static str = "items.send_reminder";
    /// Backoff is capped at an hour: about a day of retries before an operator looks.
    const MAX_ATTEMPTS: i64 = 30;
}

impl SendReminder {
    pub(super) fn of(due: &DueReminder) -> Self {
        Self {
            reminder_id: due.id.clone(),
            item_id: due.item_id.clone(),
            user_id: due.user_id.clone(),
            due_on: due.due_on,
        }
    }
}

/// One reminder in a digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DigestEntry {
    pub reminder_id: String,
    pub item_id: String,
    #[serde(with = "civil_date")]
    pub due_on: Date,
}

impl DigestEntry {
    pub(super) fn of(due: &DueReminder) -> Self {
        Self {
            reminder_id: due.id.clone(),
            item_id: due.item_id.clone(),
            due_on: due.due_on,
        }
    }
}

/// Send one user the reminders of their digest in one email.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendDigest {
    pub user_id: String,
    pub entries: Vec<DigestEntry>,
}

impl Job for SendDigest {
    const KIND: &'static str = "items.send_digest";
    const MAX_ATTEMPTS: i64 = 30;
}

/// What both jobs send with.
#[derive(Clone)]
pub struct Courier {
    pub items: Items,
    pub mailer: Arc<dyn Mailer>,
    pub from: Mailbox,
}

pub struct SendReminderHandler(pub Courier);
pub struct SendDigestHandler(pub Courier);

impl JobHandler<SendReminder> for SendReminderHandler {
    async fn run(&self, _job_id: &str, job: SendReminder) -> anyhow::Result<()> {
        let courier = &self.0;
        let Some(reminded) = courier
            .still_due(&job.user_id, &job.reminder_id, &job.item_id, job.due_on)
            .await?
        else {
            return Ok(());
        };
        let Some(user) = courier.items.directory.find(&job.user_id).await? else {
            return Ok(());
        };
        let now = courier.items.clock.now_ms();
        let letter = letters::reminder(&courier.items, &user, &reminded, now);
        let message_id = format!("reminder-{}-{}", job.reminder_id, job.due_on);
        courier
            .mailer
            .send(&letter.to_email(&message_id, &courier.from, &user.email)?)
            .await?;
        courier.record(&job.user_id, &[(job.reminder_id.as_str(), &reminded.item)]).await?;
        tracing::info!(item_id = %job.item_id, reminder_id = %job.reminder_id, "reminder sent");
        Ok(())
    }
}

impl JobHandler<SendDigest> for SendDigestHandler {
    async fn run(&self, job_id: &str, job: SendDigest) -> anyhow::Result<()> {
        let courier = &self.0;
        let mut due = Vec::new();
        for entry in &job.entries {
            if let Some(reminded) = courier
                .still_due(&job.user_id, &entry.reminder_id, &entry.item_id, entry.due_on)
                .await?
            {
                due.push((entry.reminder_id.as_str(), reminded));
            }
        }
        if due.is_empty() {
            return Ok(());
        }
        let Some(user) = courier.items.directory.find(&job.user_id).await? else {
            return Ok(());
        };
        let now = courier.items.clock.now_ms();
        let mut items: Vec<&Reminded> = due.iter().map(|(_, reminded)| reminded).collect();
        items.sort_by_key(|reminded| (reminded.item.due_on, reminded.item.due_time));
        items.dedup_by_key(|reminded| reminded.item.id.clone());
        let letter = letters::digest(&courier.items, &user, &items, now);
        courier
            .mailer
            .send(&letter.to_email(&format!("digest-{job_id}"), &courier.from, &user.email)?)
            .await?;
        let sent: Vec<(&str, &Item)> = due.iter().map(|(id, reminded)| (*id, &reminded.item)).collect();
        courier.record(&job.user_id, &sent).await?;
        tracing::info!(user_id = %job.user_id, reminders = sent.len(), "digest sent");
        Ok(())
    }
}

impl Courier {
    /// The item and what to say of it, when reminder `reminder_id` of item `item_id` is
    /// still to be sent for the occurrence due on `due_on`: the item is open, out of the
    /// trash, still at that occurrence and still has the reminder, and nothing was sent
    /// for it yet. None otherwise: the email does not go out.
    async fn still_due(
        &self,
        user_id: &str,
        reminder_id: &str,
        item_id: &str,
        due_on: Date,
    ) -> anyhow::Result<Option<Reminded>> {
        let db = self.items.db.pool();
        let Some(item) = items::find(db, item_id).await? else {
            return Ok(None);
        };
        if item.user_id != user_id || !item.remindable() || item.due_on != due_on {
            return Ok(None);
        }
        if !reminders::of_item(db, item_id, "").await?.iter().any(|r| r.id == reminder_id) {
            return Ok(None);
        }
        if sends::exists(db, reminder_id, due_on).await? {
            return Ok(None);
        }
        let linked = links::of_item(db, &item.id).await?;
        let documents = self.items.documents.owned(user_id, &linked).await?;
        Ok(Some(Reminded { item, documents }))
    }

    /// Records that the reminders were handed to the mailer, and notes it in each item's
    /// history.
    async fn record(&self, user_id: &str, sent: &[(&str, &Item)]) -> anyhow::Result<()> {
        let mut work = self.items.work.begin().await?;
        let now = work.now_ms();
        for (reminder_id, item) in sent {
            sends::record(work.conn(), reminder_id, item.due_on, user_id, now).await?;
            history::record(work.conn(), &Entry::new(item, Action::Reminded, now)).await?;
        }
        work.commit().await?;
        Ok(())
    }
}

/// A civil date as `YYYY-MM-DD` in a job's payload.
mod civil_date {
    use jiff::civil::Date;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&date.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}
