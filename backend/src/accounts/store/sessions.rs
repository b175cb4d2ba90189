//! Sessions: one per sign-in on a device, ended by logout, revocation or its lifetimes.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

use crate::platform::time::{DAY_MS, MINUTE_MS};

/// A session lives at most this long after sign-in…
pub const ABSOLUTE_LIFETIME_MS: i64 = 30 * DAY_MS;
/// …and ends after this long unused.
pub const IDLE_LIFETIME_MS: i64 = 7 * DAY_MS;
/// `last_used_at` is written at most this often by authenticated requests.
pub const TOUCH_EVERY_MS: i64 = 5 * MINUTE_MS;

#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub generation: i64,
    pub created_at: i64,
    pub last_used_at: i64,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub revoked_at: Option<i64>,
}

impl Session {
    pub fn is_live(&self, now: i64) -> bool {
        Liveness {
            revoked_at: self.revoked_at,
            expires_at: self.expires_at,
            last_used_at: self.last_used_at,
        }
        .is_live(now)
    }
}

/// What decides whether a session is live.
#[derive(Debug, Clone, Copy)]
pub struct Liveness {
    pub revoked_at: Option<i64>,
    pub expires_at: i64,
    pub last_used_at: i64,
}

impl Liveness {
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && now < self.expires_at && now < self.last_used_at + IDLE_LIFETIME_MS
    }
}

pub const COLUMNS: &str = "s.id, s.user_id, s.generation, s.created_at, s.last_used_at, s.expires_at, s.user_agent, s.ip, s.revoked_at";

pub fn from_row(row: &AnyRow) -> sqlx::Result<Session> {
    Ok(Session {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        generation: row.try_get("generation")?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        expires_at: row.try_get("expires_at")?,
        user_agent: row.try_get("user_agent")?,
        ip: row.try_get("ip")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

pub async fn insert<'e>(db: impl Executor<'e, Database = Any>, session: &Session) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, generation, created_at, last_used_at, expires_at, user_agent, ip)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&session.id)
    .bind(&session.user_id)
    .bind(session.generation)
    .bind(session.created_at)
    .bind(session.last_used_at)
    .bind(session.expires_at)
    .bind(&session.user_agent)
    .bind(&session.ip)
    .execute(db)
    .await?;
    Ok(())
}

/// The session `id` of `user_id`, live or not.
pub async fn find<'e>(
    db: impl Executor<'e, Database = Any>,
    id: &str,
    user_id: &str,
) -> sqlx::Result<Option<Session>> {
    let sql = format!("SELECT {COLUMNS} FROM sessions s WHERE s.id = $1 AND s.user_id = $2");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The user's live sessions, most recently used first.
pub async fn list_live<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    now: i64,
) -> sqlx::Result<Vec<Session>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions s
         WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_used_at > $3
         ORDER BY s.last_used_at DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(now)
        .bind(now - IDLE_LIFETIME_MS)
        .fetch_all(db)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn touch<'e>(db: impl Executor<'e, Database = Any>, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET last_used_at = $1 WHERE id = $2 AND last_used_at < $1")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Revokes one live session of the user; answers whether there was one.
pub async fn revoke<'e>(
    db: impl Executor<'e, Database = Any>,
    id: &str,
    user_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Revokes every session of the user except `keep`.
pub async fn revoke_all<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    keep: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND id <> COALESCE($3, '')",
    )
    .bind(now)
    .bind(user_id)
    .bind(keep)
    .execute(db)
    .await?;
    Ok(())
}
