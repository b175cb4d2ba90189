//! The refresh tokens of sessions: one current per session, every spent one remembered
//! (by hash) until its session ends, so a replay is recognised and ends the session.

use sqlx::AssertSqlSafe;
use sqlx::{Any, Executor, Row};

use super::sessions::{self, Session};
use crate::platform::crypto::token_hash;

/// A presented refresh token and the session it belongs to.
pub struct Presented {
    pub generation: i64,
    pub spent_at: Option<i64>,
    pub session: Session,
}

pub async fn insert<'e>(
    db: impl Executor<'e, Database = Any>,
    session_id: &str,
    generation: i64,
    token: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, generation, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(token))
    .bind(session_id)
    .bind(generation)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Marks the token spent if it was current; answers whether this call spent it. Being a
/// write, it also takes the write lock first on SQLite, so concurrent refreshes queue.
pub async fn spend<'e>(db: impl Executor<'e, Database = Any>, token: &str, now: i64) -> sqlx::Result<bool> {
    let result =
        sqlx::query("UPDATE refresh_tokens SET spent_at = $1 WHERE token_hash = $2 AND spent_at IS NULL")
            .bind(now)
            .bind(token_hash(token))
            .execute(db)
            .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn find<'e>(db: impl Executor<'e, Database = Any>, token: &str) -> sqlx::Result<Option<Presented>> {
    let sql = format!(
        "SELECT r.generation AS token_generation, r.spent_at, {} FROM refresh_tokens r
         JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = $1",
        sessions::COLUMNS
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(token_hash(token))
        .fetch_optional(db)
        .await?;
    row.map(|row| {
        Ok(Presented {
            generation: row.try_get("token_generation")?,
            spent_at: row.try_get("spent_at")?,
            session: sessions::from_row(&row)?,
        })
    })
    .transpose()
}

/// Moves the session to its next generation.
pub async fn advance<'e>(
    db: impl Executor<'e, Database = Any>,
    session_id: &str,
    generation: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET generation = $1, last_used_at = $2 WHERE id = $3")
        .bind(generation)
        .bind(now)
        .bind(session_id)
        .execute(db)
        .await?;
    Ok(())
}
