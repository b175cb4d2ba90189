use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Executor, Row};

use crate::vault::domain::{DocumentKind, DocumentStatus};

/// A document as stored.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub user_id: String,
    pub title: String,
    pub kind: DocumentKind,
    pub issued_on: Option<String>,
    pub expires_on: Option<String>,
    pub notes: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub byte_size: i64,
    pub checksum_sha256: String,
    pub status: DocumentStatus,
    pub failure_reason: Option<String>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A stored value that names no variant: the row is refused, not guessed at.
fn undecodable(column: &str, raw: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("{raw:?} is not a known value").into(),
    }
}

const COLUMNS: &str = "id, user_id, title, kind, issued_on, expires_on, notes, filename, content_type, \
    byte_size, checksum_sha256, status, failure_reason, width, height, object_key, thumbnail_key, \
    created_at, updated_at";

fn from_row(row: &AnyRow) -> sqlx::Result<Document> {
    Ok(Document {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        title: row.try_get("title")?,
        kind: {
            let raw: String = row.try_get("kind")?;
            DocumentKind::from_stored(&raw).ok_or_else(|| undecodable("kind", &raw))?
        },
        issued_on: row.try_get("issued_on")?,
        expires_on: row.try_get("expires_on")?,
        notes: row.try_get("notes")?,
        filename: row.try_get("filename")?,
        content_type: row.try_get("content_type")?,
        byte_size: row.try_get("byte_size")?,
        checksum_sha256: row.try_get("checksum_sha256")?,
        status: {
            let raw: String = row.try_get("status")?;
            DocumentStatus::from_stored(&raw).ok_or_else(|| undecodable("status", &raw))?
        },
        failure_reason: row.try_get("failure_reason")?,
        width: row.try_get("width")?,
        height: row.try_get("height")?,
        object_key: row.try_get("object_key")?,
        thumbnail_key: row.try_get("thumbnail_key")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn insert<'e>(db: impl Executor<'e, Database = Any>, d: &Document) -> sqlx::Result<()> {
    let sql = format!(
        "INSERT INTO documents ({COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(&d.id)
        .bind(&d.user_id)
        .bind(&d.title)
        .bind(d.kind.as_str())
        .bind(&d.issued_on)
        .bind(&d.expires_on)
        .bind(&d.notes)
        .bind(&d.filename)
        .bind(&d.content_type)
        .bind(d.byte_size)
        .bind(&d.checksum_sha256)
        .bind(d.status.as_str())
        .bind(&d.failure_reason)
        .bind(d.width)
        .bind(d.height)
        .bind(&d.object_key)
        .bind(&d.thumbnail_key)
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(db)
        .await?;
    Ok(())
}

/// The document `id` if `user_id` owns it.
pub async fn find_owned<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    id: &str,
) -> sqlx::Result<Option<Document>> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE id = $1 AND user_id = $2");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Those of `ids` that `user_id` owns, in no particular order.
pub async fn find_owned_many<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    ids: &[String],
) -> sqlx::Result<Vec<Document>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM documents WHERE user_id = $1 AND id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(user_id);
    for id in ids {
        query = query.bind(id);
    }
    query.fetch_all(db).await?.iter().map(from_row).collect()
}

/// Any user's document, for background jobs.
pub async fn find<'e>(db: impl Executor<'e, Database = Any>, id: &str) -> sqlx::Result<Option<Document>> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE id = $1");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Up to `limit` of the user's documents older than `before` (an id), newest first.
pub async fn list<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    kind: Option<&str>,
    before: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Document>> {
    let mut sql = format!("SELECT {COLUMNS} FROM documents WHERE user_id = $1");
    let mut next = 2;
    if kind.is_some() {
        sql.push_str(&format!(" AND kind = ${next}"));
        next += 1;
    }
    if before.is_some() {
        sql.push_str(&format!(" AND id < ${next}"));
        next += 1;
    }
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ${next}"));
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(user_id);
    if let Some(kind) = kind {
        query = query.bind(kind);
    }
    if let Some(before) = before {
        query = query.bind(before);
    }
    query
        .bind(limit)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect::<sqlx::Result<_>>()
}

/// Writes the user-editable fields of `d`.
pub async fn update_details<'e>(db: impl Executor<'e, Database = Any>, d: &Document) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE documents SET title = $1, kind = $2, issued_on = $3, expires_on = $4, notes = $5, updated_at = $6
         WHERE id = $7 AND user_id = $8",
    )
    .bind(&d.title)
    .bind(d.kind.as_str())
    .bind(&d.issued_on)
    .bind(&d.expires_on)
    .bind(&d.notes)
    .bind(d.updated_at)
    .bind(&d.id)
    .bind(&d.user_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes the row; answers whether there was one.
pub async fn delete<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    id: &str,
) -> sqlx::Result<bool> {
    let result = sqlx::query("DELETE FROM documents WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// The outcome of processing, written only while the document is still processing;
/// answers whether it was written (false: the document is gone or already settled).
pub async fn settle<'e>(
    db: impl Executor<'e, Database = Any>,
    id: &str,
    outcome: &Outcome,
    now: i64,
) -> sqlx::Result<bool> {
    let (status, reason, width, height, thumbnail) = match outcome {
        Outcome::Ready {
            width,
            height,
            thumbnail_key,
        } => (
            DocumentStatus::Ready,
            None,
            *width,
            *height,
            thumbnail_key.as_deref(),
        ),
        Outcome::Failed { reason } => (DocumentStatus::Failed, Some(reason.as_str()), None, None, None),
    };
    let result = sqlx::query(
        "UPDATE documents SET status = $1, failure_reason = $2, width = $3, height = $4, thumbnail_key = $5,
             updated_at = $6
         WHERE id = $7 AND status = 'processing'",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(width)
    .bind(height)
    .bind(thumbnail)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// How processing ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Ready {
        width: Option<i64>,
        height: Option<i64>,
        thumbnail_key: Option<String>,
    },
    Failed {
        reason: String,
    },
}

/// Every object key the user's documents occupy.
pub async fn object_keys_of_user<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query("SELECT object_key, thumbnail_key FROM documents WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db)
        .await?;
    let mut keys = Vec::with_capacity(rows.len() * 2);
    for row in &rows {
        keys.push(row.try_get("object_key")?);
        keys.extend(row.try_get::<Option<String>, _>("thumbnail_key")?);
    }
    Ok(keys)
}

/// Deletes every document of the user; answers how many went.
pub async fn delete_all_of_user<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
) -> sqlx::Result<u64> {
    let result = sqlx::query("DELETE FROM documents WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(result.rows_affected())
}
