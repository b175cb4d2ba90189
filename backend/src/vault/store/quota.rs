//! Bytes kept per user, in the vault's own `vault_usage` (a row per user, made on the
//! first reservation). Reserving checks and adds in one statement, so concurrent uploads
//! serialise on the user's row and cannot together pass the quota.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Executor, Row};

use crate::capability::profile::Column;

/// Adds `bytes` to the user's usage if the result stays within their quota (their own,
/// or `default_quota`); answers whether it did. Call inside the admitting transaction.
pub async fn reserve(
    conn: &mut AnyConnection,
    user_id: &str,
    bytes: i64,
    default_quota: i64,
) -> sqlx::Result<bool> {
    conn.execute(
        sqlx::query(
            "INSERT INTO vault_usage (user_id, used_bytes) VALUES ($1, 0) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id),
    )
    .await?;
    let result = conn
        .execute(
            sqlx::query(
                "UPDATE vault_usage SET used_bytes = used_bytes + $1
                 WHERE user_id = $2 AND used_bytes + $1 <= COALESCE(quota_bytes, $3)",
            )
            .bind(bytes)
            .bind(user_id)
            .bind(default_quota),
        )
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Gives `bytes` back, never below zero.
pub async fn release(conn: &mut AnyConnection, user_id: &str, bytes: i64) -> sqlx::Result<()> {
    conn.execute(
        sqlx::query(
            "UPDATE vault_usage SET used_bytes = CASE WHEN used_bytes > $1 THEN used_bytes - $1 ELSE 0 END
             WHERE user_id = $2",
        )
        .bind(bytes)
        .bind(user_id),
    )
    .await?;
    Ok(())
}

/// Bytes used and the user's own quota (None: the configured default).
pub async fn usage<'e>(
    db: impl Executor<'e, Database = sqlx::Any>,
    user_id: &str,
) -> sqlx::Result<(i64, Option<i64>)> {
    let row = sqlx::query("SELECT used_bytes, quota_bytes FROM vault_usage WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await?;
    row.map_or(Ok((0, None)), |row| {
        Ok((row.try_get("used_bytes")?, row.try_get("quota_bytes")?))
    })
}

/// What the profile selects of the user's usage: bytes used and their own quota.
pub fn profile_columns() -> Vec<Column> {
    vec![
        Column {
            name: "vault_used_bytes",
            sql: "CAST(COALESCE((SELECT used_bytes FROM vault_usage WHERE user_id = u.id), 0) AS BIGINT)".into(),
        },
        Column {
            name: "vault_quota_bytes",
            sql: "CAST((SELECT quota_bytes FROM vault_usage WHERE user_id = u.id) AS BIGINT)".into(),
        },
    ]
}

/// Bytes used and the user's own quota (None: the configured default), from the
/// profile's row.
pub fn from_profile_row(row: &AnyRow) -> sqlx::Result<(i64, Option<i64>)> {
    Ok((row.try_get("vault_used_bytes")?, row.try_get("vault_quota_bytes")?))
}

/// Forgets the user's usage (their account is gone).
pub async fn forget(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<()> {
    conn.execute(sqlx::query("DELETE FROM vault_usage WHERE user_id = $1").bind(user_id))
        .await?;
    Ok(())
}
