//! The `capture_settings` table: whether a user lets documents be read by a model, and
//! since when.

use sqlx::{Any, AnyConnection, Executor, Row};

/// A user's choice; off without a row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    pub ai_document_reading: bool,
    /// When it was last turned on (ms).
    pub since: Option<i64>,
}

impl Settings {
    /// Whether a document stored at `created_at` may be sent in the background.
    pub fn reads_in_background(&self, created_at: i64) -> bool {
        self.ai_document_reading && self.since.is_some_and(|since| since <= created_at)
    }
}

pub async fn get<'e>(db: impl Executor<'e, Database = Any>, user_id: &str) -> sqlx::Result<Settings> {
    let row = sqlx::query("SELECT ai_document_reading, ai_document_reading_since FROM capture_settings WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    Ok(match row {
        Some(row) => Settings {
            ai_document_reading: row.try_get::<i64, _>("ai_document_reading")? != 0,
            since: row.try_get("ai_document_reading_since")?,
        },
        None => Settings::default(),
    })
}

/// Turns reading on (from `now`, unless it was on already) or off.
pub async fn set(conn: &mut AnyConnection, user_id: &str, on: bool, now: i64) -> sqlx::Result<Settings> {
    sqlx::query(
        "INSERT INTO capture_settings (user_id, ai_document_reading, ai_document_reading_since, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET
             ai_document_reading = excluded.ai_document_reading,
             ai_document_reading_since = CASE
                 WHEN excluded.ai_document_reading = 0 THEN NULL
                 WHEN capture_settings.ai_document_reading = 1 THEN capture_settings.ai_document_reading_since
                 ELSE excluded.ai_document_reading_since END,
             updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(on as i64)
    .bind(on.then_some(now))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    get(conn, user_id).await
}

pub async fn forget(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM capture_settings WHERE user_id = $1").bind(user_id).execute(conn).await?;
    Ok(())
}
