//! Bytes kept per user. Reserving checks and adds in one statement, so concurrent
//! uploads serialise on the user's row and cannot together pass the quota.

use sqlx::{Any, Executor, Row};

/// Adds `bytes` to the user's usage if the result stays within their quota (their own,
/// or `default_quota`); answers whether it did.
pub async fn reserve<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    bytes: i64,
    default_quota: i64,
) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "UPDATE users SET storage_used_bytes = storage_used_bytes + $1
         WHERE id = $2 AND storage_used_bytes + $1 <= COALESCE(storage_quota_bytes, $3)",
    )
    .bind(bytes)
    .bind(user_id)
    .bind(default_quota)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Gives `bytes` back, never below zero.
pub async fn release<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    bytes: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET storage_used_bytes = CASE WHEN storage_used_bytes > $1 THEN storage_used_bytes - $1 ELSE 0 END
         WHERE id = $2",
    )
    .bind(bytes)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(())
}

/// Bytes used and the quota (None: the configured default).
pub async fn usage<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
) -> sqlx::Result<(i64, Option<i64>)> {
    let row = sqlx::query("SELECT storage_used_bytes, storage_quota_bytes FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map_or((0, None), |row| {
        (row.get("storage_used_bytes"), row.get("storage_quota_bytes"))
    }))
}
