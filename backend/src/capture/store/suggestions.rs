//! The `document_suggestions` table: one reading per document, its status and what it
//! suggests.

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row};

use crate::capture::domain::document::DocumentSuggestions;

#[derive(Debug, Clone)]
pub struct Reading {
    pub document_id: String,
    pub user_id: String,
    /// reading, ready, failed or accepted.
    pub status: String,
    pub reader: String,
    pub fields: Option<DocumentSuggestions>,
    pub failure_reason: Option<String>,
    pub read_id: String,
    pub updated_at: i64,
}

fn from_row(row: &AnyRow) -> sqlx::Result<Reading> {
    let fields: Option<String> = row.try_get("fields")?;
    Ok(Reading {
        document_id: row.try_get("document_id")?,
        user_id: row.try_get("user_id")?,
        status: row.try_get("status")?,
        reader: row.try_get("reader")?,
        fields: match fields {
            Some(raw) => Some(
                serde_json::from_str(&raw)
                    .map_err(|_| sqlx::Error::Decode("document_suggestions.fields is not suggestions".into()))?,
            ),
            None => None,
        },
        failure_reason: row.try_get("failure_reason")?,
        read_id: row.try_get("read_id")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// `user_id`'s reading of `document_id` (`lock`: `FOR UPDATE` or nothing).
pub async fn of_document<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    document_id: &str,
) -> sqlx::Result<Option<Reading>> {
    sqlx::query(
        "SELECT document_id, user_id, status, reader, fields, failure_reason, read_id, updated_at
         FROM document_suggestions WHERE document_id = $1 AND user_id = $2",
    )
    .bind(document_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

/// Starts a new reading of the document (replacing any earlier one).
pub async fn start(conn: &mut AnyConnection, user_id: &str, document_id: &str, reader: &str, now: i64) -> sqlx::Result<Reading> {
    let read_id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO document_suggestions (document_id, user_id, status, reader, read_id, created_at, updated_at)
         VALUES ($1, $2, 'reading', $3, $4, $5, $5)
         ON CONFLICT (document_id) DO UPDATE SET status = 'reading', reader = excluded.reader, fields = NULL,
             failure_reason = NULL, read_id = excluded.read_id, updated_at = excluded.updated_at",
    )
    .bind(document_id)
    .bind(user_id)
    .bind(reader)
    .bind(&read_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(of_document(conn, user_id, document_id).await?.expect("just written"))
}

/// The reading `read_id` finished: ready with `fields`, or failed with `reason`.
pub async fn finish(
    conn: &mut AnyConnection,
    read_id: &str,
    fields: Option<&DocumentSuggestions>,
    reason: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    let status = if reason.is_some() { "failed" } else { "ready" };
    sqlx::query(
        "UPDATE document_suggestions SET status = $2, fields = $3, failure_reason = $4, updated_at = $5
         WHERE read_id = $1 AND status = 'reading'",
    )
    .bind(read_id)
    .bind(status)
    .bind(fields.map(|f| serde_json::to_string(f).expect("suggestions serialise")))
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_read<'e>(db: impl Executor<'e, Database = Any>, read_id: &str) -> sqlx::Result<Option<Reading>> {
    sqlx::query(
        "SELECT document_id, user_id, status, reader, fields, failure_reason, read_id, updated_at
         FROM document_suggestions WHERE read_id = $1",
    )
    .bind(read_id)
    .fetch_optional(db)
    .await?
    .as_ref()
    .map(from_row)
    .transpose()
}

pub async fn set_accepted(conn: &mut AnyConnection, document_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE document_suggestions SET status = 'accepted', updated_at = $2 WHERE document_id = $1")
        .bind(document_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete<'e>(db: impl Executor<'e, Database = Any>, document_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM document_suggestions WHERE document_id = $1")
        .bind(document_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_all_of(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM document_suggestions WHERE user_id = $1").bind(user_id).execute(conn).await?;
    Ok(())
}
