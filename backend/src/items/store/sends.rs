//! The `reminder_sends` table: the reminder emails handed to the mailer, one row per
//! reminder and occurrence, written after the handover. A delivery that finds its row
//! sends nothing; one that crashed between handing over and writing sends again, with
//! the same Message-ID — the one duplicate a crash can cause.

use jiff::civil::Date;
use sqlx::{Any, AnyConnection, Executor};

pub async fn exists<'e>(
    db: impl Executor<'e, Database = Any>,
    reminder_id: &str,
    due_on: Date,
) -> sqlx::Result<bool> {
    Ok(
        sqlx::query("SELECT 1 FROM reminder_sends WHERE reminder_id = $1 AND due_on = $2")
            .bind(reminder_id)
            .bind(due_on.to_string())
            .fetch_optional(db)
            .await?
            .is_some(),
    )
}

pub async fn record(
    conn: &mut AnyConnection,
    reminder_id: &str,
    due_on: Date,
    user_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO reminder_sends (reminder_id, due_on, user_id, sent_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (reminder_id, due_on) DO NOTHING",
    )
    .bind(reminder_id)
    .bind(due_on.to_string())
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets sends recorded before `before`: long after any retry of theirs.
pub async fn purge(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM reminder_sends WHERE sent_at < $1")
        .bind(before)
        .execute(conn)
        .await?
        .rows_affected())
}

pub async fn delete_all_of_user(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM reminder_sends WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
