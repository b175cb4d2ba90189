//! The `captures` table.

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Executor, Row};

use crate::capture::domain::{AudioType, CaptureStatus, Proposal, Source};

/// A stored capture.
#[derive(Debug, Clone)]
pub struct Capture {
    pub id: String,
    pub user_id: String,
    pub source: Source,
    pub status: CaptureStatus,
    pub failure_reason: Option<String>,
    pub audio_key: Option<String>,
    pub audio_type: Option<AudioType>,
    pub audio_bytes: Option<i64>,
    pub audio_ms: Option<i64>,
    pub transcript: Option<String>,
    pub proposals: Option<Vec<Proposal>>,
    pub extractor: Option<String>,
    pub item_ids: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, user_id, source, status, failure_reason, audio_key, audio_type, audio_bytes, \
    audio_ms, transcript, proposals, extractor, item_ids, created_at, updated_at";

fn undecodable(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("captures.{column} holds {value:?}").into())
}

fn from_row(row: &AnyRow) -> sqlx::Result<Capture> {
    let source: String = row.try_get("source")?;
    let status: String = row.try_get("status")?;
    let audio_type: Option<String> = row.try_get("audio_type")?;
    let proposals: Option<String> = row.try_get("proposals")?;
    let item_ids: Option<String> = row.try_get("item_ids")?;
    Ok(Capture {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        source: Source::from_stored(&source).ok_or_else(|| undecodable("source", &source))?,
        status: CaptureStatus::from_stored(&status).ok_or_else(|| undecodable("status", &status))?,
        failure_reason: row.try_get("failure_reason")?,
        audio_key: row.try_get("audio_key")?,
        audio_type: match audio_type {
            Some(raw) => Some(AudioType::parse(&raw).ok_or_else(|| undecodable("audio_type", &raw))?),
            None => None,
        },
        audio_bytes: row.try_get("audio_bytes")?,
        audio_ms: row.try_get("audio_ms")?,
        transcript: row.try_get("transcript")?,
        proposals: match proposals {
            Some(raw) => Some(serde_json::from_str(&raw).map_err(|_| undecodable("proposals", "(not proposals)"))?),
            None => None,
        },
        extractor: row.try_get("extractor")?,
        item_ids: match item_ids {
            Some(raw) => serde_json::from_str(&raw).map_err(|_| undecodable("item_ids", &raw))?,
            None => Vec::new(),
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub async fn insert<'e>(db: impl Executor<'e, Database = Any>, c: &Capture) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO captures (id, user_id, source, status, audio_key, audio_type, audio_bytes, audio_ms,
             transcript, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&c.id)
    .bind(&c.user_id)
    .bind(c.source.as_str())
    .bind(c.status.as_str())
    .bind(&c.audio_key)
    .bind(c.audio_type.map(AudioType::as_str))
    .bind(c.audio_bytes)
    .bind(c.audio_ms)
    .bind(&c.transcript)
    .bind(c.created_at)
    .bind(c.updated_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The capture `id`, whoever owns it.
pub async fn find<'e>(db: impl Executor<'e, Database = Any>, id: &str) -> sqlx::Result<Option<Capture>> {
    sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM captures WHERE id = $1")))
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// `user_id`'s capture `id`, held until the change commits (`lock`: the database's
/// `FOR UPDATE`, or nothing on SQLite, whose write transaction holds everything).
pub async fn owned(conn: &mut AnyConnection, user_id: &str, id: &str, lock: &str) -> sqlx::Result<Option<Capture>> {
    sqlx::query(AssertSqlSafe(format!("SELECT {COLUMNS} FROM captures WHERE id = $1 AND user_id = $2 {lock}")))
        .bind(id)
        .bind(user_id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// `user_id`'s captures not yet accepted, newest first.
pub async fn open_of<'e>(db: impl Executor<'e, Database = Any>, user_id: &str, limit: i64) -> sqlx::Result<Vec<Capture>> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM captures WHERE user_id = $1 AND status <> 'accepted'
         ORDER BY created_at DESC, id DESC LIMIT $2"
    )))
    .bind(user_id)
    .bind(limit)
    .fetch_all(db)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// The transcript and the audio's measured length, once transcribed.
pub async fn set_transcript(conn: &mut AnyConnection, id: &str, text: &str, audio_ms: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE captures SET transcript = $2, audio_ms = $3, updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(text)
        .bind(audio_ms)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets the audio's key once the object is gone.
pub async fn clear_audio(conn: &mut AnyConnection, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE captures SET audio_key = NULL, updated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Proposals ready for review.
pub async fn set_ready(
    conn: &mut AnyConnection,
    id: &str,
    proposals: &[Proposal],
    extractor: &str,
    now: i64,
) -> sqlx::Result<()> {
    let proposals = serde_json::to_string(proposals).expect("proposals serialise");
    sqlx::query(
        "UPDATE captures SET status = 'ready', proposals = $2, extractor = $3, failure_reason = NULL,
             updated_at = $4 WHERE id = $1 AND status = 'processing'",
    )
    .bind(id)
    .bind(proposals)
    .bind(extractor)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets the status (and the failure reason, which any other status clears).
pub async fn set_status(
    conn: &mut AnyConnection,
    id: &str,
    status: CaptureStatus,
    reason: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE captures SET status = $2, failure_reason = $3, updated_at = $4 WHERE id = $1")
        .bind(id)
        .bind(status.as_str())
        .bind(reason)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Leaves a capture that is still processing failed, with a reason the person reads.
pub async fn fail(conn: &mut AnyConnection, id: &str, reason: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE captures SET status = 'failed', failure_reason = $2, updated_at = $3
         WHERE id = $1 AND status = 'processing'",
    )
    .bind(id)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Accepted: the items' ids are kept; the transcript and proposals, their job done, are not.
pub async fn set_accepted(conn: &mut AnyConnection, id: &str, item_ids: &[String], now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE captures SET status = 'accepted', item_ids = $2, transcript = NULL, proposals = NULL,
             updated_at = $3 WHERE id = $1",
    )
        .bind(id)
        .bind(serde_json::to_string(item_ids).expect("ids serialise"))
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete<'e>(db: impl Executor<'e, Database = Any>, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM captures WHERE id = $1").bind(id).execute(db).await?;
    Ok(())
}

/// Forgets the recordings of captures that failed before `failed_before` (at most `limit`);
/// answers their keys, for the caller to delete in the same change.
pub async fn forget_stale_recordings(
    conn: &mut AnyConnection,
    failed_before: i64,
    limit: i64,
    now: i64,
) -> sqlx::Result<Vec<String>> {
    let stale: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, audio_key FROM captures
         WHERE status = 'failed' AND audio_key IS NOT NULL AND updated_at < $1
         ORDER BY updated_at LIMIT $2",
    )
    .bind(failed_before)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    for (id, _) in &stale {
        clear_audio(conn, id, now).await?;
    }
    Ok(stale.into_iter().map(|(_, key)| key).collect())
}

/// Deletes every capture of `user_id`; answers the audio keys they still held.
pub async fn delete_all_of(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<Vec<String>> {
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT audio_key FROM captures WHERE user_id = $1 AND audio_key IS NOT NULL")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await?;
    sqlx::query("DELETE FROM captures WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM capture_usage WHERE user_id = $1").bind(user_id).execute(conn).await?;
    Ok(keys)
}
