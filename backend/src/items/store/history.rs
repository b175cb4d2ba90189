//! The `item_history` table: what happened to each occurrence of an item.

use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Executor, Row};

use super::{stored_date, stored_optional_date, undecodable};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Completed,
    Skipped,
    /// The occurrence was moved on its own (`detail`: where to).
    Moved,
    /// A snooze was set (`detail`: until when).
    Snoozed,
    /// A reminder email went out.
    Reminded,
}

impl Action {
    pub const ALL: [Self; 5] = [
        Self::Completed,
        Self::Skipped,
        Self::Moved,
        Self::Snoozed,
        Self::Reminded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Skipped => "skipped",
            Self::Moved => "moved",
            Self::Snoozed => "snoozed",
            Self::Reminded => "reminded",
        }
    }

    fn from_stored(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

/// One line of an item's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub item_id: String,
    pub action: Action,
    /// The occurrence, as the series placed it, and when it was due.
    pub occurrence_on: Date,
    pub due_on: Date,
    /// The day it was done (completions).
    pub done_on: Option<Date>,
    pub detail: Option<String>,
    pub at: i64,
}

impl Entry {
    pub fn new(item: &super::items::Item, action: Action, at: i64) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            item_id: item.id.clone(),
            action,
            occurrence_on: item.occurrence_on,
            due_on: item.due_on,
            done_on: None,
            detail: None,
            at,
        }
    }
}

fn from_row(row: &AnyRow) -> sqlx::Result<Entry> {
    let action: String = row.try_get("action")?;
    Ok(Entry {
        id: row.try_get("id")?,
        item_id: row.try_get("item_id")?,
        action: Action::from_stored(&action).ok_or_else(|| undecodable("action", &action))?,
        occurrence_on: stored_date(row, "occurrence_on")?,
        due_on: stored_date(row, "due_on")?,
        done_on: stored_optional_date(row, "done_on")?,
        detail: row.try_get("detail")?,
        at: row.try_get("at")?,
    })
}

pub async fn record(conn: &mut AnyConnection, entry: &Entry) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO item_history (id, item_id, action, occurrence_on, due_on, done_on, detail, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&entry.id)
    .bind(&entry.item_id)
    .bind(entry.action.as_str())
    .bind(entry.occurrence_on.to_string())
    .bind(entry.due_on.to_string())
    .bind(entry.done_on.map(|d| d.to_string()))
    .bind(entry.detail.clone())
    .bind(entry.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Up to `limit` entries of `item_id` older than `before` (an entry id), newest first.
pub async fn of_item<'e>(
    db: impl Executor<'e, Database = Any>,
    item_id: &str,
    before: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    let mut sql = String::from(
        "SELECT id, item_id, action, occurrence_on, due_on, done_on, detail, at FROM item_history WHERE item_id = $1",
    );
    if before.is_some() {
        sql += " AND id < $2";
    }
    sql += &format!(" ORDER BY id DESC LIMIT {limit}");
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(item_id);
    if let Some(before) = before {
        query = query.bind(before);
    }
    query
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}
